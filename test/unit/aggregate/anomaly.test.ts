// Anomaly flags from published figures alone: the two rules, the floors that keep small fleets and
// new deployments quiet, and the profile a flag names.
import { describe, expect, test } from 'vitest';
import { addDays, type Day } from '../../../shared/dates.ts';
import type { DayProjection } from '../../../shared/days-query.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { detectAnomaly, median } from '../../../functions/src/aggregate/anomaly.ts';

const config = deploymentConfig.screening.anomaly;
const DAY: Day = '2026-09-30';
const P = 'version=1.6.0,os=nixos,arch=x86_64,kernel=Linux';
const Q = 'version=1.6.0,os=debian,arch=x86_64,kernel=Linux';

function day(
  offset: number,
  newInstalls: number,
  profiles: [string, number][] = [],
  d1 = 1000,
): DayProjection {
  return {
    day: addDays(DAY, offset),
    final: true,
    newInstalls,
    activeInstalls: { d1, d7: d1, d28: d1 },
    established: {
      minDays: 2,
      newlyEstablished: 0,
      pending: { d1: 0, d28: 0 },
      proven: 0,
      newInstallProfiles: profiles.map(([value, installs]) => ({ value, installs })),
      newlyEstablishedProfiles: [],
    },
  };
}

/** 14 days before DAY with `n` new installs each, `q` of them of profile Q. */
const history = (n: number, q = 0) =>
  Array.from({ length: 14 }, (_, i) => day(-(i + 1), n, q ? [[Q, q]] : []));

describe('detectAnomaly', () => {
  test('median', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('a figure three times its median is a jump, and names the profile carrying the rise', () => {
    const anomaly = detectAnomaly(day(0, 130, [[P, 100]]), history(40), config);
    expect(anomaly?.signals).toEqual([
      {
        figure: 'newInstalls',
        value: 130,
        baseline: 40,
        rule: 'jump',
        profile: P,
        profileShare: 1,
      },
    ]);
    expect(anomaly?.reason).toBe(
      `New installs 130 against a median of 40 over the 14 days before; 100% of the rise is ${P}.`,
    );
  });

  test('below three times but 1.5 times, flagged only when one profile carries the rise', () => {
    // 70 against 40: a rise of 30. One profile rising by 25 (83 %) is concentrated.
    expect(detectAnomaly(day(0, 70, [[P, 25]]), history(40), config)?.signals).toEqual([
      expect.objectContaining({ rule: 'concentrated', profile: P, profileShare: 0.833 }),
    ]);
    // The same rise spread over the fleet's usual profiles is not.
    expect(detectAnomaly(day(0, 70, [[Q, 30]]), history(40, 20), config)).toBeUndefined();
    // Nor a rise of 1.4 times.
    expect(detectAnomaly(day(0, 56, [[P, 16]]), history(40), config)).toBeUndefined();
  });

  test('quiet below the minimum rise and without a week of history', () => {
    // 3 → 15 is five times, but a rise of 12 installs: a small fleet's noise.
    expect(detectAnomaly(day(0, 15), history(3), config)).toBeUndefined();
    // A new deployment: six days of history are not a baseline.
    expect(detectAnomaly(day(0, 500), history(3).slice(0, 6), config)).toBeUndefined();
    expect(detectAnomaly(day(0, 500), history(3).slice(0, 7), config)).toBeDefined();
  });

  test('only the days before, within the baseline window, make the baseline', () => {
    const later = [day(1, 5000), day(2, 5000)];
    const old = Array.from({ length: 20 }, (_, i) => day(-(i + 20), 5000));
    expect(detectAnomaly(day(0, 130), [...history(40), ...later, ...old], config)?.signals).toEqual(
      [expect.objectContaining({ baseline: 40 })],
    );
  });

  test('active installs are watched too, and a day without the figures is skipped', () => {
    const flat = Array.from({ length: 14 }, (_, i) => day(-(i + 1), 10, [], 100));
    const anomaly = detectAnomaly(day(0, 10, [], 400), flat, config);
    expect(anomaly?.signals.map((s) => s.figure)).toEqual(['activeInstalls.d1']);
    const { established: _e, ...bare } = day(0, 10, [], 100);
    expect(detectAnomaly(bare, flat, config)).toBeUndefined();
  });
});
