/**
 * How the stats API is asked for days, shared by the `stats` function, the stores and the site
 * (zod-free, so the browser bundles it): named ranges, field projections, the `top` fold, and the
 * canonical URLs the site asks for, so every visitor's browser requests the same few URLs and the
 * CDN answers them.
 */
import type { Bucket, CounterGroup, DayAggregate, VersionReliability } from './aggregate.ts';
import { addDays, type Day } from './dates.ts';
import { OTHER, UNKNOWN } from './values.ts';

/** Paths of the stats API. */
export const API_PATHS = {
  days: '/api/v1/days',
  daysCsv: '/api/v1/days.csv',
  latest: '/api/v1/latest',
} as const;

/** Longest range one request may ask for (three years). */
export const MAX_RANGE_DAYS = 3 * 366;
/** Days answered when no range is given. */
export const DEFAULT_RANGE_DAYS = 90;

/** The named ranges (`?range=`): the days each spans, ending today (UTC). */
export const NAMED_RANGES = { '30d': 30, '90d': 90, '1y': 365, all: MAX_RANGE_DAYS } as const;

/** A named range. */
export type RangeName = keyof typeof NAMED_RANGES;

/** Whether `value` names a range. */
export function isRangeName(value: unknown): value is RangeName {
  return typeof value === 'string' && Object.hasOwn(NAMED_RANGES, value);
}

/** The first and last day of a named range ending on `last`. */
export function namedRangeSpan(name: RangeName, last: Day): { from: Day; to: Day } {
  return { from: addDays(last, -(NAMED_RANGES[name] - 1)), to: last };
}

/** Fields of a day that `fields=` may select; `day` and `final` are always answered. */
export const DAY_FIELDS = [
  'activeInstalls',
  'newInstalls',
  'optOuts',
  'events',
  'run',
  'privacy',
  'breakdowns',
  'upgrades',
  'reliability',
  'counters',
  'established',
  'heldOut',
  'unestablishedInstallFailures',
  'anomaly',
] as const;

/** Parts of the reliability section that may be selected on their own. */
export const RELIABILITY_PARTS = ['versions', 'topFailures', 'installFailures'] as const;

/**
 * A selectable field: one of `DAY_FIELDS`, `breakdowns.<name>` (one breakdown, e.g.
 * `breakdowns.version` or `breakdowns.attribute.cpu_cores`) or `reliability.<part>`.
 */
export type DayField = string;

/** Most fields one request may list. */
export const MAX_FIELDS = 40;
/** Largest `top`. */
export const MAX_TOP = 50;

// A breakdown's name: a word (`version`, `osVersion`) or `attribute.<key>`.
const BREAKDOWN_NAME = /^(?:[A-Za-z][A-Za-z0-9]{0,39}|attribute\.[A-Za-z0-9_-]{1,64})$/;

/** Whether `field` is a field `fields=` accepts. */
export function isDayField(field: string): boolean {
  if ((DAY_FIELDS as readonly string[]).includes(field)) return true;
  if (field.startsWith('breakdowns.')) return BREAKDOWN_NAME.test(field.slice(11));
  if (field.startsWith('reliability.'))
    return (RELIABILITY_PARTS as readonly string[]).includes(field.slice(12));
  return false;
}

/**
 * Fields sorted and without repeats, a part dropped when its whole section is listed: the one
 * spelling of a selection, so equal selections make equal URLs (and one CDN entry).
 */
export function canonicalFields(fields: readonly DayField[]): DayField[] {
  const set = new Set(fields);
  return [...set]
    .filter((field) => {
      const dot = field.indexOf('.');
      return dot < 0 || !set.has(field.slice(0, dot));
    })
    .sort();
}

/** A day as a projection answers it: `day` and `final`, and the selected fields. */
export type DayProjection = Pick<DayAggregate, 'day' | 'final'> &
  Partial<Omit<DayAggregate, 'day' | 'final' | 'reliability'>> & {
    reliability?: Partial<DayAggregate['reliability']>;
  };

