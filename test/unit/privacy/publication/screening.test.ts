// The screening figures as published, on exact numbers: a noise source of chosen draws makes each
// figure predictable, so the boundaries are pinned — pending d1 ≤ d28, profiles adding up to their
// total, every held-out reason drawn, the failed-installs cap reached exactly or exceeded by one.
import { describe, expect, test } from 'vitest';
import { OTHER } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import { HELD_REASONS } from '../../../../shared/screening.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import {
  knownVersions,
  publishScreening,
  scaleTo,
} from '../../../../functions/src/privacy/publication/screening.ts';
import type { ExactScreening } from '../../../../functions/src/privacy/publication/types.ts';
import { bucketOf, countOf, names, scriptedNoise } from '../../../support/publication.ts';

const plan = planPublication(deploymentConfig);
const thresholdOf = (id: string): number => plan.queries.get(id)?.threshold ?? NaN;
const CAP = plan.screening.unestablishedInstallFailuresPerDay;

/** Screening tallies of `parts` (named installs), everything else empty. */
function screening(parts: Partial<ExactScreening> = {}): ExactScreening {
  const none = countOf([]);
  return {
    newlyEstablished: none,
    pendingD1: none,
    pendingD28: none,
    proven: none,
    newProfiles: [],
    establishedProfiles: [],
    held: [],
    failures: [],
    ...parts,
  };
}

describe('established installs', () => {
  test.each<[string, [number, number], Record<string, number>, [number, number]]>([
    ['as counted', [3, 8], {}, [3, 8]],
    ['d1 pushed above d28: pooled', [6, 8], { d1: 6 }, [10, 10]],
    ['a negative d1 is 0 before it is pooled', [0, 2], { d1: -9, d28: 1 }, [0, 3]],
    ['both negative: zeros', [0, 0], { d1: -1, d28: -1 }, [0, 0]],
  ])('pending: %s', (_name, [d1, d28], draws, [e1, e28]) => {
    const fleet = names('p', d28);
    const noise = scriptedNoise(
      Object.fromEntries(
        Object.entries(draws).map(([key, v]) => [`established.pending|${key}|installs`, v]),
      ),
    );
    const published = publishScreening(
      noise,
      plan,
      screening({ pendingD1: countOf(fleet.slice(0, d1)), pendingD28: countOf(fleet) }),
      0,
    );
    expect(published.established.pending).toEqual({ d1: e1, d28: e28 });
  });

  test('newly established and proven installs: noisy counts, never below 0', () => {
    const noise = scriptedNoise({
      'established.newlyEstablished|newlyEstablished|installs': 2,
      'established.proven|proven|installs': -9,
    });
    const published = publishScreening(
      noise,
      plan,
      screening({ newlyEstablished: countOf(names('n', 5)), proven: countOf(names('w', 4)) }),
      0,
    );
    expect(published.established).toMatchObject({ newlyEstablished: 7, proven: 0 });
    const material = noise.asked.find((m) => m.query === 'established.newlyEstablished');
    expect(material).toEqual({
      query: 'established.newlyEstablished',
      key: 'newlyEstablished',
      column: 'installs',
      data: `5|${countOf(names('n', 5)).digest}`,
    });
  });

  test.each([
    [3, 3],
    [1, 1],
    [0, 1],
  ])('established after %i days: published as %i', (days, minDays) => {
    const custom = { ...plan, screening: { ...plan.screening, establishedDays: days } };
    expect(publishScreening(scriptedNoise(), custom, screening(), 0).established.minDays).toBe(
      minDays,
    );
  });

  test('profiles of new installs add up to the published new installs, the rest "other"', () => {
    const t = thresholdOf('established.newInstallProfiles');
    const published = publishScreening(
      scriptedNoise(),
      plan,
      screening({
        newProfiles: [bucketOf('os=linux', names('l', t)), bucketOf('os=bsd', names('b', t - 1))],
      }),
      t + 10,
    );
    expect(published.established.newInstallProfiles).toEqual([
      { value: 'os=linux', installs: t },
      { value: OTHER, installs: 10 },
    ]);
  });

  test('profiles of newly established installs add up to the newly established', () => {
    const t = thresholdOf('established.newlyEstablishedProfiles');
    const fleet = names('e', t + 4);
    const published = publishScreening(
      scriptedNoise(),
      plan,
      screening({
        newlyEstablished: countOf(fleet),
        establishedProfiles: [bucketOf('os=linux', fleet.slice(0, t))],
      }),
      0,
    );
    expect(published.established.newlyEstablishedProfiles).toEqual([
      { value: 'os=linux', installs: t },
      { value: OTHER, installs: 4 },
    ]);
  });
});

