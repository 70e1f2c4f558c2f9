/** Parses `POST /v1/events` bodies: one canonical event or `{"events": [...]}`. */
import type { z } from 'zod';
import {
  canonicalEventSchema,
  eventBatchSchema,
  type CanonicalEvent,
} from '../../../shared/schema/event.ts';
import type { AdapterResult, BodyIssue, IncomingEvent } from './incoming.ts';

type Path = (string | number)[];

/** Maps a canonical body to incoming events, naming every unknown field it dropped. */
export function parseCanonicalBody(body: unknown): AdapterResult {
  const isBatch =
    typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
  const items: { value: unknown; path: Path }[] = [];
  const ignoredFields: string[] = [];
  if (isBatch) {
    const batch = parseDroppingUnknown(eventBatchSchema, body, []);
    if (!batch.ok) return invalid(batch.issues);
    ignoredFields.push(...batch.ignored);
    batch.data.events.forEach((value, i) => items.push({ value, path: ['events', i] }));
  } else {
    items.push({ value: body, path: [] });
  }
  const events: IncomingEvent[] = [];
  const issues: BodyIssue[] = [];
  for (const item of items) {
    const parsed = parseDroppingUnknown(canonicalEventSchema, item.value, item.path);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    ignoredFields.push(...parsed.ignored);
    events.push(toIncoming(parsed.data));
  }
  if (issues.length > 0) return invalid(issues);
  return { ok: true, source: 'v1', events, ignoredFields };
}

function toIncoming(event: CanonicalEvent): IncomingEvent {
  const { schema, ...incoming } = event;
  return incoming;
}

function invalid(issues: BodyIssue[]): AdapterResult {
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${formatPath(first.path)}` : '';
  return {
    ok: false,
    message: `Invalid event${where}: ${first?.message ?? 'unknown problem'}`,
    issues,
  };
}

/** Formats an issue path the way clients write field names: `events[0].product.version`. */
export function formatPath(path: Path): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

type Parsed<T> = { ok: true; data: T; ignored: string[] } | { ok: false; issues: BodyIssue[] };

/**
 * Validates strictly, then drops the keys the schema does not know and validates again: unknown
 * fields are reported back, never stored, and never a reason to reject a report.
 */
function parseDroppingUnknown<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: Path,
): Parsed<z.output<S>> {
  let candidate = value;
  const ignored: string[] = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const result = schema.safeParse(candidate);
    if (result.success) return { ok: true, data: result.data, ignored };
    const unknownKeys = result.error.issues.filter((i) => i.code === 'unrecognized_keys');
    const others = result.error.issues.filter((i) => i.code !== 'unrecognized_keys');
    if (unknownKeys.length === 0 || attempt === 1) {
      return {
        ok: false,
        issues: others.map((i) => ({
          path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          message: i.message,
        })),
      };
    }
    candidate = structuredClone(candidate);
    for (const issue of unknownKeys) {
      const target = issue.path.reduce<unknown>(
        (node, key) => (node as Record<PropertyKey, unknown>)[key as PropertyKey],
        candidate,
      ) as Record<string, unknown>;
      for (const key of issue.keys) {
        Reflect.deleteProperty(target, key);
        ignored.push(formatPath([...prefix, ...(issue.path as Path), key]));
      }
    }
  }
  return { ok: false, issues: [{ path: prefix, message: 'invalid event' }] };
}
