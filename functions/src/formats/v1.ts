/** The canonical API: `POST /v1/events` (one event or a batch) and `POST /v1/erase`. */
import { z } from 'zod';
import { eraseSchema, zodIssues } from '../../../shared/schema/api.ts';
import { canonicalEventSchema, eventBatchSchema } from '../../../shared/schema/event.ts';
import { MAX_EVENTS_PER_REQUEST } from '../../../shared/schema/limits.ts';
import { parseCanonicalBody } from '../ingest/canonical.ts';
import { wireFormat } from './wire-format.ts';

/** A batch as documented: its events are canonical events (parsed one by one at ingest). */
const batchSchema = eventBatchSchema.extend({
  events: z.array(canonicalEventSchema).min(1).max(MAX_EVENTS_PER_REQUEST),
});

/** `POST /v1/events`: what homecall's own agents send. */
export const v1Events = wireFormat({
  path: '/v1/events',
  source: 'v1',
  accepts: ['json'],
  intake: (body) => ({ kind: 'events', result: parseCanonicalBody(body.value) }),
  reply: { status: 202, body: 'accepted' },
  docs: {
    summary: `Report one event or a batch of up to ${MAX_EVENTS_PER_REQUEST}.`,
    request: [canonicalEventSchema, batchSchema],
    schemas: { 'event.schema.json': canonicalEventSchema, 'event-batch.schema.json': batchSchema },
  },
});

/** `POST /v1/erase`: delete every stored record of an install. */
export const v1Erase = wireFormat({
  path: '/v1/erase',
  accepts: ['json'],
  intake: (body) => {
    const parsed = eraseSchema.safeParse(body.value);
    return parsed.success
      ? { kind: 'erase', installId: parsed.data.installId }
      : {
          kind: 'invalid',
          message: 'Body must be {"installId": "<id>"}.',
          issues: zodIssues(parsed.error.issues),
        };
  },
  reply: { status: 200, body: 'erased' },
  docs: {
    summary: 'Delete every stored record of an install.',
    request: eraseSchema,
    schemas: { 'erase.schema.json': eraseSchema },
  },
});
