// The publication rules on exact numbers: a noise source that draws chosen values (zero unless a
// row says otherwise) makes every published figure predictable, so each boundary of the rules is
// pinned to the install: a bucket appears with a noisy count of exactly its threshold and not one
// below, parts add up to the published total, "other" is a remainder and never an empty row, and
// the crash figures of versions not shown are kept in "other".
import { describe, expect, test } from 'vitest';
import { OTHER, UNKNOWN } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import {
  compareBuckets,
  partitionOf,
  publishBreakdowns,
  publishUpgrades,
} from '../../../../functions/src/privacy/publication/breakdowns.ts';
import { publishCounters } from '../../../../functions/src/privacy/publication/counters.ts';
import { releaseHistogram } from '../../../../functions/src/privacy/publication/histogram.ts';
import type {
  NoiseMaterial,
  NoiseSource,
} from '../../../../functions/src/privacy/publication/noise.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import {
  publishReliability,
  TOP_FAILURES,
} from '../../../../functions/src/privacy/publication/reliability.ts';
import {
  UPGRADE_KEY_SEPARATOR,
  type ExactBucket,
} from '../../../../functions/src/privacy/publication/types.ts';
import { bucketOf, names } from '../../../support/publication.ts';

const plan = planPublication(deploymentConfig);
const thresholdOf = (id: string): number => {
  const t = plan.queries.get(id)?.threshold;
  if (t === undefined) throw new Error(`${id} has no threshold`);
  return t;
};

/** Noise of chosen values: `query|key|column` → draw; everything else draws 0. */
function scripted(draws: Record<string, number> = {}): NoiseSource & { asked: NoiseMaterial[] } {
  const asked: NoiseMaterial[] = [];
  return {
    asked,
    draw(material) {
      asked.push(material);
      return draws[`${material.query}|${material.key}|${material.column}`] ?? 0;
    },
  };
}

let serial = 0;
/** A bucket of `n` distinct installs. */
function bucket(key: string, n: number, sums?: Record<string, number>): ExactBucket {
  serial += 1;
  return bucketOf(key, names(`b${serial}`, n), sums);
}

describe('a bucket appears when its noisy count reaches the threshold, not before', () => {
  test.each([
    'breakdowns.os',
    'breakdowns.module',
    'upgrades',
    'reliability.versions',
    'reliability.topFailures',
    'reliability.installFailures',
    'counters.groups',
    'counters.values',
  ])('%s', (query) => {
    const t = thresholdOf(query);
    const release = releaseHistogram(scripted({ [`${query}|lifted|installs`]: 1 }), plan, query, [
      bucket('at', t),
      bucket('below', t - 1),
      bucket('lifted', t - 1),
    ]);
    expect(release.shown.map((b) => [b.key, b.installs])).toEqual([
      ['at', t],
      ['lifted', t],
    ]);
    expect(release.hidden.map((b) => b.key)).toEqual(['below']);
  });

  test('noise can also hide a bucket whose exact count reaches the threshold', () => {
    const t = thresholdOf('breakdowns.os');
    const release = releaseHistogram(
      scripted({ 'breakdowns.os|x|installs': -1 }),
      plan,
      'breakdowns.os',
      [bucket('x', t)],
    );
    expect(release.shown).toEqual([]);
  });

  test('sums of shown buckets carry their own noise; hidden buckets draw no sum', () => {
    const t = thresholdOf('counters.values');
    const noise = scripted({ 'counters.values.sum|shown|sum': 7 });
    const release = releaseHistogram(
      noise,
      plan,
      'counters.values',
      [bucket('shown', t, { sum: 100 }), bucket('hidden', 1, { sum: 5 })],
      { sum: 'counters.values.sum' },
    );
    expect(release.shown).toEqual([{ key: 'shown', installs: t, sums: { sum: 107 } }]);
    expect(noise.asked.filter((m) => m.column === 'sum').map((m) => m.key)).toEqual(['shown']);
  });

  test.each([
    [[bucket('a', 1), bucket('a', 2)], /appears twice/],
    [[{ key: 'a', installs: -1, digest: '0' }], /has -1 installs/],
    [[{ key: 'a', installs: 1.5, digest: '0' }], /has 1.5 installs/],
    [[{ key: 'a', installs: 1, digest: '0', sums: { events: -2 } }], /sum events/],
    [[{ key: 'a', installs: 1, digest: '0', sums: { events: 0.5 } }], /sum events/],
  ])('refuses impossible input %#', (buckets, message) => {
    expect(() => releaseHistogram(scripted(), plan, 'breakdowns.os', buckets)).toThrow(message);
  });
});

