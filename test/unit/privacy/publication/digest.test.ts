// Contributor digests seed the noise of every figure they back: a digest must be the same for the
// same contributors whatever the shard order, change with any of them, and come from ids of a
// strict shape only. Table-driven at each edge: an id's length and case, digests with leading
// zeros, partial buckets with sums on one side, the other or neither.
import { describe, expect, test } from 'vitest';
import {
  digestOf,
  EMPTY_DIGEST,
  mergeBuckets,
  xorDigests,
} from '../../../../functions/src/privacy/publication/digest.ts';
import type { ExactBucket } from '../../../../functions/src/privacy/publication/types.ts';

describe('digestOf: the first 16 hex digits of an id, lower case', () => {
  test.each([
    ['0123456789abcdef', '0123456789abcdef'],
    ['0123456789abcdef0123456789', '0123456789abcdef'],
    ['0123456789ABCDEF', '0123456789abcdef'],
    ['FEDCBA9876543210zz', 'fedcba9876543210'],
    ['3f2a9c1e5b7d4e2f-9a1b', '3f2a9c1e5b7d4e2f'],
  ])('%s → %s', (id, digest) => {
    expect(digestOf(id)).toBe(digest);
  });

  test.each([
    ['too short', '0123456789abcde'],
    ['empty', ''],
    ['not hex at the start', 'g123456789abcdef'],
    ['not hex at the 16th digit', '0123456789abcdeg'],
    ['a dash within the first 16', '3f2a9c1e-5b7d-4e2f'],
  ])('%s: refused', (_name, id) => {
    expect(() => digestOf(id)).toThrow('a contributor id must start with 16 hex characters');
  });
});

describe('xorDigests: 16 hex digits, leading zeros kept', () => {
  test.each([
    ['0000000000000000', '0000000000000000', '0000000000000000'],
    ['f000000000000000', 'f000000000000001', '0000000000000001'],
    ['0123456789abcdef', 'ffffffffffffffff', 'fedcba9876543210'],
    ['00000000000000ff', '0000000000000f0f', '0000000000000ff0'],
  ])('%s ^ %s = %s', (a, b, expected) => {
    expect(xorDigests(a, b)).toBe(expected);
    expect(xorDigests(b, a)).toBe(expected);
  });

  test('the same contributor twice cancels out: the empty digest', () => {
    expect(xorDigests('0123456789abcdef', '0123456789abcdef')).toBe(EMPTY_DIGEST);
  });
});

describe('mergeBuckets: installs and sums add, digests XOR', () => {
  const base = { key: 'v', installs: 2, digest: '00000000000000f0' };
  const other = { key: 'v', installs: 3, digest: '000000000000000f' };
  test.each<[string, ExactBucket, ExactBucket, Record<string, number> | undefined]>([
    ['sums on neither side: none', base, other, undefined],
    ['sums on the left only', { ...base, sums: { events: 4 } }, other, { events: 4 }],
    ['sums on the right only', base, { ...other, sums: { events: 5 } }, { events: 5 }],
    [
      'sums on both, names on one side only kept',
      { ...base, sums: { events: 4, crashedInstalls: 1 } },
      { ...other, sums: { events: 5, fatalEvents: 2 } },
      { events: 9, crashedInstalls: 1, fatalEvents: 2 },
    ],
  ])('%s', (_name, a, b, sums) => {
    const merged = mergeBuckets(a, b);
    expect(merged).toEqual({
      key: 'v',
      installs: 5,
      digest: '00000000000000ff',
      ...(sums === undefined ? {} : { sums }),
    });
    expect('sums' in merged).toBe(sums !== undefined);
    expect(mergeBuckets(b, a)).toEqual(merged);
  });

  test('buckets of two keys are refused by name', () => {
    expect(() => mergeBuckets(base, { ...other, key: 'w' })).toThrow(
      'cannot merge bucket v with w',
    );
  });
});
