/**
 * The time ranges a reader can pick (30 d, 90 d, 1 y, all): the API's named ranges with the
 * words the site shows for them. Pure: the build renders the default range from the snapshot,
 * and the browser asks the stats API for the range the reader picks, by name, so every visitor
 * asks the same URL.
 */
import { addDays, daysBetween, type Day } from '../../../shared/dates.ts';
import {
  daysUrl,
  isRangeName,
  MAX_RANGE_DAYS,
  NAMED_RANGES,
  type RangeName,
} from '../../../shared/days-query.ts';
import type { SiteDay } from './series.ts';

/** The longest range the stats API answers. */
export const ALL_DAYS = MAX_RANGE_DAYS;

/** The ranges of the selector, shortest first. */
export const RANGES = [
  { key: '30d', label: '30 d', name: 'the last 30 days', days: NAMED_RANGES['30d'] },
  { key: '90d', label: '90 d', name: 'the last 90 days', days: NAMED_RANGES['90d'] },
  { key: '1y', label: '1 y', name: 'the last year', days: NAMED_RANGES['1y'] },
  { key: 'all', label: 'All', name: 'every day kept', days: NAMED_RANGES.all },
] as const satisfies readonly { key: RangeName; label: string; name: string; days: number }[];

/** Key of a range, as it appears in `?range=`. */
export type RangeKey = RangeName;

/** One range of the selector. */
export type Range = (typeof RANGES)[number];

/** The range a page shows when the reader has not picked one (and always without JavaScript). */
export const DEFAULT_RANGE: RangeKey = '90d';

/** Whether `value` names a range. */
export function isRangeKey(value: unknown): value is RangeKey {
  return isRangeName(value);
}

/** The range with this key. */
export function rangeOf(key: RangeKey): Range {
  return RANGES.find((range) => range.key === key) ?? RANGES[1];
}

/** The range a URL's query string asks for (`?range=30d`), else the default. */
export function rangeFromSearch(search: string): RangeKey {
  const asked = new URLSearchParams(search).get('range');
  return isRangeKey(asked) ? asked : DEFAULT_RANGE;
}

/** The first and last day of a range that ends on `last`. */
export function rangeSpan(key: RangeKey, last: Day): { from: Day; to: Day } {
  return { from: addDays(last, -(rangeOf(key).days - 1)), to: last };
}

/** The days of a range ending on `last` (default: the latest day present), in input order. */
export function daysInRange<T extends Pick<SiteDay, 'day'>>(
  days: readonly T[],
  key: RangeKey,
  last: Day | undefined = latestDay(days),
): T[] {
  if (!last) return [];
  const { from, to } = rangeSpan(key, last);
  return days.filter((d) => d.day >= from && d.day <= to);
}

/** The latest day among the aggregates, if any. */
export function latestDay(days: readonly Pick<SiteDay, 'day'>[]): Day | undefined {
  let latest: Day | undefined;
  for (const d of days) if (latest === undefined || d.day > latest) latest = d.day;
  return latest;
}

/** The download URL of a whole range, by name: `/api/v1/days?range=30d` (or `.csv`). */
export function rangeUrl(key: RangeKey, format: 'json' | 'csv' = 'json'): string {
  return daysUrl({ range: key }, format);
}

/** What the page shows, in words: "Showing 2026-08-25 to 2026-11-22 (the last 90 days)." */
export function describeRange(key: RangeKey, days: readonly Pick<SiteDay, 'day'>[]): string {
  const range = rangeOf(key);
  const shown = days.map((d) => d.day).sort();
  const first = shown[0];
  const last = shown.at(-1);
  if (!first || !last) return `No data for ${range.name} yet.`;
  const span = daysBetween(first, last) + 1;
  const partial = span < range.days ? `; data for ${span} days so far` : '';
  return `Showing ${first} to ${last} (${range.name}${partial}).`;
}
