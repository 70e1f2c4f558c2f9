/**
 * The pseudonym space cut into 256 fixed buckets by the first two hex digits of the pseudonym.
 * Activity pages are kept per bucket, so their layout never depends on how many shards a run uses:
 * a shard is a contiguous run of buckets, and any power-of-two shard count up to 256 fits.
 */

/** Number of buckets; each is one two-hex-digit prefix of the pseudonym. */
export const BUCKETS = 256;
/** The bucket of reports without install identity (`install == null`). */
export const ANONYMOUS = 'anon';
/** Hex digits of a pseudonym kept in activity pages and digests: 64 bits. */
export const PREFIX_LENGTH = 16;

/** The id of bucket `index`: its two hex digits. */
export function bucketId(index: number): string {
  return index.toString(16).padStart(2, '0');
}

/**
 * The pseudonym range `[lo, hi)` of a bucket as strings, for a range query on `install`. The
 * first bucket starts at '' and the last ends past every string, so a pseudonym that is not hex
 * (only tests make those) still falls into exactly one bucket.
 */
export function bucketRange(index: number): { lo: string; hi: string } {
  return {
    lo: index === 0 ? '' : bucketId(index),
    hi: index === BUCKETS - 1 ? '\uffff' : bucketId(index + 1),
  };
}

/** The bucket index a pseudonym falls into, consistent with bucketRange. */
export function bucketOf(install: string): number {
  const n = parseInt(install.slice(0, 2), 16);
  if (install.length >= 2 && /^[0-9a-f]{2}/.test(install)) return n;
  // Not hex: find the range by comparison, as Firestore would.
  let index = 0;
  while (index < BUCKETS - 1 && install >= bucketRange(index + 1).lo) index += 1;
  return index;
}

/** The fixed-width key of an install in pages: the first 64 bits of its pseudonym. */
export function installKey(install: string): string {
  return install.length >= PREFIX_LENGTH
    ? install.slice(0, PREFIX_LENGTH)
    : install.padEnd(PREFIX_LENGTH, '_');
}

/** Buckets of shard `shard` of `shards` (a power of two ≤ 256): a contiguous range of indexes. */
export function shardBuckets(shard: number, shards: number): number[] {
  const per = BUCKETS / shards;
  return Array.from({ length: per }, (_, i) => shard * per + i);
}

/** A shard count for `events` events at `perShard` each: a power of two from 1 to 256. */
export function shardCount(events: number, perShard: number): number {
  let shards = 1;
  while (shards < BUCKETS && events > shards * perShard) shards *= 2;
  return shards;
}
