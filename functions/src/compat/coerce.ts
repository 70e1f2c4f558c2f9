/**
 * Tolerant coercion shared by the compat adapters. The clients we accept unchanged build their
 * bodies with shell templates and PHP, so a number may arrive as "12", a boolean as "true" and
 * "nothing" as "", "null" or "unknown". Every helper here is total: junk in, `undefined` out.
 *
 * Bounding policy (all adapters): optional descriptive values that are too long are truncated to
 * the canonical limit (never split inside a surrogate pair, trimmed again afterwards); values that
 * identify an install are never truncated — an over-long id is rejected instead, because a
 * shortened id could merge two installs.
 */
import type { z } from 'zod';
import type { AttributeSpec } from '../../../shared/config.ts';
import { zodIssues as issuesOf } from '../../../shared/schema/api.ts';
import type { AttributeValue } from '../../../shared/schema/event.ts';
import { findUnsafeJson } from '../../../shared/schema/json-safety.ts';
import {
  ATTRIBUTE_NUMBER_MAX,
  ATTRIBUTE_TEXT_MAX,
  MAX_COMPAT_JSON_DEPTH,
} from '../../../shared/schema/limits.ts';
import { attributeShape, fitsShape, type FieldShape } from '../../../shared/schema/shapes.ts';
import type { AdapterResult } from '../model/incoming.ts';
import type { BodyIssue } from '../../../shared/schema/api.ts';

/** Values the clients send when they know nothing; treated as absent everywhere. */
const ABSENT = new Set(['', 'null', 'undefined', 'unknown', 'n/a', '-']);

// C0 and C1 control characters except tab and newline; DEL too.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F]/g;

/** Whether a (trimmed) string is one of the "no value" markers. */
export function isAbsentText(value: string): boolean {
  return ABSENT.has(value.trim().toLowerCase());
}

/**
 * Cuts a string to at most `max` UTF-16 code units without leaving half a surrogate pair,
 * then trims the end again.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = value.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

/** Options of {@link text}. */
export interface TextOptions {
  /** Keep line breaks (free-text messages); otherwise they become spaces. */
  multiline?: boolean;
  /** Extra lower-case values to treat as absent (e.g. Python's "none"). */
  absent?: readonly string[];
}

/**
 * A bounded, trimmed, well-formed single string from a string, number or boolean; undefined
 * for anything else, for the "no value" markers, and for what is empty after cleaning.
 */
export function text(value: unknown, max: number, options: TextOptions = {}): string | undefined {
  let raw: string;
  if (typeof value === 'string') raw = value;
  // Number.isFinite does not coerce: it is true only for a finite number.
  else if (Number.isFinite(value)) raw = String(value);
  else if (typeof value === 'boolean') raw = String(value);
  else return undefined;
  const cleaned = raw
    .toWellFormed()
    .replace(/\r\n?/g, '\n')
    .replace(options.multiline ? CONTROL : CONTROL_OR_BREAK, ' ')
    .trim();
  if (isAbsentText(cleaned)) return undefined;
  if (options.absent?.includes(cleaned.toLowerCase())) return undefined;
  // truncate trims the end again, and the start was trimmed above.
  const bounded = truncate(cleaned, max);
  return bounded.length > 0 ? bounded : undefined;
}

/** Longest raw value a structured field is read from; none of the shapes allows more. */
const STRUCTURED_READ_MAX = 1024;

/**
 * A structured value (version, name, ...): its text when it has `shape`, else `rejected` (the
 * adapter reports the field). Never truncated: a cut version or name would be a wrong one.
 */
export function shapedText(
  value: unknown,
  shape: FieldShape,
  options: TextOptions = {},
): { value?: string; rejected: boolean } {
  const coerced = text(value, STRUCTURED_READ_MAX, options);
  if (coerced === undefined) return { rejected: false };
  return fitsShape(shape, coerced) ? { value: coerced, rejected: false } : { rejected: true };
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A finite number from a number or a numeric string ("12", " 3.5 ", "1e3"); else undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!NUMERIC.test(trimmed)) return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** An integer within [min, max] from a number or numeric string; fractions are rejected. */
export function toInteger(value: unknown, min: number, max: number): number | undefined {
  const parsed = toNumber(value);
  if (parsed === undefined || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    return undefined;
  }
  return Object.is(parsed, -0) ? 0 : parsed;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A boolean from a boolean, 0/1, or "true"/"false"/"yes"/"no"/"on"/"off"; else undefined. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}

/**
 * Coerces a value to the kind the allowed attribute `key` declares; undefined when it does not
 * fit, including a string without the attribute's shape.
 */
