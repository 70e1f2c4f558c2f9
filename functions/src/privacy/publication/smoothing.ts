/**
 * Smoothing over time: post-processing of published figures. A 28-day (or 7-day) window figure
 * changes little from one day to the next, while each day's noise is a fresh, independent draw.
 * Publishing, for a bucket published on both days, α · today's noisy value + (1 − α) · yesterday's
 * published value (an exponential moving average over published outputs) cuts the noise's
 * variance to α / (2 − α) of a day's, at the cost of a lag: a figure growing by g a day is
 * published about g · (1 − α) / α low. A change larger than noise explains is passed on
 * (LAG_BOUND), so a jump costs a few σ at most, never half of itself.
 *
 * It costs no privacy because it reads only what differential privacy already released: today's
 * noisy values and yesterday's published day as stored, with public constants (α, each figure's
 * σ, LAG_BOUND). Which figures are blended depends on nothing else — a bucket hidden yesterday
 * (folded into "other", or not shown) is published fresh — and α is a public constant of the
 * deployment, stated on the day. The daily figures never depend on it: d1 ≤ d7 ≤ d28 is fitted on
 * the day's own values before blending, and a blended window is then only kept at or above the
 * published d1 (scalars.ts), so a window's lag never pulls d1 down.
 */
import { OTHER, type DayAggregate } from '../../../../shared/aggregate.ts';
import { addDays, type Day } from '../../../../shared/dates.ts';
import { LAG_BOUND } from '../../../../shared/privacy.ts';

/**
 * The figures smoothed, by name or prefix (every breakdown): the window figures. Daily figures
 * (d1, new installs, events, opt-outs, upgrades, reliability, counters — each install's report of
 * the day) are not: what they count changes from one day to the next by who reported that day, so
 * yesterday's value would add that change as error instead of taking noise away.
 */
export const SMOOTHED_FIGURES = ['activeInstalls.d7', 'activeInstalls.d28', 'breakdowns'] as const;

/** Whether `figure` (`activeInstalls.d28`, `breakdowns.os`, …) is one of SMOOTHED_FIGURES. */
export function isSmoothed(figure: string): boolean {
  return SMOOTHED_FIGURES.some((f) => figure === f || figure.startsWith(`${f}.`));
}

/** What smoothing reads of the day before: a published day as stored. */
export type PreviousDay = Pick<
  DayAggregate,
  'day' | 'final' | 'activeInstalls' | 'breakdowns' | 'privacy'
>;

/** How a day's window figures are smoothed: α, and the published figures of the day before. */
export interface Smoothing {
  /** Weight of today's noisy value; 1 publishes it alone. */
  alpha: number;
  /** The day blended with, when there is one. */
  previousDay?: Day;
  /** Published window figures of the day before, by figure key (see figureKey). */
  previous: ReadonlyMap<string, number>;
}

/** No smoothing: every figure is the day's own noisy value. */
export const FRESH: Smoothing = { alpha: 1, previous: new Map() };

/** The key of one window figure: `activeInstalls.d28`, or a breakdown's bucket. */
export function figureKey(figure: string, bucket?: string): string {
  // Stryker disable next-line ConditionalExpression: equivalent; a figure without buckets (d7, d28) has no bucket named `undefined`, so `figure\0undefined` is as unique a key
  return bucket === undefined ? figure : `${figure}\u0000${bucket}`;
}

/**
 * The smoothing of `day`: with `alpha` (false: off) against `previous` when it is the published
 * day just before — final and published under differential privacy. Anything else (no day
 * before, a gap, a day published with k-anonymity) publishes every figure fresh.
 */
export function smoothingFor(
  day: Day,
  alpha: number | false,
  previous: PreviousDay | undefined,
): Smoothing {
  if (alpha === false || alpha >= 1) return FRESH;
  if (!previous || previous.day !== addDays(day, -1)) return FRESH;
  if (!previous.final || !previous.privacy) return FRESH;
  const figures = new Map<string, number>();
  // A window published as 0 (a deployment's first days) is no level to average with: the day
  // after it is published fresh, as a bucket the day before did not show.
  const put = (key: string, installs: number) => {
    if (installs > 0) figures.set(key, installs);
  };
  put(figureKey('activeInstalls.d7'), previous.activeInstalls.d7);
  put(figureKey('activeInstalls.d28'), previous.activeInstalls.d28);
  for (const [name, buckets] of Object.entries(previous.breakdowns))
    for (const b of buckets)
      // "other" is a remainder of the day's published total, not a bucket with a value of its own.
      if (b.value !== OTHER) put(figureKey(`breakdowns.${name}`, b.value), b.installs);
  // A day before that published no window figure (an empty day) blends nothing in.
  if (figures.size === 0) return FRESH;
  return { alpha, previousDay: previous.day, previous: figures };
}

// The bound is stated on the privacy page too, so it lives with the rest of the accounting.
export { LAG_BOUND };

/**
 * Today's noisy `value` of a window figure (noise σ `sigma`), blended with the day before's
 * published value when that day published the same figure: α · value + (1 − α) · before while
 * they differ by no more than LAG_BOUND deviations of noise, and the change beyond that passed on
 * in full; otherwise `value` unchanged. Only published outputs and public constants (α, σ, the
 * bound) decide it: post-processing, no privacy spent.
 */
export function smoothed(
  smoothing: Smoothing,
  figure: string,
  bucket: string | undefined,
  value: number,
  sigma: number,
): number {
  const before = smoothing.previous.get(figureKey(figure, bucket));
  if (before === undefined || !isSmoothed(figure)) return value;
  const { alpha } = smoothing;
  // With nothing changed, value − before is today's noise less the day before's published noise,
  // independent, of variances σ² and (steady state) α / (2 − α) · σ²: σ² · 2 / (2 − α) together.
  const spread = LAG_BOUND * sigma * Math.sqrt(2 / (2 - alpha));
  const noise = Math.min(spread, Math.max(-spread, value - before));
  // α · value + (1 − α) · before, written as value − (1 − α) · (value − before), with only the
  // part of the difference that noise can explain taken out.
  return value - (1 - alpha) * noise;
}

/** What a day states besides α (privacyParameters): the day blended with, if any. */
export function smoothedWith(smoothing: Smoothing): { smoothedWith?: Day } {
  return smoothing.previousDay === undefined ? {} : { smoothedWith: smoothing.previousDay };
}
