// Contribution bounding (what the aggregation applies per install), digests, and the
// post-processing that keeps published parts consistent with their totals.
// Many draws per test: each describe allows a minute on a busy machine.
import { describe, expect, test } from 'vitest';
import {
  boundValues,
  clipCounters,
  clipEventCounts,
  clipSignatureEvents,
  clipTotal,
} from '../../../../functions/src/privacy/publication/clip.ts';
import {
  fitUnderTotal,
  nonDecreasing,
  roundToTotal,
} from '../../../../functions/src/privacy/publication/consistency.ts';
import {
  digestOf,
  EMPTY_DIGEST,
  mergeBuckets,
  xorDigests,
} from '../../../../functions/src/privacy/publication/digest.ts';
import { installId } from '../../../support/publication.ts';

describe('clipping one install’s figures of a day', { timeout: 60_000 }, () => {
  test.each([
    [
      'under the bound: unchanged',
      [
        ['a', 1],
        ['b', 2],
      ],
      4,
      [
        ['a', 1],
        ['b', 2],
      ],
    ],
    [
      'the largest gives way first',
      [
        ['a', 1],
        ['b', 9],
      ],
      4,
      [
        ['a', 1],
        ['b', 3],
      ],
    ],
    [
      'an even level, remainder in order',
      [
        ['a', 5],
        ['b', 5],
        ['c', 5],
      ],
      4,
      [
        ['a', 2],
        ['b', 1],
        ['c', 1],
      ],
    ],
    [
      'more kinds than the bound',
      [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ],
      2,
      [
        ['a', 1],
        ['b', 1],
        ['c', 0],
      ],
    ],
    [
      'negative and fractional counts are floored at 0',
      [
        ['a', -3],
        ['b', 2.7],
      ],
      4,
      [
        ['a', 0],
        ['b', 2],
      ],
    ],
  ] as [string, [string, number][], number, [string, number][]][])(
    'clipTotal: %s',
    (_name, entries, bound, expected) => {
      const clipped = clipTotal(entries, bound);
      expect(clipped).toEqual(expected);
      expect(clipped.reduce((s, [, n]) => s + n, 0)).toBeLessThanOrEqual(bound);
    },
  );

  test('events by type: at most eventClip in all, heartbeats kept while crashes are cut', () => {
    expect(clipEventCounts({ heartbeat: 1, crash: 30, report: 1 }, 4)).toEqual({
      heartbeat: 1,
      crash: 2,
      report: 1,
    });
    expect(clipEventCounts({ heartbeat: 1 }, 4)).toEqual({ heartbeat: 1 });
  });

  test('values: at most the limit, the same choice on every rerun, and no alphabetical bias', () => {
    const modules = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    const kept = boundValues(modules, 8, installId('a'));
    expect(kept).toHaveLength(8);
    expect(boundValues([...modules].reverse(), 8, installId('a'))).toEqual(kept);
    expect(boundValues(['x', 'x', 'y'], 8, installId('a'))).toEqual(['x', 'y']);
    // Over many installs each module is kept about 8/20 of the time, the first ones no more.
    const times = new Map<string, number>();
    for (let i = 0; i < 2000; i += 1)
      for (const m of boundValues(modules, 8, installId(`i${i}`)))
        times.set(m, (times.get(m) ?? 0) + 1);
    for (const m of modules) expect(Math.abs((times.get(m) ?? 0) / 2000 - 0.4)).toBeLessThan(0.06);
  });

  test('counters: each count clipped at counterClip, at most counterValuesPerInstall values', () => {
    const counters = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`os.v${i}`, i * 10]));
    const clipped = clipCounters(counters, 100, 16, 4, installId('librenms'));
    expect(Object.keys(clipped)).toHaveLength(16);
    for (const [key, value] of Object.entries(clipped))
      expect(value).toBe(Math.min(100, counters[key] ?? -1));
    expect(clipCounters({ 'devices.total': 4000 }, 100, 16, 4, 's')).toEqual({
      'devices.total': 100,
    });
  });

  test('counters: at most counterGroupsPerInstall groups, their values only, picked fairly', () => {
    // Ten groups of three values: four groups are kept whole (12 values, under the 16 allowed).
    const groups = Array.from({ length: 10 }, (_, g) => `g${g}`);
    const counters = Object.fromEntries(
      groups.flatMap((g) => ['a', 'b', 'c'].map((v): [string, number] => [`${g}.${v}`, 1])),
    );
    const clipped = clipCounters(counters, 100, 16, 4, installId('many-groups'));
    const kept = new Set(Object.keys(clipped).map((key) => key.split('.')[0]));
    expect(kept.size).toBe(4);
    expect(Object.keys(clipped)).toHaveLength(12);
    // A rerun keeps the same groups; across installs every group is kept about 4/10 of the time.
    expect(clipCounters(counters, 100, 16, 4, installId('many-groups'))).toEqual(clipped);
    const times = new Map<string, number>();
    for (let i = 0; i < 2000; i += 1)
      for (const key of Object.keys(clipCounters(counters, 100, 16, 4, installId(`i${i}`)))) {
        const group = key.split('.')[0] ?? '';
        if (key.endsWith('.a')) times.set(group, (times.get(group) ?? 0) + 1);
      }
    for (const g of groups) expect(Math.abs((times.get(g) ?? 0) / 2000 - 0.4)).toBeLessThan(0.06);
    // Within the kept groups the values' bound still holds.
    expect(Object.keys(clipCounters(counters, 100, 5, 4, installId('x')))).toHaveLength(5);
  });

  test('failure signatures: at most the limit, their events within the install’s clipped crashes', () => {
    const clipped = clipSignatureEvents({ a: 5, b: 1, c: 2 }, 3, 8, installId('x'));
    expect(Object.values(clipped).reduce((s, n) => s + n, 0)).toBe(3);
    expect(clipped.b).toBe(1);
  });
});

