// The histogram rule's noise material: every noisy number is tied to the exact data behind it,
// in one canonical text. A rerun over the same data (whatever order the shards merged in) must
// draw the same noise — two different draws of one day could be averaged — and any change of the
// data behind a number, even one install swapped for another, must draw afresh.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../../shared/config.ts';
import {
  bucketData,
  gatherHidden,
  noisyHiddenSums,
  noisyOther,
  releaseHistogram,
} from '../../../../functions/src/privacy/publication/histogram.ts';
import { createNoiseSource } from '../../../../functions/src/privacy/publication/noise.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import type { ExactBucket } from '../../../../functions/src/privacy/publication/types.ts';
import { bucketOf, names, scriptedNoise } from '../../../support/publication.ts';

const plan = planPublication(deploymentConfig);
const thresholdOf = (id: string): number => plan.queries.get(id)?.threshold ?? NaN;
const realNoise = () => createNoiseSource('histogram-test-secret', '2026-05-02', 'f'.repeat(64));

/** Every order of `items`. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('the canonical text a bucket’s noise is tied to', () => {
  const orders = permutations<[string, number]>([
    ['crashEvents', 9],
    ['fatalEvents', 2],
    ['crashedInstalls', 4],
  ]);

  test.each(orders.map((order) => [order.map(([name]) => name).join(','), order] as const))(
    'sums merged in the order %s give one text: installs, sums by name, digest',
    (_, order) => {
      const bucket = { key: '2.0', installs: 7, digest: 'ab12', sums: Object.fromEntries(order) };
      expect(bucketData(bucket)).toBe('7|crashEvents=9,crashedInstalls=4,fatalEvents=2|ab12');
    },
  );

  test.each([
    [{ key: 'x', installs: 3, digest: 'd0' }, '3||d0'],
    [{ key: 'x', installs: 0, digest: 'd1', sums: {} }, '0||d1'],
    [{ key: 'x', installs: 5, digest: 'd2', sums: { events: 0 } }, '5|events=0|d2'],
    // Code-unit order: upper case before lower case, shorter prefix first.
    [{ key: 'x', installs: 1, digest: 'd3', sums: { b: 1, B: 2, bb: 3 } }, '1|B=2,b=1,bb=3|d3'],
  ])('%o → %s', (bucket, text) => {
    expect(bucketData(bucket)).toBe(text);
  });

  test('a rerun with the sums merged in another order publishes the same numbers', () => {
    const t = thresholdOf('reliability.versions');
    const sumQueries = {
      crashedInstalls: 'reliability.versions.crashedInstalls',
      crashEvents: 'reliability.versions.events',
      fatalEvents: 'reliability.versions.events',
    };
    const releases = orders.map((order) =>
      releaseHistogram(
        realNoise(),
        plan,
        'reliability.versions',
        [bucketOf('2.0', names('v', t + 40), Object.fromEntries(order))],
        sumQueries,
      ),
    );
    expect(releases[0]?.shown).toHaveLength(1);
    for (const release of releases) expect(release).toEqual(releases[0]);
  });
});

describe('what the aggregation may hand over', () => {
  test('a bucket of 0 installs is accepted (event counts carry no installs), and hidden', () => {
    const release = releaseHistogram(scriptedNoise(), plan, 'breakdowns.os', [
      { key: 'heartbeat', installs: 0, digest: '0000000000000000', sums: { events: 4 } },
    ]);
    expect(release).toEqual({
      shown: [],
      hidden: [{ key: 'heartbeat', installs: 0, digest: '0000000000000000', sums: { events: 4 } }],
    });
  });
});

describe('shown buckets come out in key order, whatever order the shards merged in', () => {
  test.each(permutations(['b', 'a', 'c']).map((keys) => [keys.join('')]))('input %s', (keys) => {
    const t = thresholdOf('breakdowns.os');
    const buckets = [...keys].map((key) => bucketOf(key, names(key, t)));
    const release = releaseHistogram(scriptedNoise(), plan, 'breakdowns.os', buckets);
    expect(release.shown.map((b) => b.key)).toEqual(['a', 'b', 'c']);
  });
});

describe('the hidden buckets gathered as one', () => {
  const hidden: ExactBucket[] = [
    bucketOf('1.0', names('one', 3), { crashEvents: 5, fatalEvents: 1 }),
    bucketOf('0.9', names('nine', 2), { crashEvents: 2 }),
    bucketOf('0.8', names('eight', 1), { fatalEvents: 4, crashedInstalls: 1 }),
  ];

  test('counts and sums add up', () => {
    const gathered = gatherHidden(hidden);
    expect(gathered.installs).toBe(6);
    expect(gathered.sums).toEqual({ crashEvents: 7, fatalEvents: 5, crashedInstalls: 1 });
    expect(gathered.data).toMatch(/^6\|[0-9a-f]{64}$/);
  });

  test('nothing hidden: zero installs, no sums', () => {
    expect(gatherHidden([])).toMatchObject({ installs: 0, sums: {} });
  });

  test('the same hidden buckets in any order give the same data', () => {
    const texts = permutations(hidden).map((order) => gatherHidden(order).data);
    expect(new Set(texts).size).toBe(1);
  });

  test.each([
    ['one install swapped for another', [bucketOf('0.9', names('other', 2), { crashEvents: 2 })]],
    [
      'the same installs under another version',
      [bucketOf('0.7', names('nine', 2), { crashEvents: 2 })],
    ],
    ['one crash event more', [bucketOf('0.9', names('nine', 2), { crashEvents: 3 })]],
  ])('%s changes the data, with the same number of installs', (_, replacement) => {
    const changed = [hidden[0] as ExactBucket, ...replacement, hidden[2] as ExactBucket];
    expect(gatherHidden(changed).installs).toBe(gatherHidden(hidden).installs);
    expect(gatherHidden(changed).data).not.toBe(gatherHidden(hidden).data);
  });

  test('a key and its data cannot be shifted into each other', () => {
    const a = gatherHidden([{ key: 'ab', installs: 1, digest: 'c' }]);
    const b = gatherHidden([{ key: 'a', installs: 1, digest: 'bc' }]);
    expect(a.data).not.toBe(b.data);
  });
});

describe('noisy sums of the hidden buckets', () => {
  const hidden = [
    bucketOf('1.0', names('one', 3), { crashEvents: 5 }),
    bucketOf('0.9', names('nine', 2), { crashEvents: 2, fatalEvents: 1 }),
  ];

  test('each sum is its exact total plus its own draw, keyed "other", tied to all hidden data', () => {
    const gathered = gatherHidden(hidden);
    const noise = scriptedNoise({
      'reliability.versions.other.events|other|crashEvents': 3,
      'reliability.versions.other.events|other|fatalEvents': -4,
    });
    const sums = noisyHiddenSums(noise, plan, gathered, {
      crashEvents: 'reliability.versions.other.events',
      fatalEvents: 'reliability.versions.other.events',
      crashedInstalls: 'reliability.versions.other.crashedInstalls',
    });
    expect(sums).toEqual({ crashEvents: 10, fatalEvents: -3, crashedInstalls: 0 });
    expect(noise.asked).toEqual([
      {
        query: 'reliability.versions.other.events',
        key: 'other',
        column: 'crashEvents',
        data: gathered.data,
      },
      {
        query: 'reliability.versions.other.events',
        key: 'other',
        column: 'fatalEvents',
        data: gathered.data,
      },
      {
        query: 'reliability.versions.other.crashedInstalls',
        key: 'other',
        column: 'crashedInstalls',
        data: gathered.data,
      },
    ]);
  });
});

describe('a noisy "other" of its own (upgrades)', () => {
  const OT = thresholdOf('upgrades.other');

  test.each([
    [OT, 0, true],
    [OT - 1, 0, false],
    [OT - 1, 1, true],
    [OT, -1, false],
    [0, OT, true],
  ])('hidden installs %i, noise %i: shown %s', (installs, draw, shown) => {
    const hidden = installs > 0 ? [bucketOf('a\u0000b', names('u', installs))] : [];
    const noise = scriptedNoise({ 'upgrades.other|other|installs': draw });
    const other = noisyOther(noise, plan, 'upgrades.other', hidden);
    expect(other).toEqual(
      shown ? { key: 'other', installs: installs + draw, sums: {} } : undefined,
    );
    expect(noise.asked[0]).toEqual({
      query: 'upgrades.other',
      key: 'other',
      column: 'installs',
      data: gatherHidden(hidden).data,
    });
  });

  test('its sums are drawn only when it is shown', () => {
    const hidden = [bucketOf('a', names('s', OT), { events: 9 })];
    const noise = scriptedNoise({ 'reliability.topFailures.events|other|events': 2 });
    const other = noisyOther(noise, plan, 'upgrades.other', hidden, {
      events: 'reliability.topFailures.events',
    });
    expect(other).toEqual({ key: 'other', installs: OT, sums: { events: 11 } });
  });

  test('a query without a threshold is refused, by name', () => {
    expect(() => noisyOther(scriptedNoise(), plan, 'reliability.versions.events', [])).toThrow(
      'reliability.versions.events has no threshold',
    );
  });
});
