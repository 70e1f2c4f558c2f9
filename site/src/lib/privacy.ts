/**
 * Build-time inputs of the Privacy & methodology page: the fields of the canonical event and of
 * the daily aggregate, walked from the zod schemas themselves, and what each event type means.
 * Imports zod at runtime, so only page frontmatter may use it, never a browser script.
 */
import { z } from 'zod';
import { dayAggregateSchema } from '../../../shared/aggregate.ts';
import { canonicalEventSchema, EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import { schemaFields, type FieldRow, type SchemaNode } from './fields.ts';

function jsonSchema(schema: z.ZodType): SchemaNode {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as SchemaNode;
}

/** Every field an agent may send in a canonical event (`POST /v1/events`). */
export function collectedFields(): FieldRow[] {
  return schemaFields(jsonSchema(canonicalEventSchema));
}

/** Every field of a published day (`GET /api/v1/days`). */
export function publishedFields(): FieldRow[] {
  return schemaFields(jsonSchema(dayAggregateSchema));
}

/** What each event type reports; a new type fails the type check until it is explained here. */
export const EVENT_MEANINGS = {
  install: 'The software was installed.',
  upgrade: 'The software was upgraded to a new version.',
  heartbeat: 'A daily sign of life of a running install.',
  start: 'The software started.',
  stop: 'The software stopped normally.',
  crash: 'The software crashed.',
  fatal: 'The software stopped on a fatal error it detected itself.',
  install_failed: 'An installation failed; the failure fields say how.',
  opt_out: 'The user opted out. Stored without the install pseudonym.',
  report: 'A periodic report of facts and counters (LibreNMS style) or any other event.',
} as const satisfies Record<EventType, string>;

/** The event types in the schema's order with their meaning. */
export function eventTypes(): { type: EventType; meaning: string }[] {
  return EVENT_TYPES.map((type) => ({ type, meaning: EVENT_MEANINGS[type] }));
}