describe('breakdowns: parts of the 28-day total', () => {
  const T = thresholdOf('breakdowns.os');

  test('values below the threshold go to "other", the remainder of the published total', () => {
    const result = publishBreakdowns(
      scripted(),
      plan,
      { os: [bucket('debian', T + 10), bucket('ubuntu', T), bucket('arch', 3)] },
      T + 10 + T + 3,
    );
    expect(result.os).toEqual([
      { value: 'debian', installs: T + 10 },
      { value: 'ubuntu', installs: T },
      { value: OTHER, installs: 3 },
    ]);
  });

  test('no "other" row when the shown values make up the whole total', () => {
    const result = publishBreakdowns(scripted(), plan, { os: [bucket('debian', T)] }, T);
    expect(result.os).toEqual([{ value: 'debian', installs: T }]);
  });

  test('a value literally named "other" joins the remainder in one row', () => {
    const result = publishBreakdowns(
      scripted(),
      plan,
      { os: [bucket('debian', T), bucket(OTHER, T + 1), bucket('arch', 2)] },
      T + T + 1 + 2,
    );
    expect(result.os).toEqual([
      { value: 'debian', installs: T },
      { value: OTHER, installs: T + 1 + 2 },
    ]);
  });

  test('noisy counts above the total are fitted under it: nothing is left for "other"', () => {
    const result = publishBreakdowns(
      scripted({ 'breakdowns.os|a|installs': 5, 'breakdowns.os|b|installs': 5 }),
      plan,
      { os: [bucket('a', T), bucket('b', T)] },
      2 * T,
    );
    expect(result.os?.reduce((s, b) => s + b.installs, 0)).toBe(2 * T);
    expect(result.os?.map((b) => b.value)).toEqual(['a', 'b']);
  });

  test('every published breakdown is there, empty ones as "other" of the total', () => {
    const result = publishBreakdowns(scripted(), plan, {}, 9);
    expect(Object.keys(result)).toEqual([...plan.breakdowns, 'module'].sort());
    expect(result.os).toEqual([{ value: OTHER, installs: 9 }]);
    expect(result.module).toEqual([]);
  });

  test('modules add up to nothing: no remainder, values below the threshold left out', () => {
    const M = thresholdOf('breakdowns.module');
    const result = publishBreakdowns(
      scripted(),
      plan,
      { module: [bucket('apps', M + 2), bucket('proc', M), bucket('rare', M - 1)] },
      M,
    );
    expect(result.module).toEqual([
      { value: 'apps', installs: M + 2 },
      { value: 'proc', installs: M },
    ]);
  });

  test('a breakdown the plan does not publish is refused', () => {
    expect(() => publishBreakdowns(scripted(), plan, { secret: [] }, 0)).toThrow(
      'breakdowns: secret is not published',
    );
  });

  test.each([
    [
      [
        { value: OTHER, installs: 50 },
        { value: UNKNOWN, installs: 60 },
        { value: 'b', installs: 5 },
        { value: 'a', installs: 5 },
        { value: 'c', installs: 9 },
      ],
      ['c', 'a', 'b', UNKNOWN, OTHER],
    ],
  ])('largest first, then by name; unknown and other last', (buckets, order) => {
    expect([...buckets].sort(compareBuckets).map((b) => b.value)).toEqual(order);
  });

  test('largest first whatever the order of the keys; "unknown", then "other" last', () => {
    const result = publishBreakdowns(
      scripted(),
      plan,
      {
        os: [bucket('arch', T), bucket('debian', T + 10), bucket(UNKNOWN, T + 20), bucket('z', 2)],
      },
      T + T + 10 + T + 20 + 2,
    );
    expect(result.os).toEqual([
      { value: 'debian', installs: T + 10 },
      { value: 'arch', installs: T },
      { value: UNKNOWN, installs: T + 20 },
      { value: OTHER, installs: 2 },
    ]);
  });

  test('modules: largest first whatever the order of the keys', () => {
    const M = thresholdOf('breakdowns.module');
    const result = publishBreakdowns(
      scripted(),
      plan,
      { module: [bucket('apps', M), bucket('proc', M + 1), bucket('zfs', M + 5)] },
      M,
    );
    expect(result.module?.map((b) => b.value)).toEqual(['zfs', 'proc', 'apps']);
  });

  test('partitionOf drops shown values whose fitted count is 0', () => {
    expect(
      partitionOf(
        [
          { key: 'a', installs: 4, sums: {} },
          { key: 'z', installs: -3, sums: {} },
        ],
        6,
      ),
    ).toEqual([
      { value: 'a', installs: 4 },
      { value: OTHER, installs: 2 },
    ]);
  });
});

