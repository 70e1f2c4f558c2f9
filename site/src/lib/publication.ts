/**
 * What the published data says it was computed with: every day aggregate carries the
 * publication parameters (k, retention, late window, established days) of the run that computed
 * it, and a day published with differential privacy its (ε, δ) and bounds, so the site states
 * those rather than what the configuration says today. Pure.
 */
import type { DayAggregate, Publication } from '../../../shared/aggregate.ts';
import type { PrivacyConfig } from '../../../shared/config.ts';
import type { Day } from '../../../shared/dates.ts';
import { byDay } from './series.ts';

/**
 * The bounds a day states; a day published before the counter groups' bound existed has none, and
 * one published before smoothing over time states no α (it had none).
 */
export type StatedPrivacy = Omit<PrivacyConfig, 'counterGroupsPerInstall' | 'smoothingAlpha'> & {
  counterGroupsPerInstall?: number | undefined;
  smoothingAlpha?: number | false | undefined;
};

/** Consecutive days computed with the same parameters (null: computed before they were recorded). */
export interface PublicationPeriod {
  from: Day;
  to: Day;
  days: number;
  publication: Publication | null;
  /** The differential-privacy parameters (null: published before differential privacy). */
  privacy: StatedPrivacy | null;
}

const PRIVACY_FIELDS = [
  'epsilon',
  'delta',
  'eventClip',
  'counterClip',
  'valuesPerInstall',
  'counterValuesPerInstall',
  'counterGroupsPerInstall',
  'smoothingAlpha',
] as const;

/** Whether two days were published with the same differential-privacy parameters. */
export function samePrivacy(
  a: StatedPrivacy | null | undefined,
  b: StatedPrivacy | null | undefined,
): boolean {
  if (!a || !b) return !a === !b;
  return PRIVACY_FIELDS.every((field) => a[field] === b[field]);
}

/** Whether two days were computed with the same parameters (field by field: stored maps have no key order). */
export function samePublication(a: Publication | null, b: Publication | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.kAnonymity === b.kAnonymity &&
    a.eventRetentionDays === b.eventRetentionDays &&
    a.installRetentionDays === b.installRetentionDays &&
    a.lateArrivalHours === b.lateArrivalHours &&
    a.establishedDays === b.establishedDays
  );
}

/** The days grouped into runs of identical publication parameters, oldest first. */
export function publicationPeriods(days: readonly DayAggregate[]): PublicationPeriod[] {
  const periods: PublicationPeriod[] = [];
  for (const day of byDay(days)) {
    const publication = day.publication ?? null;
    const privacy = day.privacy ?? null;
    const last = periods.at(-1);
    if (
      last &&
      samePublication(last.publication, publication) &&
      samePrivacy(last.privacy, privacy)
    ) {
      last.to = day.day;
      last.days += 1;
    } else periods.push({ from: day.day, to: day.day, days: 1, publication, privacy });
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

/**
 * One period in words, e.g. "differential privacy with ε = 8 and δ = 1e-6 per day, …, k = 5, raw
 * events kept 90 days, …".
 */
export function describePublication(
  publication: Publication | null,
  privacy: StatedPrivacy | null = null,
): string {
  const dp = privacy
    ? `differential privacy with ε = ${privacy.epsilon} and δ = ${privacy.delta} per day ` +
      `(at most ${privacy.eventClip} events, ${privacy.valuesPerInstall} modules, signatures or ` +
      `codes and ${privacy.counterValuesPerInstall} counter values` +
      (privacy.counterGroupsPerInstall === undefined
        ? ''
        : ` of ${privacy.counterGroupsPerInstall} groups`) +
      ` per install and day, each ` +
      `counter clipped at ${privacy.counterClip}), ` +
      (typeof privacy.smoothingAlpha === 'number'
        ? `window figures smoothed over time with α = ${privacy.smoothingAlpha}, `
        : '')
    : '';
  if (!publication) return dp ? dp.slice(0, -2) : 'computed before the parameters were recorded';
  return (
    `${dp}k = ${publication.kAnonymity}, raw events kept ${publication.eventRetentionDays} days, ` +
    `installs remembered ${publication.installRetentionDays} days after last seen, ` +
    `late arrivals accepted up to ${publication.lateArrivalHours} hours` +
    (publication.establishedDays === undefined
      ? ''
      : publication.establishedDays === 1
        ? ', every install counted from its first day'
        : `, installs counted once seen on ${publication.establishedDays} distinct days`)
  );
}