describe('held out, per reason', () => {
  test('each reason’s installs and reports noisy; the totals are their sums', () => {
    const noise = scriptedNoise({
      'heldOut.installs|quarantined|installs': 1,
      'heldOut.reports|quarantined|reports': -2,
      'heldOut.installs|not-established|installs': 3,
      'heldOut.reports|unknown-version|reports': -1,
    });
    const published = publishScreening(
      noise,
      plan,
      screening({
        held: [
          bucketOf('quarantined', names('q', 4), { reports: 10 }),
          bucketOf('unknown-version', names('u', 2), { reports: 1 }),
        ],
      }),
      0,
    ).heldOut;
    const expected = new Map([
      ['quarantined', { installs: 5, reports: 8 }],
      ['unknown-version', { installs: 2, reports: 0 }],
      ['not-established', { installs: 3, reports: 0 }],
    ]);
    expect(published.reasons).toEqual(
      HELD_REASONS.map((reason) => ({
        reason,
        ...(expected.get(reason) ?? { installs: 0, reports: 0 }),
      })),
    );
    expect(published).toMatchObject({ installs: 10, reports: 8 });
    const quarantined = noise.asked.filter((m) => m.key === 'quarantined');
    expect(quarantined.map((m) => [m.query, m.column, m.data])).toEqual([
      ['heldOut.installs', 'installs', `4|reports=10|${bucketOf('q', names('q', 4)).digest}`],
      ['heldOut.reports', 'reports', `4|reports=10|${bucketOf('q', names('q', 4)).digest}`],
    ]);
  });
});

describe('failed installs of installs not established', () => {
  const T = thresholdOf('unestablishedInstallFailures');

  test.each([
    ['under the cap', CAP - 1, false],
    ['exactly the cap', CAP, false],
    ['one over the cap', CAP + 1, true],
  ])('%s', (_name, total, capped) => {
    expect(total).toBeGreaterThanOrEqual(T);
    const published = publishScreening(
      scriptedNoise(),
      plan,
      screening({ failures: [bucketOf('F1', names('f1', total))] }),
      0,
    ).unestablishedInstallFailures;
    const installs = capped ? CAP : total;
    expect(published).toEqual({ installs, cap: CAP, capped, codes: [{ code: 'F1', installs }] });
  });

  test('a code below the threshold is not shown; largest first, then by code', () => {
    const uncapped = {
      ...plan,
      screening: { ...plan.screening, unestablishedInstallFailuresPerDay: 5000 },
    };
    const published = publishScreening(
      scriptedNoise(),
      uncapped,
      screening({
        failures: [
          bucketOf('F3', names('f3', T)),
          bucketOf('F1', names('f1', T)),
          bucketOf('F2', names('f2', T + 2)),
          bucketOf('F4', names('f4', T - 1)),
        ],
      }),
      0,
    ).unestablishedInstallFailures;
    expect(published.codes).toEqual([
      { code: 'F2', installs: T + 2 },
      { code: 'F1', installs: T },
      { code: 'F3', installs: T },
    ]);
    expect(published).toMatchObject({ installs: 3 * T + 2, capped: false });
  });
});

describe('scaleTo: rows scaled to add up to the cap', () => {
  test.each([
    ['exact shares', [60, 40], 100, 10, { C0: 6, C1: 4 }],
    ['largest remainder gets the one left', [50, 30, 20], 100, 9, { C0: 4, C1: 3, C2: 2 }],
    [
      'equal remainders: the earlier rows; one left at 0 is left out',
      [1, 1, 1],
      3,
      2,
      { C0: 1, C1: 1 },
    ],
    ['a row scaled to 0 is left out', [98, 1, 1], 100, 2, { C0: 2 }],
    ['two left for three rows', [10, 10, 10], 30, 5, { C0: 2, C1: 2, C2: 1 }],
    ['the remainder to a later, smaller row', [7, 3], 10, 2, { C0: 1, C1: 1 }],
  ])('%s', (_name, installs, total, cap, expected) => {
    const rows = installs.map((n, i) => ({ code: `C${i}`, installs: n }));
    const scaled = scaleTo(rows, total, cap);
    expect(scaled).toEqual(Object.entries(expected).map(([code, n]) => ({ code, installs: n })));
    expect(scaled.reduce((n, r) => n + r.installs, 0)).toBe(cap);
  });
});

describe('known versions (reporters waiting on their version)', () => {
  test('a version is known when its noisy count of established installs reaches the threshold', () => {
    const t = thresholdOf('screening.knownVersions');
    const known = knownVersions(
      scriptedNoise({ 'screening.knownVersions|1.1|installs': 1 }),
      plan,
      [
        bucketOf('1.0', names('a', t)),
        bucketOf('0.9', names('b', t - 1)),
        bucketOf('1.1', names('c', t - 1)),
      ],
    );
    expect([...known].sort()).toEqual(['1.0', '1.1']);
  });
});
