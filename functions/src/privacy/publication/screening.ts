/**
 * The screening figures (README "What counts"): new and newly established installs by profile,
 * installs waiting to be established, installs counted by a proof of work, what was held out and
 * why, and the failed installs of installs not established. Each is a noisy query of the plan
 * with its own sensitivity and share; none of these installs is in any other figure of the day,
 * and nothing here is published exactly.
 */
import type { Bucket, DayAggregate } from '../../../../shared/aggregate.ts';
import { HELD_REASONS } from '../../../../shared/screening.ts';
import { compareBuckets, partitionOf } from './breakdowns.ts';
import { count, nonDecreasing } from './consistency.ts';
import { EMPTY_DIGEST } from './digest.ts';
import { bucketData, releaseHistogram } from './histogram.ts';
import type { NoiseSource } from './noise.ts';
import { queryNoise, type PublicationPlan } from './plan.ts';
import type { ExactBucket, ExactCount, ExactScreening } from './types.ts';

type Published = Pick<
  Required<DayAggregate>,
  'established' | 'heldOut' | 'unestablishedInstallFailures'
>;

/** One noisy count of `query` (not below 0, unrounded). */
function noisyCount(
  noise: NoiseSource,
  plan: PublicationPlan,
  query: string,
  key: string,
  figure: ExactCount,
): number {
  const data = `${figure.count}|${figure.digest}`;
  const drawn = noise.draw(
    { query, key, column: 'installs', data },
    queryNoise(plan, query).sigma2,
  );
  return Math.max(0, figure.count + drawn);
}

/** Profiles shown (noisy count at the threshold), the rest as "other", adding up to `total`. */
function profiles(
  noise: NoiseSource,
  plan: PublicationPlan,
  query: string,
  exact: readonly ExactBucket[],
  total: number,
): Bucket[] {
  return partitionOf(releaseHistogram(noise, plan, query, exact).shown, total);
}

/** Held out per reason: every reason gets noise, sent or not (the set of reasons is fixed). */
function heldOut(
  noise: NoiseSource,
  plan: PublicationPlan,
  held: readonly ExactBucket[],
): Published['heldOut'] {
  const byReason = new Map(held.map((b) => [b.key, b]));
  const installsNoise = queryNoise(plan, 'heldOut.installs').sigma2;
  const reportsNoise = queryNoise(plan, 'heldOut.reports').sigma2;
  const reasons = HELD_REASONS.map((reason) => {
    const bucket = byReason.get(reason) ?? { key: reason, installs: 0, digest: EMPTY_DIGEST };
    const data = bucketData(bucket);
    const installs = count(
      bucket.installs +
        noise.draw(
          { query: 'heldOut.installs', key: reason, column: 'installs', data },
          installsNoise,
        ),
    );
    const reports = count(
      (bucket.sums?.reports ?? 0) +
        noise.draw(
          { query: 'heldOut.reports', key: reason, column: 'reports', data },
          reportsNoise,
        ),
    );
    return { reason, reports, installs };
  });
  return {
    reports: reasons.reduce((n, r) => n + r.reports, 0),
    installs: reasons.reduce((n, r) => n + r.installs, 0),
    reasons,
  };
}

/**
 * Failed installs of installs not established: codes whose noisy count reaches the threshold,
 * at most `cap` in all (above it the codes are scaled down together, largest remainder first).
 */
function unestablishedFailures(
  noise: NoiseSource,
  plan: PublicationPlan,
  failures: readonly ExactBucket[],
  cap: number,
): Published['unestablishedInstallFailures'] {
  const shown = releaseHistogram(noise, plan, 'unestablishedInstallFailures', failures).shown;
  // A shown code's noisy count reached its threshold (at least k): none rounds to 0.
  const codes = shown
    .map((b) => ({ value: b.key, installs: count(b.installs) }))
    .sort(compareBuckets)
    .map((b) => ({ code: b.value, installs: b.installs }));
  const total = codes.reduce((n, c) => n + c.installs, 0);
  if (total <= cap) return { installs: total, cap, capped: false, codes };
  return { installs: cap, cap, capped: true, codes: scaleTo(codes, total, cap) };
}

/** Counts scaled to add up to `cap` exactly (largest remainder, ties to the earlier row). */
export function scaleTo(
  rows: readonly { code: string; installs: number }[],
  total: number,
  cap: number,
): { code: string; installs: number }[] {
  const scaled = rows.map((r) => {
    const exact = (r.installs * cap) / total;
    return { code: r.code, installs: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = cap - scaled.reduce((n, r) => n + r.installs, 0);
  // The sort is stable: equal remainders stay in row order.
  for (const r of [...scaled].sort((a, b) => b.remainder - a.remainder)) {
    if (left <= 0) break;
    r.installs += 1;
    left -= 1;
  }
  return scaled.filter((r) => r.installs > 0).map(({ code, installs }) => ({ code, installs }));
}

/** The day's screening figures, all noisy; `newInstalls` is the day's published new installs. */
export function publishScreening(
  noise: NoiseSource,
  plan: PublicationPlan,
  exact: ExactScreening,
  newInstalls: number,
): Published {
  const config = plan.screening;
  const newlyEstablished = count(
    noisyCount(
      noise,
      plan,
      'established.newlyEstablished',
      'newlyEstablished',
      exact.newlyEstablished,
    ),
  );
  const [d1 = 0, d28 = 0] = nonDecreasing([
    noisyCount(noise, plan, 'established.pending', 'd1', exact.pendingD1),
    noisyCount(noise, plan, 'established.pending', 'd28', exact.pendingD28),
  ]).map(count);
  return {
    established: {
      minDays: Math.max(1, config.establishedDays),
      newlyEstablished,
      pending: { d1, d28 },
      proven: count(noisyCount(noise, plan, 'established.proven', 'proven', exact.proven)),
      newInstallProfiles: profiles(
        noise,
        plan,
        'established.newInstallProfiles',
        exact.newProfiles,
        newInstalls,
      ),
      newlyEstablishedProfiles: profiles(
        noise,
        plan,
        'established.newlyEstablishedProfiles',
        exact.establishedProfiles,
        newlyEstablished,
      ),
    },
    heldOut: heldOut(noise, plan, exact.held),
    unestablishedInstallFailures: unestablishedFailures(
      noise,
      plan,
      exact.failures,
      config.unestablishedInstallFailuresPerDay,
    ),
  };
}

/**
 * The versions that count as known for reporters waiting on their version (versions learned):
 * those whose established installs' noisy count reaches the threshold of `screening.knownVersions`.
 * A noisy threshold, so one install alone makes a version known only with a chance the plan
 * accounts for (δ), and never lets a whole waiting cohort in.
 */
export function knownVersions(
  noise: NoiseSource,
  plan: PublicationPlan,
  versions: readonly ExactBucket[],
): Set<string> {
  return new Set(
    releaseHistogram(noise, plan, 'screening.knownVersions', versions).shown.map((b) => b.key),
  );
}