/** The selected fields of a day (all of it when `fields` is undefined). */
export function projectDay(
  day: DayAggregate,
  fields: readonly DayField[] | undefined,
): DayProjection {
  if (fields === undefined) return day;
  const out: DayProjection = { day: day.day, final: day.final };
  const target = out as Record<string, unknown>;
  const source = day as unknown as Record<string, unknown>;
  for (const field of fields) {
    if ((DAY_FIELDS as readonly string[]).includes(field)) {
      // A day published before differential privacy has no `privacy`: the field stays absent.
      if (source[field] !== undefined) target[field] = source[field];
    } else if (field.startsWith('breakdowns.')) {
      const name = field.slice(11);
      const buckets = day.breakdowns[name];
      out.breakdowns ??= {};
      if (buckets) out.breakdowns[name] = buckets;
    } else if (field.startsWith('reliability.')) {
      const part = field.slice(12) as (typeof RELIABILITY_PARTS)[number];
      out.reliability = { ...out.reliability, [part]: day.reliability[part] };
    }
  }
  return out;
}

/**
 * The primary weight of a character of a version string (`_ - . + ~`, then letters without case),
 * in the order of Unicode's root collation; undefined for anything else.
 */
function versionCharWeight(code: number): number | undefined {
  const punctuation = VERSION_PUNCTUATION.indexOf(String.fromCharCode(code));
  if (punctuation >= 0) return punctuation;
  if (code >= 65 && code <= 90) return 100 + code - 65;
  if (code >= 97 && code <= 122) return 100 + code - 97;
  return undefined;
}
const VERSION_PUNCTUATION = '_-.+~';
/** Digits sort after punctuation and before letters. */
const DIGITS_WEIGHT = 50;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Orders version strings by their numbers: 1.10.0 after 1.9.2 (the same in every runtime) — the
 * order of `localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })`, which is what it
 * falls back to for a character a version shape does not allow. Written out because the
 * collator's first use loads ICU's collation data, a long task on a phone showing a chart page.
 */
export function compareVersions(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // Whole numbers, leading zeros ignored.
      let ea = i;
      let eb = j;
      while (ea < a.length && isDigit(a.charCodeAt(ea))) ea += 1;
      while (eb < b.length && isDigit(b.charCodeAt(eb))) eb += 1;
      const na = a.slice(i, ea).replace(/^0+/, '');
      const nb = b.slice(j, eb).replace(/^0+/, '');
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      i = ea;
      j = eb;
      continue;
    }
    const wa = isDigit(ca) ? DIGITS_WEIGHT : versionCharWeight(ca);
    const wb = isDigit(cb) ? DIGITS_WEIGHT : versionCharWeight(cb);
    if (wa === undefined || wb === undefined) {
      return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
    }
    if (wa !== wb) return wa - wb;
    i += 1;
    j += 1;
  }
  // Characters a version never holds may still follow: let the collator judge the rest.
  for (const rest of [a.slice(i), b.slice(j)]) {
    for (let k = 0; k < rest.length; k += 1) {
      const code = rest.charCodeAt(k);
      if (!isDigit(code) && versionCharWeight(code) === undefined) {
        return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
      }
    }
  }
  return a.length - i - (b.length - j);
}

/**
 * The values of a breakdown with the most installs summed over the days, at most `top`, never
 * "other" or "unknown"; ties go to the lower value, so the choice is deterministic.
 */
export function topValues(
  days: readonly Pick<DayProjection, 'breakdowns'>[],
  name: string,
  top: number,
): string[] {
  const totals = new Map<string, number>();
  for (const day of days) {
    for (const bucket of day.breakdowns?.[name] ?? []) {
      if (bucket.value === OTHER || bucket.value === UNKNOWN) continue;
      totals.set(bucket.value, (totals.get(bucket.value) ?? 0) + bucket.installs);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1] || compareVersions(a[0], b[0]))
    .slice(0, top)
    .map(([value]) => value);
}

/** The versions with the most active installs summed over the days, "other" excluded. */
export function topReliabilityVersions(
  days: readonly Pick<DayProjection, 'reliability'>[],
  top: number,
): string[] {
  const totals = new Map<string, number>();
  for (const day of days) {
    for (const row of day.reliability?.versions ?? []) {
      if (row.version === OTHER) continue;
      totals.set(row.version, (totals.get(row.version) ?? 0) + row.activeInstalls);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1] || compareVersions(a[0], b[0]))
    .slice(0, top)
    .map(([version]) => version);
}

