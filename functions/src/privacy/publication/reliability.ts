/** Reliability per version, top failure signatures and install failures, noisy. */
import { OTHER, type DayAggregate, type VersionReliability } from '../../../../shared/aggregate.ts';
import { count } from './consistency.ts';
import { gatherHidden, noisyHiddenSums, releaseHistogram } from './histogram.ts';
import type { NoiseSource } from './noise.ts';
import type { PublicationPlan } from './plan.ts';
import { partitionOf } from './breakdowns.ts';
import type { ExactDay } from './types.ts';

/** Signatures published per day at most. */
export const TOP_FAILURES = 20;

const VERSION_SUMS = {
  crashedInstalls: 'reliability.versions.crashedInstalls',
  crashEvents: 'reliability.versions.events',
  fatalEvents: 'reliability.versions.events',
};
const OTHER_VERSION_SUMS = {
  crashedInstalls: 'reliability.versions.other.crashedInstalls',
  crashEvents: 'reliability.versions.other.events',
  fatalEvents: 'reliability.versions.other.events',
};

/** One row from noisy parts: crashed never above active, the rate recomputed and clamped. */
function row(
  version: string,
  activeInstalls: number,
  sums: Readonly<Record<string, number>>,
): VersionReliability {
  const crashedInstalls = Math.min(activeInstalls, count(sums.crashedInstalls ?? 0));
  // Never 0 active installs: a shown version reached its threshold and "other" is only added
  // when something is left. With 0 ≤ crashed ≤ active the rate is within [0, 1].
  const rate = 1 - crashedInstalls / activeInstalls;
  return {
    version,
    activeInstalls,
    crashedInstalls,
    crashFreeRate: Math.round(rate * 10_000) / 10_000,
    crashEvents: count(sums.crashEvents ?? 0),
    fatalEvents: count(sums.fatalEvents ?? 0),
  };
}

/**
 * The reliability section. Active installs per version add up to the published d1 (the versions
 * not shown are its remainder); the crash figures of the remainder get noise of their own.
 */
export function publishReliability(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: ExactDay['reliability'],
  d1: number,
): DayAggregate['reliability'] {
  const versions = releaseHistogram(
    noise,
    plan,
    'reliability.versions',
    exact.versions,
    VERSION_SUMS,
  );
  const sumsOf = new Map(versions.shown.map((b) => [b.key, b.sums]));
  const rows: VersionReliability[] = [];
  for (const bucket of partitionOf(versions.shown, d1)) {
    if (bucket.value === OTHER) continue;
    rows.push(row(bucket.value, bucket.installs, sumsOf.get(bucket.value) ?? {}));
  }
  rows.sort((a, b) => b.activeInstalls - a.activeInstalls || a.version.localeCompare(b.version));
  const rest = d1 - rows.reduce((sum, r) => sum + r.activeInstalls, 0);
  if (rest > 0) {
    // A version literally named "other" is part of the remainder too, shown or not.
    const shownOther = versions.shown.some((b) => b.key === OTHER);
    const hidden = shownOther
      ? [...versions.hidden, ...exact.versions.filter((b) => b.key === OTHER)]
      : versions.hidden;
    const sums = noisyHiddenSums(noise, plan, gatherHidden(hidden), OTHER_VERSION_SUMS);
    rows.push(row(OTHER, rest, sums));
  }

  const failures = releaseHistogram(noise, plan, 'reliability.topFailures', exact.failures, {
    events: 'reliability.topFailures.events',
  });
  // A shown bucket's noisy count reached its threshold (never below the deployment's k), so no
  // failure or code is published with 0 installs.
  const topFailures = failures.shown
    .map((b) => {
      const installs = count(b.installs);
      // Every install behind a signature sent at least one event with it.
      return { signature: b.key, installs, events: Math.max(installs, count(b.sums.events ?? 0)) };
    })
    .sort(
      (a, b) =>
        b.installs - a.installs || b.events - a.events || a.signature.localeCompare(b.signature),
    )
    .slice(0, TOP_FAILURES);

  const codes = releaseHistogram(noise, plan, 'reliability.installFailures', exact.installFailures);
  const installFailures = codes.shown
    .map((b) => ({ code: b.key, installs: count(b.installs) }))
    .sort((a, b) => b.installs - a.installs || a.code.localeCompare(b.code));

  return { versions: rows, topFailures, installFailures };
}
