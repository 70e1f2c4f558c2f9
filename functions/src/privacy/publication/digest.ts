/**
 * Contributor digests: the XOR of the first 64 bits of each contributor's pseudonym (an
 * identity-less report contributes its event id's). XOR makes the digest mergeable across shards
 * in any order, and any change of who contributes changes it (but for a 2⁻⁶⁴ chance). It only
 * seeds noise and is never published.
 */
import type { ExactBucket } from './types.ts';

/** The digest of no contributors. */
export const EMPTY_DIGEST = '0000000000000000';
/** 16 hex digits; unanchored, as it only ever tests a slice of at most 16 characters. */
const DIGEST = /[0-9a-f]{16}/;

/** The digest of one contributor from its pseudonym or event id (hex, at least 16 characters). */
export function digestOf(id: string): string {
  const digest = id.slice(0, 16).toLowerCase();
  if (!DIGEST.test(digest)) throw new Error('a contributor id must start with 16 hex characters');
  return digest;
}

/** The digest of two disjoint sets of contributors together. */
export function xorDigests(a: string, b: string): string {
  const value = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  return value.toString(16).padStart(16, '0');
}

/** Two partial buckets of the same key as one: installs and sums add, digests XOR. */
export function mergeBuckets(a: ExactBucket, b: ExactBucket): ExactBucket {
  if (a.key !== b.key) throw new Error(`cannot merge bucket ${a.key} with ${b.key}`);
  const merged: ExactBucket = {
    key: a.key,
    installs: a.installs + b.installs,
    digest: xorDigests(a.digest, b.digest),
  };
  if (a.sums || b.sums) {
    const sums: Record<string, number> = { ...a.sums };
    for (const [name, value] of Object.entries(b.sums ?? {}))
      sums[name] = (sums[name] ?? 0) + value;
    merged.sums = sums;
  }
  return merged;
}