describe('upgrades', () => {
  const T = thresholdOf('upgrades');
  const OT = thresholdOf('upgrades.other');
  const move = (from: string, to: string, n: number) =>
    bucket(`${from}${UPGRADE_KEY_SEPARATOR}${to}`, n);

  test('shown moves, largest first; hidden moves form other → other only at its threshold', () => {
    const upgrades = publishUpgrades(scripted(), plan, [
      move('1.0', '1.1', T),
      move('1.1', '1.2', T + 3),
      move('0.9', '1.2', T),
      move('0.1', '0.2', T - 1),
    ]);
    expect(upgrades).toEqual([
      { from: '1.1', to: '1.2', installs: T + 3 },
      { from: '0.9', to: '1.2', installs: T },
      { from: '1.0', to: '1.1', installs: T },
    ]);
  });

  test('moves of equal installs: by the version moved from, then to', () => {
    const upgrades = publishUpgrades(scripted(), plan, [
      move('2.0', '2.1', T),
      move('1.0', '2.0', T),
      move('1.0', '1.5', T),
    ]);
    expect(upgrades.map((u) => `${u.from}>${u.to}`)).toEqual(['1.0>1.5', '1.0>2.0', '2.0>2.1']);
  });

  test.each([
    [OT, true],
    [OT - 1, false],
  ])('hidden moves of %i installs: other → other shown: %s', (n, shown) => {
    // Split over buckets below the threshold of a single move.
    const hidden = Array.from({ length: Math.ceil(n / (T - 1)) }, (_, i) =>
      move('0', String(i), Math.min(T - 1, n - i * (T - 1))),
    );
    const upgrades = publishUpgrades(scripted(), plan, hidden);
    expect(upgrades).toEqual(shown ? [{ from: OTHER, to: OTHER, installs: OT }] : []);
  });

  test('other → other is drawn even when nothing is hidden', () => {
    const noise = scripted({ 'upgrades.other|other|installs': OT });
    expect(publishUpgrades(noise, plan, [])).toEqual([{ from: OTHER, to: OTHER, installs: OT }]);
  });
});

