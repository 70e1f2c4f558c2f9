// The accounting that states the guarantee: zCDP ↔ (ε, δ) conversions against the exact privacy
// profile of the Gaussian mechanism, thresholds against the exact discrete Gaussian tail, and
// the validation of a deployment's privacy parameters.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../../shared/config.ts';
import {
  bucketThreshold,
  deltaAtEpsilon,
  detectionBound,
  discreteGaussianTail,
  epsilonFromRho,
  privacyConfigProblems,
  rhoFromEpsilon,
} from '../../../../shared/privacy.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import { configWith } from '../../../support/publication.ts';

/** Φ, the standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, error < 1.5e-7). */
function phi(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** The exact δ(ε) of the Gaussian mechanism with Δ/σ = μ (Balle & Wang 2018). */
function gaussianDelta(mu: number, epsilon: number): number {
  return phi(-epsilon / mu + mu / 2) - Math.exp(epsilon) * phi(-epsilon / mu - mu / 2);
}

describe('zCDP conversions', () => {
  test.each([0.05, 0.25, 0.61, 1, 3])(
    'ρ = %s: δ(ε) of the conversion is never below the Gaussian mechanism’s exact δ(ε), and not far above',
    (rho) => {
      const mu = Math.sqrt(2 * rho);
      for (const epsilon of [0.5, 1, 2, 4, 6, 8]) {
        const exact = gaussianDelta(mu, epsilon);
        // Φ here is good to 1.5e-7: compare where the exact δ is well above that.
        if (exact < 1e-5) continue;
        const stated = deltaAtEpsilon(rho, epsilon);
        expect(stated).toBeGreaterThanOrEqual(exact * 0.999);
        expect(stated).toBeLessThan(exact * 50);
      }
    },
  );

  test('ε(ρ, δ) is at most the classic ρ + 2√(ρ ln 1/δ), increasing in ρ, and inverted by rhoFromEpsilon', () => {
    let previous = 0;
    for (const rho of [0.01, 0.1, 0.3, 0.61, 1, 2]) {
      const epsilon = epsilonFromRho(rho, 1e-6);
      expect(epsilon).toBeLessThanOrEqual(rho + 2 * Math.sqrt(rho * Math.log(1e6)));
      expect(epsilon).toBeGreaterThan(previous);
      previous = epsilon;
      expect(rhoFromEpsilon(epsilon, 1e-6)).toBeCloseTo(rho, 4);
      // The same conversion read the other way round.
      expect(deltaAtEpsilon(rho, epsilon)).toBeCloseTo(1e-6, 7);
    }
  });

  test('the detection bound lies between the false positive rate and 1, and grows with ρ', () => {
    expect(detectionBound(0, 0.05)).toBeCloseTo(0.05, 6);
    const small = detectionBound(0.1, 0.05);
    const large = detectionBound(1, 0.05);
    expect(small).toBeGreaterThan(0.05);
    expect(large).toBeGreaterThan(small);
    expect(detectionBound(50, 0.05)).toBeLessThanOrEqual(1);
    // ρ = 0.61 (a day at ε = 6): an attacker wrong 5 % of the time detects an install at most
    // about 29 % of the time — the Gaussian trade-off Φ(Φ⁻¹(0.05) + √(2ρ)) plus the conversion's slack.
    const day = detectionBound(0.61, 0.05);
    expect(day).toBeGreaterThan(phi(-1.645 + Math.sqrt(1.22)));
    expect(day).toBeLessThan(0.45);
  });
});

describe('bucket thresholds', () => {
  test('the discrete Gaussian tail is a probability: 1 from far below, ½ + P(0)/2 from 0, symmetric', () => {
    expect(discreteGaussianTail(3, -1000)).toBeCloseTo(1, 12);
    const p0 = 1 - discreteGaussianTail(3, 1) - discreteGaussianTail(3, 1);
    expect(discreteGaussianTail(3, 0)).toBeCloseTo(discreteGaussianTail(3, 1) + p0, 12);
  });

  test.each([
    [1, 1e-9],
    [5.54, 6.5e-9],
    [28.89, 6.5e-9],
  ])('σ = %s, δ per bucket %s: the smallest τ with P(X ≥ τ − 1) ≤ δ', (sigma, delta) => {
    const tau = bucketThreshold(sigma, delta);
    expect(discreteGaussianTail(sigma, tau - 1)).toBeLessThanOrEqual(delta);
    expect(discreteGaussianTail(sigma, tau - 2)).toBeGreaterThan(delta);
  });

  test('the day’s thresholds add up to δ/2 at most over every bucket one install can create', () => {
    const plan = planPublication(deploymentConfig);
    let total = 0;
    for (const spec of plan.specs) {
      const noise = plan.queries.get(spec.id);
      if (spec.newBuckets === undefined || !noise?.threshold) continue;
      total += spec.newBuckets * discreteGaussianTail(noise.sigma, noise.threshold - 1);
    }
    expect(total).toBeLessThanOrEqual(plan.deltaThresholds);
    expect(plan.deltaNoise + plan.deltaThresholds).toBeCloseTo(deploymentConfig.privacy.delta, 15);
    expect(epsilonFromRho(plan.rho, plan.deltaNoise)).toBeCloseTo(
      deploymentConfig.privacy.epsilon,
      6,
    );
  });

  test('the queries spend exactly the day’s ρ', () => {
    const plan = planPublication(deploymentConfig);
    const spent = [...plan.queries.values()].reduce((sum, q) => sum + q.rho, 0);
    expect(spent).toBeCloseTo(plan.rho, 10);
    for (const spec of plan.specs) {
      const q = plan.queries.get(spec.id);
      expect(q && spec.sensitivity ** 2 / (2 * q.sigma ** 2)).toBeCloseTo(q?.rho ?? -1, 10);
    }
  });

  test.each([
    // [groups, values] bound → the groups' Δ and the group buckets one install alone creates
    [4, 16, 2, 4],
    [16, 16, 4, 16],
    // More groups allowed than values: an install still has at most as many groups as values.
    [32, 9, 3, 9],
  ])(
    'counter groups: %d groups and %d values per install → Δ = %d, %d new buckets',
    (counterGroupsPerInstall, counterValuesPerInstall, delta, buckets) => {
      const plan = planPublication(
        configWith({ counterGroupsPerInstall, counterValuesPerInstall }),
      );
      const groups = plan.specs.find((s) => s.id === 'counters.groups');
      expect(groups?.sensitivity).toBeCloseTo(delta, 12);
      expect(groups?.newBuckets).toBe(buckets);
      const values = plan.specs.find((s) => s.id === 'counters.values');
      expect(values?.sensitivity).toBeCloseTo(Math.sqrt(counterValuesPerInstall), 12);
    },
  );

  test('counters take their shares: a group count, which also bounds its values, is the least noisy', () => {
    const plan = planPublication(deploymentConfig);
    const sigma = (id: string) => plan.queries.get(id)?.sigma ?? Number.NaN;
    // Groups Δ 2 on 4 shares, values Δ 4 on 4 shares, modules Δ √8 on 3, a breakdown Δ 1 on 1:
    // σ ∝ Δ/√shares.
    expect(sigma('counters.groups') / sigma('breakdowns.version')).toBeCloseTo(2 / Math.sqrt(4), 6);
    expect(sigma('counters.values') / sigma('breakdowns.version')).toBeCloseTo(4 / Math.sqrt(4), 6);
    expect(sigma('breakdowns.module') / sigma('breakdowns.version')).toBeCloseTo(
      Math.sqrt(8) / Math.sqrt(3),
      6,
    );
    expect(sigma('counters.groups')).toBeLessThan(sigma('counters.values'));
  });
});

describe('privacy configuration', () => {
  test('the configured values (homecall.config.ts) are valid', () => {
    expect(privacyConfigProblems(deploymentConfig.privacy)).toEqual([]);
  });

  test.each([0.01, 0.5, 0.99, false as const])(
    'smoothingAlpha %o is accepted',
    (smoothingAlpha) => {
      expect(privacyConfigProblems({ ...deploymentConfig.privacy, smoothingAlpha })).toEqual([]);
    },
  );

  test.each([
    [{ epsilon: 0 }, /privacy\.epsilon: must be more than 0/],
    [{ epsilon: Number.NaN }, /epsilon/],
    [{ epsilon: 80 }, /privacy\.epsilon: must be at most 50/],
    [{ delta: 0 }, /privacy\.delta: must be more than 0/],
    [{ delta: 0.01 }, /privacy\.delta: must be at most 0\.001/],
    [{ eventClip: 0 }, /privacy\.eventClip: /],
    [{ eventClip: 2.5 }, /eventClip/],
    [{ counterClip: -1 }, /counterClip/],
    [{ valuesPerInstall: 0 }, /valuesPerInstall/],
    [{ counterValuesPerInstall: 501 }, /counterValuesPerInstall/],
    [{ counterGroupsPerInstall: 0 }, /counterGroupsPerInstall/],
    [{ smoothingAlpha: 0 }, /privacy\.smoothingAlpha: must be more than 0 \(or false/],
    [{ smoothingAlpha: 1 }, /privacy\.smoothingAlpha: must be less than 1: 1 is no smoothing/],
    [{ smoothingAlpha: true as unknown as false }, /smoothingAlpha/],
  ])('%o is refused with a clear message', (change, message) => {
    const problems = privacyConfigProblems({ ...deploymentConfig.privacy, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(() => planPublication(configWith(change))).toThrow(/invalid privacy configuration/);
  });
});
