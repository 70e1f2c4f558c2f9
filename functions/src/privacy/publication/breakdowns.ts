/** Breakdowns of the 28-day active installs, and upgrades, through the one histogram rule. */
import { OTHER, UNKNOWN, type Bucket, type Upgrade } from '../../../../shared/aggregate.ts';
import { count, fitUnderTotal } from './consistency.ts';
import { noisyOther, releaseHistogram, type NoisyBucket } from './histogram.ts';
import type { NoiseSource } from './noise.ts';
import { MODULE_BREAKDOWN, queryNoise, type PublicationPlan } from './plan.ts';
import { FRESH, smoothed, type Smoothing } from './smoothing.ts';
import { UPGRADE_KEY_SEPARATOR, type ExactBucket } from './types.ts';

/** Largest first, then by value; "other" and "unknown" last. */
export function compareBuckets(a: Bucket, b: Bucket): number {
  const rank = (v: string) => (v === OTHER ? 2 : v === UNKNOWN ? 1 : 0);
  return rank(a.value) - rank(b.value) || b.installs - a.installs || a.value.localeCompare(b.value);
}

/**
 * Shown buckets of a histogram that partitions a published total, made to add up to it: the
 * noisy counts are fitted under the total, and what is left of it is "other" (a remainder of
 * published numbers, so it needs no noise of its own). A value literally named "other" joins it.
 */
export function partitionOf(shown: readonly NoisyBucket[], total: number): Bucket[] {
  const fitted = fitUnderTotal(
    shown.map((b) => b.installs),
    total,
  );
  const buckets: Bucket[] = [];
  let rest = total - fitted.reduce((a, b) => a + b, 0);
  shown.forEach((b, i) => {
    const installs = fitted[i] ?? 0;
    if (b.key === OTHER) rest += installs;
    else if (installs > 0) buckets.push({ value: b.key, installs });
  });
  if (rest > 0) buckets.push({ value: OTHER, installs: rest });
  return buckets.sort(compareBuckets);
}

/**
 * Every breakdown the plan publishes; unknown breakdown names are refused. A shown bucket that
 * the day before published too is blended with it (`smoothing`) before the buckets are fitted
 * under d28: which buckets appear is still decided by the day's own noisy counts.
 */
export function publishBreakdowns(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: Readonly<Record<string, ExactBucket[]>>,
  d28: number,
  smoothing: Smoothing = FRESH,
): Record<string, Bucket[]> {
  const names = [...plan.breakdowns, MODULE_BREAKDOWN];
  for (const name of Object.keys(exact))
    if (!names.includes(name)) throw new Error(`breakdowns: ${name} is not published`);
  const result: Record<string, Bucket[]> = {};
  for (const name of names.sort()) {
    const figure = `breakdowns.${name}`;
    const { sigma } = queryNoise(plan, figure);
    const shown = releaseHistogram(noise, plan, figure, exact[name] ?? []).shown.map((b) =>
      // A value named "other" joins the remainder: it has no published value of its own.
      b.key === OTHER
        ? b
        : { ...b, installs: smoothed(smoothing, figure, b.key, b.installs, sigma) },
    );
    result[name] =
      name === MODULE_BREAKDOWN
        ? // An install runs several modules: module counts add up to nothing, so no remainder.
          // A shown module's noisy count reached its threshold (at least k), and the count it may be
          // blended with was published (at least 1): none rounds to 0.
          shown.map((b) => ({ value: b.key, installs: count(b.installs) })).sort(compareBuckets)
        : partitionOf(shown, d28);
  }
  return result;
}

/** Version moves of the day; the moves of pairs not shown form a noisy other → other. */
export function publishUpgrades(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: readonly ExactBucket[],
): Upgrade[] {
  const { shown, hidden } = releaseHistogram(noise, plan, 'upgrades', exact);
  const upgrades: Upgrade[] = [];
  for (const b of shown) {
    // The aggregation keys every move as from, separator, to.
    const [from, to] = b.key.split(UPGRADE_KEY_SEPARATOR) as [string, string];
    upgrades.push({ from, to, installs: count(b.installs) });
  }
  upgrades.sort(
    (a, b) => b.installs - a.installs || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
  const other = noisyOther(noise, plan, 'upgrades.other', hidden);
  if (other) upgrades.push({ from: OTHER, to: OTHER, installs: count(other.installs) });
  return upgrades;
}
