/** Builds the OpenAPI 3.1 document and JSON Schemas of every wire format from the zod schemas. */
import { z } from 'zod';
import { dayAggregateSchema } from '../../../shared/aggregate.ts';
import { canonicalEventSchema, eventBatchSchema } from '../../../shared/schema/event.ts';

const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string(),
      message: z.string(),
      issues: z
        .array(
          z.strictObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }),
        )
        .optional(),
    }),
  })
  .describe('Every error answer.');

const acceptedSchema = z
  .strictObject({
    accepted: z.number().int().describe('Events newly stored.'),
    duplicates: z.number().int().describe('Events already stored before (retries).'),
    ignoredFields: z
      .array(z.string())
      .describe('Fields dropped because homecall does not collect them.'),
  })
  .describe('Answer to an accepted report.');

const eraseSchema = z
  .strictObject({ installId: z.string().min(1).max(128).describe('The id the agent sent.') })
  .describe('Erase every stored record of an install.');

const erasedSchema = z
  .strictObject({
    erased: z.strictObject({ events: z.number().int(), installs: z.number().int() }),
  })
  .describe('What an erase deleted.');

const daysSchema = z
  .strictObject({ days: z.array(dayAggregateSchema) })
  .describe('Daily aggregates.');

/** JSON Schemas of the public wire formats, by file name. */
export function buildJsonSchemas(): Record<string, unknown> {
  return {
    'event.schema.json': z.toJSONSchema(canonicalEventSchema, { target: 'draft-2020-12' }),
    'event-batch.schema.json': z.toJSONSchema(
      eventBatchSchema.extend({ events: z.array(canonicalEventSchema).min(1).max(100) }),
      { target: 'draft-2020-12' },
    ),
    'day-aggregate.schema.json': z.toJSONSchema(dayAggregateSchema, { target: 'draft-2020-12' }),
    'error.schema.json': z.toJSONSchema(errorSchema, { target: 'draft-2020-12' }),
  };
}

const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input' });
const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const errors = {
  '400': { description: 'Invalid body or parameters.', content: json(errorSchema) },
  '405': { description: 'Wrong method.', content: json(errorSchema) },
  '413': { description: 'Body larger than 64 KiB.', content: json(errorSchema) },
  '415': { description: 'Wrong content type.', content: json(errorSchema) },
  '429': { description: 'Rate limited; see Retry-After.', content: json(errorSchema) },
  '503': {
    description: 'Storage unavailable; retry after Retry-After.',
    content: json(errorSchema),
  },
};

/** The OpenAPI 3.1 document served at `/v1/openapi.json`. */
export function buildOpenApi(): unknown {
  return {
    openapi: '3.1.0',
    info: {
      title: 'homecall',
      version: '1',
      description:
        'Anonymous usage statistics: ingest of agent events and public daily aggregates.',
    },
    paths: {
      '/v1/events': {
        post: {
          summary: 'Report one event or a batch of up to 100.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    schema(canonicalEventSchema),
                    schema(
                      eventBatchSchema.extend({
                        events: z.array(canonicalEventSchema).min(1).max(100),
                      }),
                    ),
                  ],
                },
              },
            },
          },
          responses: {
            '202': { description: 'Stored.', content: json(acceptedSchema) },
            ...errors,
          },
        },
      },
      '/v1/erase': {
        post: {
          summary: 'Delete every stored record of an install.',
          requestBody: { required: true, content: json(eraseSchema) },
          responses: {
            '200': { description: 'Deleted (idempotent).', content: json(erasedSchema) },
            ...errors,
          },
        },
      },
      '/api/v1/days': {
        get: {
          summary: 'Daily aggregates of a range of UTC days (default: the last 90).',
          parameters: [
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
          ],
          responses: {
            '200': { description: 'The days.', content: json(daysSchema) },
            '400': errors['400'],
          },
        },
      },
    },
  };
}