describe('digests', () => {
  test('XOR of 64-bit prefixes: order-free, mergeable, changed by any swap of contributor', () => {
    const a = digestOf(installId('a'));
    const b = digestOf(installId('b'));
    const c = digestOf(installId('c'));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(xorDigests(a, b)).toBe(xorDigests(b, a));
    expect(xorDigests(xorDigests(a, b), c)).toBe(xorDigests(a, xorDigests(b, c)));
    expect(xorDigests(a, EMPTY_DIGEST)).toBe(a);
    expect(xorDigests(a, b)).not.toBe(xorDigests(a, c));
    expect(() => digestOf('not-hex-at-all!!')).toThrow(/16 hex/);
  });

  test('merging two shards’ partials adds counts and sums and XORs digests', () => {
    const left = { key: 'v', installs: 2, digest: digestOf(installId('a')), sums: { events: 3 } };
    const right = { key: 'v', installs: 1, digest: digestOf(installId('b')), sums: { events: 1 } };
    expect(mergeBuckets(left, right)).toEqual({
      key: 'v',
      installs: 3,
      digest: xorDigests(left.digest, right.digest),
      sums: { events: 4 },
    });
    expect(() => mergeBuckets(left, { ...right, key: 'w' })).toThrow(/cannot merge/);
  });
});

describe('consistency', () => {
  test.each([
    ['under the total: rounded and clamped at 0', [3.2, -4, 10], 20, [3, 0, 10]],
    ['over the total: lowered evenly to sum to it', [10, 10, 10], 24, [8, 8, 8]],
    ['over the total: small ones reach 0 first', [50, 2, 40], 60, [35, 0, 25]],
    ['a total of 0', [5, 5], 0, [0, 0]],
  ])('fitUnderTotal: %s', (_name, values, total, expected) => {
    const fitted = fitUnderTotal(values, total);
    expect(fitted).toEqual(expected);
    expect(fitted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(total);
    for (const v of fitted) expect(Number.isInteger(v) && v >= 0).toBe(true);
  });

  test('roundToTotal keeps the total; nonDecreasing pools violators', () => {
    expect(roundToTotal([1.5, 1.5, 1], 4)).toEqual([2, 1, 1]);
    expect(nonDecreasing([10, 8, 30])).toEqual([9, 9, 30]);
    expect(nonDecreasing([5, 7, 9])).toEqual([5, 7, 9]);
    expect(nonDecreasing([9, 5, 1])).toEqual([5, 5, 5]);
  });
});

describe('HMAC-SHA256', () => {
  test('equals node:crypto createHmac for short, block-sized and long keys', async () => {
    const { createHmac } = await import('node:crypto');
    const { hmacSha256 } = await import('../../../../functions/src/privacy/publication/hmac.ts');
    for (const key of ['k', 'x'.repeat(64), 'y'.repeat(200), Buffer.alloc(32, 7)]) {
      const expected = createHmac('sha256', key)
        .update('part one')
        .update(Buffer.from([0, 1, 2]))
        .digest();
      expect(hmacSha256(key, 'part one', Buffer.from([0, 1, 2]))).toEqual(expected);
    }
  });
});
