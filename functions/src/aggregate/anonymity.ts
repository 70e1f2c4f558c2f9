/** k-anonymity at publication: no bucket backed by fewer than k installs is published. */
import { OTHER, UNKNOWN, type Bucket } from '../../../shared/aggregate.ts';

/** Counts how many times each key is added. */
export class Tally {
  readonly counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

/** Orders buckets by size, then value; "other" and "unknown" always come last. */
export function compareBuckets(a: Bucket, b: Bucket): number {
  const rank = (v: string) => (v === OTHER ? 1 : v === UNKNOWN ? 2 : 0);
  return rank(a.value) - rank(b.value) || b.installs - a.installs || a.value.localeCompare(b.value);
}

/**
 * Buckets of a tally with every value backed by fewer than `k` installs folded into "other".
 * "unknown" (the value was not reported) identifies no one and is kept as it is.
 */
export function foldSmallBuckets(tally: Tally, k: number): Bucket[] {
  const buckets: Bucket[] = [];
  let other = 0;
  for (const [value, installs] of tally.counts) {
    if (value === UNKNOWN || installs >= k) buckets.push({ value, installs });
    else other += installs;
  }
  if (other > 0) {
    const existing = buckets.find((b) => b.value === OTHER);
    if (existing) existing.installs += other;
    else buckets.push({ value: OTHER, installs: other });
  }
  return buckets.sort(compareBuckets);
}