export function toAttribute(
  key: string,
  spec: AttributeSpec,
  value: unknown,
): AttributeValue | undefined {
  switch (spec.kind) {
    case 'string': {
      const coerced = text(value, ATTRIBUTE_TEXT_MAX);
      return coerced !== undefined && fitsShape(attributeShape(key, spec.shape), coerced)
        ? coerced
        : undefined;
    }
    case 'number': {
      const parsed = toNumber(value);
      return parsed !== undefined && Math.abs(parsed) <= ATTRIBUTE_NUMBER_MAX ? parsed : undefined;
    }
    case 'boolean':
      return toBoolean(value);
  }
}

/** Plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maximum length of one entry of `ignoredFields`, and how many entries an adapter reports. */
const IGNORED_NAME_MAX = 100;
const IGNORED_MAX = 100;

/** Collects the names of dropped fields: deduplicated, each bounded, at most 100. */
export class IgnoredFields {
  private readonly names = new Set<string>();

  add(name: string): void {
    if (this.names.size >= IGNORED_MAX) return;
    const clean = truncate(name.toWellFormed().replace(CONTROL_OR_BREAK, '?'), IGNORED_NAME_MAX);
    this.names.add(clean);
  }

  list(): string[] {
    return [...this.names];
  }
}

/** A JSON path segment as `ignoredFields` shows it: `a.b`, or `a["odd key"]` when needed. */
export function fieldName(parent: string, key: string): string {
  const plain = /^[\w$-]+$/.test(key);
  const segment = plain ? key : JSON.stringify(key);
  if (parent === '') return segment;
  return plain ? `${parent}.${segment}` : `${parent}[${segment}]`;
}

/** Most issues an adapter lists for a body that fails its schema. */
const ISSUES_MAX = 20;

/** Converts zod issues to the error body's issues (the first 20), under an optional prefix. */
export function zodIssues(error: z.ZodError, prefix: (string | number)[] = []): BodyIssue[] {
  return issuesOf(error.issues, prefix, ISSUES_MAX);
}

/**
 * Runs an adapter's mapping with a safety net: mapping is written not to throw, but no body may
 * ever turn into a 500.
 */
export function mapSafely<S extends string>(map: () => AdapterResult<S>): AdapterResult<S> {
  try {
    return map();
  } catch {
    return {
      ok: false,
      message: 'The body could not be read.',
      issues: [{ path: [], message: 'unreadable body' }],
    };
  }
}

/**
 * Rejects JSON that nests deeper than MAX_COMPAT_JSON_DEPTH or uses
 * `__proto__`/`constructor`/`prototype` keys.
 */
export function checkJsonShape(value: unknown): BodyIssue | undefined {
  const unsafe = findUnsafeJson(value, MAX_COMPAT_JSON_DEPTH);
  if (unsafe?.problem === 'depth') {
    return {
      path: unsafe.path,
      message: `nesting deeper than ${MAX_COMPAT_JSON_DEPTH} levels is not accepted`,
    };
  }
  if (unsafe?.problem === 'key') {
    return { path: unsafe.path, message: `key ${unsafe.key} is not accepted` };
  }
  return undefined;
}

/** Drops keys whose value is undefined, so mapped objects compare and serialise cleanly. */
export function compact<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/** Distribution names as os-release `NAME` or `uname -v` spell them, and their os-release `ID`. */
const DISTRIBUTIONS: readonly [RegExp, string][] = [
  [/\bubuntu\b/i, 'ubuntu'],
  [/\bdebian\b/i, 'debian'],
  [/\braspbian\b/i, 'raspbian'],
  [/\bred hat\b|\brhel\b/i, 'rhel'],
  [/\bcentos\b/i, 'centos'],
  [/\brocky\b/i, 'rocky'],
  [/\balmalinux\b/i, 'almalinux'],
  [/\boracle linux\b/i, 'ol'],
  [/\bfedora\b/i, 'fedora'],
  [/\bopensuse\b/i, 'opensuse'],
  [/\bsles\b|\bsuse linux enterprise\b/i, 'sles'],
  [/\balpine\b/i, 'alpine'],
  [/\barch linux\b/i, 'arch'],
  [/\bgentoo\b/i, 'gentoo'],
  [/\bamazon linux\b/i, 'amzn'],
  [/\bfreebsd\b/i, 'freebsd'],
];

/**
 * The os-release style id ("debian") of a distribution named in free text ("Debian GNU/Linux",
 * "#59~20.04.1-Ubuntu SMP ..."); undefined when none is recognised.
 */
export function distributionId(value: string): string | undefined {
  for (const [pattern, id] of DISTRIBUTIONS) if (pattern.test(value)) return id;
  return undefined;
}
