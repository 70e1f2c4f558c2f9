// The reliability section as published: crash-free rates per version, in the order a reader
// scans them (most active installs first), and the crash figures of versions not shown kept in
// "other" with noise of their own.
import { describe, expect, test } from 'vitest';
import { OTHER, UNKNOWN } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import { publishReliability } from '../../../../functions/src/privacy/publication/reliability.ts';
import type { ExactBucket } from '../../../../functions/src/privacy/publication/types.ts';
import { bucketOf, names, scriptedNoise } from '../../../support/publication.ts';

const plan = planPublication(deploymentConfig);
const T = plan.queries.get('reliability.versions')?.threshold ?? NaN;

let serial = 0;
function version(key: string, n: number, sums?: Record<string, number>): ExactBucket {
  serial += 1;
  return bucketOf(key, names(`r${serial}`, n), sums);
}

function versionsOf(versions: ExactBucket[], d1: number, draws: Record<string, number> = {}) {
  return publishReliability(
    scriptedNoise(draws),
    plan,
    { versions, failures: [], installFailures: [] },
    d1,
  ).versions;
}

describe('version rows: most active installs first, "other" last', () => {
  test.each([
    [
      ['1.0', T],
      ['2.0', T + 3],
      ['2.0', '1.0'],
    ],
    [
      ['2.0', T + 3],
      ['1.0', T],
      ['2.0', '1.0'],
    ],
    [
      ['a', T + 1],
      ['b', T + 2],
      ['b', 'a'],
    ],
    [
      ['b', T + 1],
      ['a', T + 2],
      ['a', 'b'],
    ],
  ] as const)('%j and %j → %j', (first, second, order) => {
    const rows = versionsOf(
      [version(first[0], first[1]), version(second[0], second[1]), version('0.1', 2)],
      first[1] + second[1] + 2,
    );
    expect(rows.map((r) => r.version)).toEqual([...order, OTHER]);
    expect(rows.at(-1)?.activeInstalls).toBe(2);
  });

  test('"unknown" (installs that sent no version) is ranked by its installs like any version', () => {
    const rows = versionsOf([version('2.0', T), version(UNKNOWN, T + 4)], 2 * T + 4 + 3);
    expect(rows.map((r) => [r.version, r.activeInstalls])).toEqual([
      [UNKNOWN, T + 4],
      ['2.0', T],
      [OTHER, 3],
    ]);
  });
});

describe('crash-free rate per version', () => {
  // Rounded to 4 decimals; at a version's threshold and one above, with the remainder's rate.
  test.each([
    [0, 1],
    [1, Math.round((1 - 1 / T) * 10_000) / 10_000],
    [T - 1, Math.round((1 / T) * 10_000) / 10_000],
    [T, 0],
  ])('%i of the version’s installs crashed → %f', (crashed, rate) => {
    const rows = versionsOf([version('2.0', T, { crashedInstalls: crashed })], T);
    expect(rows).toEqual([
      {
        version: '2.0',
        activeInstalls: T,
        crashedInstalls: crashed,
        crashFreeRate: rate,
        crashEvents: 0,
        fatalEvents: 0,
      },
    ]);
  });

  test('noise cannot make crashed installs negative: the rate stays 1', () => {
    const rows = versionsOf([version('2.0', T, { crashedInstalls: 0 })], T, {
      'reliability.versions.crashedInstalls|2.0|crashedInstalls': -3,
    });
    expect(rows[0]).toMatchObject({ crashedInstalls: 0, crashFreeRate: 1 });
  });
});

describe('crashes of versions not shown stay in "other", with noise of their own', () => {
  const exact = [
    version('2.0', T, { crashedInstalls: 1, crashEvents: 2, fatalEvents: 0 }),
    version('1.0', 3, { crashedInstalls: 2, crashEvents: 6, fatalEvents: 2 }),
    version('0.9', 2, { crashedInstalls: 1, crashEvents: 1, fatalEvents: 1 }),
  ];

  test('each figure of "other" is the hidden versions’ total plus its own draw', () => {
    const rows = versionsOf(exact, T + 5, {
      'reliability.versions.other.crashedInstalls|other|crashedInstalls': 1,
      'reliability.versions.other.events|other|crashEvents': 4,
      'reliability.versions.other.events|other|fatalEvents': -1,
    });
    expect(rows.at(-1)).toEqual({
      version: OTHER,
      activeInstalls: 5,
      crashedInstalls: 4,
      crashFreeRate: 0.2,
      crashEvents: 11,
      fatalEvents: 2,
    });
  });

  test('the shown versions’ own crash figures carry their own draws', () => {
    const rows = versionsOf(exact, T + 5, {
      'reliability.versions.crashedInstalls|2.0|crashedInstalls': 2,
      'reliability.versions.events|2.0|crashEvents': 5,
      'reliability.versions.events|2.0|fatalEvents': 1,
    });
    expect(rows[0]).toMatchObject({
      version: '2.0',
      crashedInstalls: 3,
      crashEvents: 7,
      fatalEvents: 1,
    });
  });
});

test('a version literally named "other" that is not shown adds its crashes to "other" once', () => {
  const rows = versionsOf(
    [
      version('2.0', T, { crashedInstalls: 0, crashEvents: 0, fatalEvents: 0 }),
      version(OTHER, 3, { crashedInstalls: 2, crashEvents: 4, fatalEvents: 1 }),
    ],
    T + 3,
  );
  expect(rows.at(-1)).toEqual({
    version: OTHER,
    activeInstalls: 3,
    crashedInstalls: 2,
    crashFreeRate: 0.3333,
    crashEvents: 4,
    fatalEvents: 1,
  });
});
