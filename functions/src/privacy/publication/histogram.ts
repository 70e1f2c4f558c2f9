/**
 * The one rule that decides which buckets of a histogram appear: every bucket's install count gets
 * noise, and a bucket appears only when its noisy count reaches the query's threshold (a noisy
 * threshold, so whether a rare value appears is itself private). Buckets that do not appear are
 * gathered as the exact `other`, which the caller publishes as a total's remainder or with noise
 * of its own, under the same threshold.
 */
import { createHash } from 'node:crypto';
import type { NoiseSource } from './noise.ts';
import { queryNoise, type PublicationPlan } from './plan.ts';
import type { ExactBucket } from './types.ts';

/** A bucket as released: noisy install count and noisy sums, before post-processing. */
export interface NoisyBucket {
  key: string;
  installs: number;
  sums: Record<string, number>;
}

/** What a histogram release shows, and the exact remainder it does not. */
export interface HistogramRelease {
  shown: NoisyBucket[];
  hidden: ExactBucket[];
}

/** The canonical text of a bucket's exact data: what its noise is tied to. */
export function bucketData(bucket: ExactBucket): string {
  const sums = bucket.sums ?? {};
  // Names in code-unit order (the default sort), whatever order the shards merged them in.
  const text = Object.keys(sums)
    .sort()
    .map((name) => `${name}=${sums[name]}`)
    .join(',');
  return `${bucket.installs}|${text}|${bucket.digest}`;
}

/** Buckets in key order, so that nothing downstream depends on the order shards merged in. */
function inKeyOrder(buckets: readonly ExactBucket[]): ExactBucket[] {
  // Stryker disable next-line EqualityOperator: equivalent; keys are unique (checkBuckets), none compare equal
  return [...buckets].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Rejects input the aggregation must never produce: the guarantee depends on it. */
export function checkBuckets(query: string, buckets: readonly ExactBucket[]): void {
  const keys = new Set<string>();
  for (const b of buckets) {
    if (keys.has(b.key)) throw new Error(`${query}: bucket ${JSON.stringify(b.key)} appears twice`);
    keys.add(b.key);
    if (!Number.isInteger(b.installs) || b.installs < 0)
      throw new Error(`${query}: bucket ${JSON.stringify(b.key)} has ${b.installs} installs`);
    for (const [name, value] of Object.entries(b.sums ?? {}))
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`${query}: sum ${name} of ${JSON.stringify(b.key)} is ${value}`);
  }
}

/**
 * Releases a histogram: buckets whose noisy install count reaches the threshold of `query`
 * appear with that count and with each sum noised by the query `sumQueries` names for it.
 */
export function releaseHistogram(
  noise: NoiseSource,
  plan: PublicationPlan,
  query: string,
  buckets: readonly ExactBucket[],
  sumQueries: Readonly<Record<string, string>> = {},
): HistogramRelease {
  checkBuckets(query, buckets);
  const { sigma2, threshold = 0 } = queryNoise(plan, query);
  const shown: NoisyBucket[] = [];
  const hidden: ExactBucket[] = [];
  for (const bucket of inKeyOrder(buckets)) {
    const data = bucketData(bucket);
    const installs =
      bucket.installs + noise.draw({ query, key: bucket.key, column: 'installs', data }, sigma2);
    if (installs < threshold) {
      hidden.push(bucket);
      continue;
    }
    const sums: Record<string, number> = {};
    for (const [name, sumQuery] of Object.entries(sumQueries)) {
      const exact = bucket.sums?.[name] ?? 0;
      const draw = noise.draw(
        { query: sumQuery, key: bucket.key, column: name, data },
        queryNoise(plan, sumQuery).sigma2,
      );
      sums[name] = exact + draw;
    }
    shown.push({ key: bucket.key, installs, sums });
  }
  return { shown, hidden };
}

/** The hidden buckets together as one: counts and sums added, the data text of all of them. */
export function gatherHidden(hidden: readonly ExactBucket[]): {
  installs: number;
  sums: Record<string, number>;
  data: string;
} {
  let installs = 0;
  const sums: Record<string, number> = {};
  const hash = createHash('sha256');
  for (const bucket of inKeyOrder(hidden)) {
    installs += bucket.installs;
    for (const [name, value] of Object.entries(bucket.sums ?? {}))
      sums[name] = (sums[name] ?? 0) + value;
    const data = bucketData(bucket);
    hash.update(`${bucket.key.length}:${bucket.key}${data.length}:${data}`);
  }
  return { installs, sums, data: `${installs}|${hash.digest('hex')}` };
}

/** The hidden buckets' sums, each with its own noise, tied to all of the hidden buckets' data. */
export function noisyHiddenSums(
  noise: NoiseSource,
  plan: PublicationPlan,
  gathered: ReturnType<typeof gatherHidden>,
  sumQueries: Readonly<Record<string, string>>,
): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const [name, sumQuery] of Object.entries(sumQueries)) {
    sums[name] =
      (gathered.sums[name] ?? 0) +
      noise.draw(
        { query: sumQuery, key: 'other', column: name, data: gathered.data },
        queryNoise(plan, sumQuery).sigma2,
      );
  }
  return sums;
}

/**
 * A noisy "other" of the hidden buckets with its own noise (for histograms without a published
 * total), or undefined when its noisy install count stays under the same kind of threshold.
 */
export function noisyOther(
  noise: NoiseSource,
  plan: PublicationPlan,
  query: string,
  hidden: readonly ExactBucket[],
  sumQueries: Readonly<Record<string, string>> = {},
): NoisyBucket | undefined {
  // Drawn even when nothing is hidden: whether "other" appears must not depend on that alone.
  const gathered = gatherHidden(hidden);
  const { sigma2, threshold } = queryNoise(plan, query);
  if (threshold === undefined) throw new Error(`${query} has no threshold`);
  const installs =
    gathered.installs +
    noise.draw({ query, key: 'other', column: 'installs', data: gathered.data }, sigma2);
  if (installs < threshold) return undefined;
  return { key: 'other', installs, sums: noisyHiddenSums(noise, plan, gathered, sumQueries) };
}
