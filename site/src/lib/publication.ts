/**
 * What the published data says it was computed with: every day aggregate carries the
 * publication parameters (k, retention, late window) of the run that computed it, so the site
 * states those rather than what the configuration says today. Pure.
 */
import type { DayAggregate, Publication } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import { byDay } from './series.ts';

/** Consecutive days computed with the same parameters (null: computed before they were recorded). */
export interface PublicationPeriod {
  from: Day;
  to: Day;
  days: number;
  publication: Publication | null;
}

/** Whether two days were computed with the same parameters (field by field: stored maps have no key order). */
export function samePublication(a: Publication | null, b: Publication | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.kAnonymity === b.kAnonymity &&
    a.eventRetentionDays === b.eventRetentionDays &&
    a.installRetentionDays === b.installRetentionDays &&
    a.lateArrivalHours === b.lateArrivalHours
  );
}

/** The days grouped into runs of identical publication parameters, oldest first. */
export function publicationPeriods(days: readonly DayAggregate[]): PublicationPeriod[] {
  const periods: PublicationPeriod[] = [];
  for (const day of byDay(days)) {
    const publication = day.publication ?? null;
    const last = periods.at(-1);
    if (last && samePublication(last.publication, publication)) {
      last.to = day.day;
      last.days += 1;
    } else periods.push({ from: day.day, to: day.day, days: 1, publication });
  }
  return periods;
}

/** The k of the newest day that recorded one, else `fallback` (the configured k). */
export function publishedK(days: readonly DayAggregate[], fallback: number): number {
  const sorted = byDay(days);
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const k = sorted[i]?.publication?.kAnonymity;
    if (k !== undefined) return k;
  }
  return fallback;
}

/** One period in words, e.g. "k = 5, raw events kept 90 days, …". */
export function describePublication(publication: Publication | null): string {
  if (!publication) return 'computed before the parameters were recorded';
  return (
    `k = ${publication.kAnonymity}, raw events kept ${publication.eventRetentionDays} days, ` +
    `installs remembered ${publication.installRetentionDays} days after last seen, ` +
    `late arrivals accepted up to ${publication.lateArrivalHours} hours`
  );
}
