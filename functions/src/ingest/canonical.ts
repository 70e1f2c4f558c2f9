/** Parses `POST /v1/events` bodies: one canonical event or `{"events": [...]}`. */
import type { z } from 'zod';
import { zodIssues } from '../../../shared/schema/api.ts';
import {
  canonicalEventSchema,
  eventBatchSchema,
  type CanonicalEvent,
} from '../../../shared/schema/event.ts';
import type { AdapterFailure, AdapterResult, IncomingEvent } from '../model/incoming.ts';
import type { BodyIssue } from '../../../shared/schema/api.ts';

type Path = (string | number)[];

/** Maps a canonical body to incoming events, naming every unknown field it dropped. */
export function parseCanonicalBody(body: unknown): AdapterResult<'v1'> {
  // An array has no `events`: it is parsed (and refused) as one event.
  const isBatch = typeof body === 'object' && body !== null && 'events' in body;
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

/** The refusal of a body; `issues` holds at least one (a failed parse names its problems). */
function invalid(issues: BodyIssue[]): AdapterFailure {
  const first = issues[0] as BodyIssue;
  const where = first.path.length > 0 ? ` at ${formatPath(first.path)}` : '';
  return { ok: false, message: `Invalid event${where}: ${first.message}`, issues };
}

/** Formats an issue path the way clients write field names: `events[0].product.version`. */
export function formatPath(path: Path): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

type Parsed<T> = { ok: true; data: T; ignored: string[] } | { ok: false; issues: BodyIssue[] };

/**
 * Validates strictly, then drops what may be dropped and validates again: unknown keys, and
 * structured strings (product, platform, module, counter key, attribute value) that lack their
 * shape. Both are reported back, never stored, and never a reason to reject a report. A value of
 * the wrong type or a number out of range still rejects the event: that is a broken client.
 */
function parseDroppingUnknown<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: Path,
): Parsed<z.output<S>> {
  let candidate = value;
  const ignored = new Set<string>();
  // Each pass drops every droppable value it is told of; no known input needs a second one, and
  // the bound only guards against a value that cannot be dropped.
  // Stryker disable next-line all: a guard no known input reaches
  for (let attempt = 1; ; attempt += 1) {
    const result = schema.safeParse(candidate);
    if (result.success) return { ok: true, data: result.data, ignored: [...ignored] };
    const others = result.error.issues.filter((i) => !isDroppable(i));
    if (others.length > 0) return { ok: false, issues: zodIssues(others, prefix) };
    // Stryker disable next-line all: the same guard
    if (attempt === 3) return { ok: false, issues: zodIssues(result.error.issues, prefix) };
    // Every issue is droppable here. The caller's body stays as it was sent.
    candidate = structuredClone(candidate);
    const emptied = new Set<unknown[]>();
    for (const issue of result.error.issues) {
      const path = issue.path as Path;
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [path[path.length - 1]];
      const parentPath = issue.code === 'unrecognized_keys' ? path : path.slice(0, -1);
      // A module without a valid name (its issue is at modules.<i>.name) is dropped whole.
      if (parentPath[0] === 'modules' && keys[0] === 'name') {
        const list = nodeAt(candidate, ['modules']) as unknown[];
        list[parentPath[1] as number] = DROPPED;
        emptied.add(list);
        ignored.add(formatPath([...prefix, ...parentPath]));
        continue;
      }
      const target = nodeAt(candidate, parentPath) as object | typeof DROPPED;
      // Nothing left to drop when the module itself is gone.
      if (target === DROPPED) continue;
      for (const key of keys) {
        Reflect.deleteProperty(target, key as PropertyKey);
        ignored.add(formatPath([...prefix, ...parentPath, key as string | number]));
      }
    }
    for (const list of emptied) {
      const kept = list.filter((item) => item !== DROPPED);
      list.length = 0;
      list.push(...kept);
    }
  }
}

/** Marks a module to remove once every issue of a pass has been handled. */
const DROPPED = Symbol('dropped');

/** Where a structured string may fail its shape without failing the event. */
function isStructuredLeaf(path: readonly PropertyKey[]): boolean {
  const [head] = path;
  // A proof of work is optional: a malformed one proves nothing and costs the event nothing.
  if (head === 'proof') return true;
  // The depths below are where these fields hold strings; the issue codes isDroppable accepts
  // arise only there, so a depth check cannot fail today: it keeps a field added deeper later
  // from being dropped silently.
  if (head === 'product' || head === 'platform' || head === 'counters' || head === 'attributes') {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent under the current schema (above)
    return path.length === 2;
  }
  return (
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent under the current schema (above); only a module has a number second in its path or a string third
    head === 'modules' &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent under the current schema (above)
    path.length === 3 &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,LogicalOperator: equivalent under the current schema (above)
    typeof path[1] === 'number' &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,LogicalOperator: equivalent under the current schema (above)
    (path[2] === 'name' || path[2] === 'version')
  );
}

function isDroppable(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'unrecognized_keys') return true;
  if (!isStructuredLeaf(issue.path)) return false;
  switch (issue.code) {
    case 'invalid_key':
      // Counter keys are structured strings; attribute keys are checked against the allowlist.
      return issue.path[0] === 'counters';
    case 'invalid_format':
      return true;
    case 'too_big':
    case 'too_small':
      return issue.origin === 'string';
    default:
      return false;
  }
}

function nodeAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      // Every issue's parent exists, so this guard never fails today: ingest must never throw.
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,StringLiteral: equivalent (above)
      node !== null && typeof node === 'object'
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined,
    root,
  );
}