describe('reliability', () => {
  const T = thresholdOf('reliability.versions');

  test('versions add up to d1; crashes of versions not shown stay in "other"', () => {
    const result = publishReliability(
      scripted(),
      plan,
      {
        versions: [
          bucket('2.0', T + 5, { crashedInstalls: 4, crashEvents: 9, fatalEvents: 1 }),
          bucket('1.0', 3, { crashedInstalls: 2, crashEvents: 6, fatalEvents: 2 }),
          bucket('0.9', 2, { crashedInstalls: 1, crashEvents: 1, fatalEvents: 0 }),
        ],
        failures: [],
        installFailures: [],
      },
      T + 10,
    );
    expect(result.versions).toEqual([
      {
        version: '2.0',
        activeInstalls: T + 5,
        crashedInstalls: 4,
        crashFreeRate: Math.round((1 - 4 / (T + 5)) * 10_000) / 10_000,
        crashEvents: 9,
        fatalEvents: 1,
      },
      {
        version: OTHER,
        activeInstalls: 5,
        crashedInstalls: 3,
        crashFreeRate: 0.4,
        crashEvents: 7,
        fatalEvents: 2,
      },
    ]);
  });

  test('a version literally named "other" joins the remainder with its crashes', () => {
    const result = publishReliability(
      scripted(),
      plan,
      {
        versions: [
          bucket('2.0', T, { crashedInstalls: 0, crashEvents: 0, fatalEvents: 0 }),
          bucket(OTHER, T, { crashedInstalls: 3, crashEvents: 4, fatalEvents: 5 }),
          bucket('0.1', 1, { crashedInstalls: 1, crashEvents: 1, fatalEvents: 0 }),
        ],
        failures: [],
        installFailures: [],
      },
      2 * T + 1,
    );
    expect(result.versions.map((v) => [v.version, v.activeInstalls, v.crashedInstalls])).toEqual([
      ['2.0', T, 0],
      [OTHER, T + 1, 4],
    ]);
    expect(result.versions[1]).toMatchObject({ crashEvents: 5, fatalEvents: 5 });
  });

  test('no "other" row when the shown versions make up d1', () => {
    const result = publishReliability(
      scripted(),
      plan,
      { versions: [bucket('2.0', T)], failures: [], installFailures: [] },
      T,
    );
    expect(result.versions.map((v) => v.version)).toEqual(['2.0']);
  });

  test('crashed installs never exceed active ones, and the rate stays within [0, 1]', () => {
    const result = publishReliability(
      scripted({ 'reliability.versions.crashedInstalls|2.0|crashedInstalls': 50 }),
      plan,
      { versions: [bucket('2.0', T, { crashedInstalls: 1 })], failures: [], installFailures: [] },
      T,
    );
    expect(result.versions[0]).toMatchObject({ activeInstalls: T, crashedInstalls: T });
    expect(result.versions[0]?.crashFreeRate).toBe(0);
  });

  test('versions with equal installs are ordered by name', () => {
    const result = publishReliability(
      scripted(),
      plan,
      { versions: [bucket('b', T), bucket('a', T)], failures: [], installFailures: [] },
      2 * T,
    );
    expect(result.versions.map((v) => v.version)).toEqual(['a', 'b']);
  });

  test('top failures: events at least installs, ordered, at most TOP_FAILURES', () => {
    const F = thresholdOf('reliability.topFailures');
    const failures = Array.from({ length: TOP_FAILURES + 2 }, (_, i) =>
      bucket(`sig-${String(i).padStart(2, '0')}`, F + i, { events: i === 0 ? 0 : 3 * (F + i) }),
    );
    failures.push(bucket('rare', F - 1, { events: 100 }));
    const result = publishReliability(
      scripted(),
      plan,
      { versions: [], failures, installFailures: [] },
      0,
    );
    expect(result.topFailures).toHaveLength(TOP_FAILURES);
    expect(result.topFailures[0]).toEqual({
      signature: `sig-${TOP_FAILURES + 1}`,
      installs: F + TOP_FAILURES + 1,
      events: 3 * (F + TOP_FAILURES + 1),
    });
    expect(result.topFailures.map((f) => f.signature)).not.toContain('sig-00');
    expect(result.topFailures.map((f) => f.signature)).not.toContain('rare');
  });

  test('failures with equal installs: more events first, then by signature', () => {
    const F = thresholdOf('reliability.topFailures');
    const result = publishReliability(
      scripted(),
      plan,
      {
        versions: [],
        failures: [
          bucket('b', F, { events: F }),
          bucket('a', F, { events: F }),
          bucket('c', F, { events: F + 4 }),
        ],
        installFailures: [],
      },
      0,
    );
    expect(result.topFailures.map((f) => f.signature)).toEqual(['c', 'a', 'b']);
    expect(result.topFailures[1]?.events).toBe(F);
  });

  test('install failures: codes at the threshold, largest first, then by code', () => {
    const I = thresholdOf('reliability.installFailures');
    const result = publishReliability(
      scripted(),
      plan,
      {
        versions: [],
        failures: [],
        installFailures: [
          bucket('E2', I),
          bucket('E1', I),
          bucket('E3', I + 1),
          bucket('E4', I - 1),
        ],
      },
      0,
    );
    expect(result.installFailures).toEqual([
      { code: 'E3', installs: I + 1 },
      { code: 'E1', installs: I },
      { code: 'E2', installs: I },
    ]);
  });
});

