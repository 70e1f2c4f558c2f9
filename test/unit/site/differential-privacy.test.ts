// What the privacy and data pages say about differentially private days: taken from the
// parameters the days were published with, with the guarantee over several days worked out.
import { describe, expect, test } from 'vitest';
import type { DayAggregate, PublicationPrivacy } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { epsilonFromRho } from '../../../shared/privacy.ts';
import { planFor, privacyParameters } from '../../../functions/src/privacy/publication/publish.ts';
import {
  aboutValue,
  countForMedianError,
  hiddenBelow,
  latestPrivacy,
  noiseRows,
  QUERY_LABELS,
  windowGuarantee,
} from '../../../site/src/lib/differential-privacy.ts';
import { overviewFigures } from '../../../site/src/lib/series.ts';
import { addDays } from '../../../shared/dates.ts';
import { emptySections } from '../../support/day-fixture.ts';

const privacy: PublicationPrivacy = privacyParameters(planFor(deploymentConfig));

function day(date: string, withPrivacy?: PublicationPrivacy): DayAggregate {
  return {
    day: date,
    final: true,
    activeInstalls: { d1: 1, d7: 1, d28: 1 },
    newInstalls: 0,
    optOuts: 0,
    events: {},
    ...emptySections(),
    ...(withPrivacy ? { privacy: withPrivacy } : {}),
    run: { computedAt: '2026-01-01T00:00:00.000Z', documentsRead: 0, documentsWritten: 0 },
  };
}

describe('differential privacy on the site', () => {
  test('the pages describe the latest day published with differential privacy, else none', () => {
    expect(latestPrivacy([day('2026-01-01'), day('2026-01-02')])).toBeUndefined();
    const older = { ...privacy, epsilon: 2 };
    expect(
      latestPrivacy([day('2026-01-03', privacy), day('2026-01-01', older), day('2026-01-04')])
        ?.epsilon,
    ).toBe(privacy.epsilon);
  });

  test('one day is the stated (ε, δ); T days add up ρ and δ', () => {
    const one = windowGuarantee(privacy, 1);
    expect(one.epsilon).toBeCloseTo(privacy.epsilon, 2);
    expect(one.delta).toBeCloseTo(privacy.delta, 12);
    expect(one.detection).toBeGreaterThan(0.05);
    // Tighter than what (ε, δ) alone allows a test wrong 5 % of the time, 1 − e^(−ε)·(0.95 − δ):
    // the day's whole privacy profile is used (ε = 8: about 59 % against 99.97 %).
    expect(one.detection).toBeLessThan(
      0.9 * (1 - Math.exp(-privacy.epsilon) * (0.95 - privacy.delta)),
    );
    const month = windowGuarantee(privacy, 28);
    expect(month.rho).toBeCloseTo(28 * privacy.rho, 6);
    expect(month.epsilon).toBeCloseTo(epsilonFromRho(28 * privacy.rho, privacy.delta / 2), 6);
    expect(month.delta).toBeCloseTo(privacy.delta / 2 + 14 * privacy.delta, 12);
    expect(month.detection).toBeGreaterThan(one.detection);
  });

  test('every published query has a plain name, a 95 % margin and, where buckets are chosen, a threshold', () => {
    const rows = noiseRows(privacy);
    expect(rows.map((r) => r.query).sort()).toEqual(Object.keys(privacy.noise).sort());
    for (const row of rows) {
      expect(QUERY_LABELS[row.query]).toBe(row.label);
      expect(row.margin).toBe(Math.ceil(2 * row.sigma));
    }
    expect(rows[0]?.query).toBe('activeInstalls');
    expect(rows.find((r) => r.query === 'breakdowns')?.threshold).toBeGreaterThan(1);
    expect(rows.find((r) => r.query === 'activeInstalls')?.threshold).toBeUndefined();
  });

  test('each figure states the count from which its median error is 2 %', () => {
    // Half of Gaussian draws lie within 0.6745σ: with σ = 4.44 a count of 150 is off by at most
    // 3 (2 %) half of the time; with σ = 10 it takes 338.
    expect(countForMedianError(4.44)).toBe(150);
    expect(countForMedianError(10)).toBe(338);
    expect(countForMedianError(10, 0.05)).toBe(135);
    for (const row of noiseRows(privacy))
      expect(row.twoPercentFrom).toBe(countForMedianError(row.sigma));
    const rows = noiseRows(privacy);
    const from = (query: string) => rows.find((r) => r.query === query)?.twoPercentFrom ?? 0;
    // One install counts in several counter values: they need more installs than a breakdown.
    expect(from('counters.values')).toBeGreaterThan(from('breakdowns'));
  });

  test.each([
    [1234, 4, 'about 1,234'],
    [1234, 40, 'about 1,230'],
    [123_456, 2900, 'about 123,000'],
  ])('%d with σ = %d reads “%s”', (value, sigma, text) => {
    expect(aboutValue(value, sigma)).toBe(text);
  });
});

describe('pages of days published with differential privacy', () => {
  const noisy = (sigma: number): PublicationPrivacy => ({
    ...privacy,
    noise: {
      ...privacy.noise,
      activeInstalls: { sigma },
      newInstalls: { sigma: sigma / 2 },
    },
  });

  test('the headline figures are "about" values rounded to their noise; exact days stay exact', () => {
    // d28 = 1000 + 10 i and newInstalls = i + 1 on 2026-10-01 + i: 1,390 on the last day, and
    // 742 new installs in its 28 days.
    const series = Array.from({ length: 40 }, (_, i) => ({
      ...day(addDays('2026-10-01', i)),
      activeInstalls: { d1: i, d7: i, d28: 1000 + 10 * i },
      newInstalls: i + 1,
    }));
    expect(overviewFigures(series)).toMatchObject({ activeValue: '1,390', newValue: '742' });
    // σ = 150 on d28: hundreds are all it can say; new installs: 75 × √28 ≈ 397, hundreds too.
    expect(overviewFigures(series.map((d) => ({ ...d, privacy: noisy(150) })))).toMatchObject({
      activeValue: 'about 1,400',
      newValue: 'about 700',
    });
    // The default noise (σ ≈ 4.4 on d28, ≈ 5 on a day's new installs) keeps the units, tens for
    // the 28-day sum of new installs.
    expect(overviewFigures(series.map((d) => ({ ...d, privacy })))).toMatchObject({
      activeValue: 'about 1,390',
      newValue: 'about 740',
    });
  });

  test('which values a page leaves out: the noisy threshold, or k for days before it', () => {
    const threshold = privacy.noise.breakdowns?.threshold;
    expect(threshold).toBeGreaterThan(5);
    expect(hiddenBelow(privacy, 'breakdowns', 5)).toBe(
      `a noisy count below about ${threshold} installs`,
    );
    expect(hiddenBelow(undefined, 'breakdowns', 5)).toBe('fewer than 5 installs');
  });
});