/**
 * Per counter group, the values with the largest sums over the days, at most `top`, never
 * "other"; ties go to the lower value.
 */
export function topCounterValues(
  days: readonly Pick<DayProjection, 'counters'>[],
  top: number,
): Map<string, Set<string>> {
  const totals = new Map<string, Map<string, number>>();
  for (const day of days) {
    for (const group of day.counters ?? []) {
      const values = totals.get(group.group) ?? new Map<string, number>();
      totals.set(group.group, values);
      for (const v of group.values) {
        if (v.value !== OTHER) values.set(v.value, (values.get(v.value) ?? 0) + v.sum);
      }
    }
  }
  return new Map(
    [...totals].map(([group, values]) => [
      group,
      new Set(
        [...values]
          .sort((a, b) => b[1] - a[1] || compareVersions(a[0], b[0]))
          .slice(0, top)
          .map(([value]) => value),
      ),
    ]),
  );
}

/** A counter group with only the kept values; its `sum` and `installs` still count all of them. */
function foldCounterGroup(
  group: CounterGroup,
  keep: ReadonlySet<string> | undefined,
): CounterGroup {
  return { ...group, values: group.values.filter((v) => keep?.has(v.value) ?? false) };
}

function foldBuckets(buckets: readonly Bucket[], keep: ReadonlySet<string>): Bucket[] {
  const kept: Bucket[] = [];
  let other = 0;
  for (const bucket of buckets) {
    if (keep.has(bucket.value) || bucket.value === UNKNOWN) kept.push(bucket);
    else other += bucket.installs;
  }
  if (other > 0) kept.push({ value: OTHER, installs: other });
  return kept;
}

/**
 * `top=N`: each breakdown keeps the N values with the most installs over the days, plus
 * "unknown", and every other value is summed into "other", so a day's buckets still add up to
 * what it published; `reliability.versions` keeps its N versions with the most active installs;
 * each counter group keeps its N values with the largest sums over the days (the rest, "other"
 * included, is left out: the group's `sum` and `installs` still count it, so `sum` minus the
 * values listed is the rest). What a chart of the top values over a range needs, at a fraction
 * of the bytes.
 */
export function foldToTop(days: readonly DayProjection[], top: number): DayProjection[] {
  const names = new Set(days.flatMap((d) => Object.keys(d.breakdowns ?? {})));
  const keepByName = new Map([...names].map((name) => [name, new Set(topValues(days, name, top))]));
  const versions = new Set(topReliabilityVersions(days, top));
  const counterValues = topCounterValues(days, top);
  return days.map((day) => {
    const out: DayProjection = { ...day };
    if (day.breakdowns) {
      out.breakdowns = Object.fromEntries(
        Object.entries(day.breakdowns).map(([name, buckets]) => [
          name,
          foldBuckets(buckets, keepByName.get(name) ?? new Set()),
        ]),
      );
    }
    if (day.counters) {
      out.counters = day.counters.map((g) => foldCounterGroup(g, counterValues.get(g.group)));
    }
    if (day.reliability?.versions) {
      const rows: VersionReliability[] = day.reliability.versions.filter((row) =>
        versions.has(row.version),
      );
      out.reliability = { ...day.reliability, versions: rows };
    }
    return out;
  });
}

/** What a request for days asks: a named range, fields, and the top fold. */
export interface DaysQuery {
  range: RangeName;
  fields?: readonly DayField[];
  top?: number;
}

/** The canonical URL of a days query: `/api/v1/days?range=90d&fields=a,b&top=5`. */
export function daysUrl(query: DaysQuery, format: 'json' | 'csv' = 'json'): string {
  const params = [`range=${query.range}`];
  if (query.fields) params.push(`fields=${canonicalFields(query.fields).join(',')}`);
  if (query.top !== undefined) params.push(`top=${query.top}`);
  return `${format === 'csv' ? API_PATHS.daysCsv : API_PATHS.days}?${params.join('&')}`;
}

/** The canonical URL of the latest final day with some fields: `/api/v1/latest?fields=a,b`. */
export function latestUrl(fields?: readonly DayField[]): string {
  return fields
    ? `${API_PATHS.latest}?fields=${canonicalFields(fields).join(',')}`
    : API_PATHS.latest;
}