describe('counters', () => {
  const G = thresholdOf('counters.groups');
  const V = thresholdOf('counters.values');
  /** The day's published active installs: more than any group here, so no cap applies. */
  const D1 = 10_000;

  test('groups and values at their thresholds; a group sums its published values', () => {
    // A group has at least the installs of each of its values: ports above both thresholds.
    const P = Math.max(G, V) + 5;
    const result = publishCounters(
      scripted(),
      plan,
      {
        groups: [bucket('ports', P), bucket('os', G), bucket('rare', G - 1)],
        values: {
          ports: [
            bucket('22', V, { sum: 40 }),
            bucket('443', V + 1, { sum: 90 }),
            bucket('80', V, { sum: 40 }),
            bucket('8080', V - 1, { sum: 500 }),
          ],
          rare: [bucket('x', V, { sum: 1 })],
        },
      },
      D1,
    );
    expect(result).toEqual([
      { group: 'os', installs: G, sum: 0, values: [] },
      {
        group: 'ports',
        installs: P,
        sum: 170,
        values: [
          { value: '443', installs: V + 1, sum: 90 },
          { value: '22', installs: V, sum: 40 },
          { value: '80', installs: V, sum: 40 },
        ],
      },
    ]);
  });

  test("a value's installs never exceed its group's: the two meet, the less noisy one moving less", () => {
    const result = publishCounters(
      scripted({ 'counters.values|g.v|installs': 40 }),
      plan,
      { groups: [bucket('g', G)], values: { g: [bucket('v', G, { sum: 3 })] } },
      D1,
    );
    // Group G (variance σg²) and value G + 40 (σv²) meet at their inverse-variance mean.
    const [gv, vv] = [plan.queries.get('counters.groups'), plan.queries.get('counters.values')].map(
      (q) => (q?.sigma ?? Number.NaN) ** 2,
    ) as [number, number];
    const met = Math.round(G + (40 * gv) / (gv + vv));
    expect(met).toBeGreaterThan(G);
    expect(met).toBeLessThan(G + 20);
    expect(result).toEqual([
      { group: 'g', installs: met, sum: 3, values: [{ value: 'v', installs: met, sum: 3 }] },
    ]);
  });

  test("a group's installs never exceed the day's active installs, nor do its values", () => {
    const result = publishCounters(
      scripted({ 'counters.groups|g|installs': 30, 'counters.values|g.v|installs': 30 }),
      plan,
      { groups: [bucket('g', V)], values: { g: [bucket('v', V, { sum: 3 }), bucket('w', V)] } },
      V + 10,
    );
    expect(result).toEqual([
      {
        group: 'g',
        installs: V + 10,
        sum: 3,
        values: [
          { value: 'v', installs: V + 10, sum: 3 },
          { value: 'w', installs: V, sum: 0 },
        ],
      },
    ]);
  });

  test('a day of no active installs publishes no group, however noisy', () => {
    const result = publishCounters(
      scripted({ 'counters.groups|g|installs': 30 }),
      plan,
      { groups: [bucket('g', G)], values: { g: [bucket('v', V, { sum: 3 })] } },
      0,
    );
    expect(result).toEqual([]);
  });

  test('groups by name, not by the order of their keys (upper case after lower)', () => {
    const result = publishCounters(
      scripted(),
      plan,
      { groups: [bucket('OS', G), bucket('hardware', G), bucket('devices', G)], values: {} },
      D1,
    );
    expect(result.map((g) => g.group)).toEqual(['devices', 'hardware', 'OS']);
  });

  test('values of two groups draw separate noise (keys carry the group)', () => {
    const noise = scripted();
    publishCounters(
      noise,
      plan,
      {
        groups: [bucket('a', G), bucket('b', G)],
        values: { a: [bucket('v', V)], b: [bucket('v', V)] },
      },
      D1,
    );
    expect(
      noise.asked
        .filter((m) => m.query === 'counters.values' && m.column === 'installs')
        .map((m) => m.key),
    ).toEqual(['a.v', 'b.v']);
  });
});
