// The accounting behind the guarantee every published day states (shared/privacy.ts), checked
// against the definitions written out here the slow way: a grid over the Rényi order α for the
// zCDP conversions, the discrete Gaussian summed term by term, the threshold found by walking up
// from 2. A conversion that found a worse α would state a weaker ε than the noise gives; one that
// found a better α than exists would promise more privacy than the figures have.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import {
  MECHANISM,
  assertPrivacyConfig,
  bucketThreshold,
  deltaAtEpsilon,
  detectionBound,
  detectionCurve,
  discreteGaussianTail,
  epsilonFromRho,
  privacyConfigProblems,
  rhoFromEpsilon,
} from '../../../shared/privacy.ts';
import { planFor, privacyParameters } from '../../../functions/src/privacy/publication/publish.ts';

/** α − 1 from 10⁻⁶ to 10⁶, 60,000 steps evenly spaced in log(α − 1). */
const ALPHAS = Array.from(
  { length: 60_001 },
  (_, i) => 1 + Math.exp(Math.log(1e-6) + (i / 60_000) * Math.log(1e12)),
);

/** ε of ρ-zCDP at δ by the conversion's formula, minimised over the grid of α. */
function gridEpsilon(rho: number, delta: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const alpha of ALPHAS) {
    const value =
      alpha * rho +
      (Math.log(1 / delta) + alpha * Math.log(1 - 1 / alpha) - Math.log(alpha - 1)) / (alpha - 1);
    best = Math.min(best, value);
  }
  return best;
}

/** δ of ρ-zCDP at ε by the conversion's formula, minimised over the grid of α, at most 1. */
function gridDelta(rho: number, epsilon: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const alpha of ALPHAS) {
    const log =
      (alpha - 1) * (alpha * rho - epsilon) - Math.log(alpha - 1) + alpha * Math.log(1 - 1 / alpha);
    best = Math.min(best, Math.exp(log));
  }
  return Math.min(1, best);
}

/** P(X ≥ m) for the discrete Gaussian, every term from −50σ − 50 to 50σ + 50 summed. */
function summedTail(sigma: number, m: number): number {
  const n = Math.ceil(50 * sigma) + 50;
  let total = 0;
  let tail = 0;
  for (let x = -n; x <= n; x += 1) {
    const w = Math.exp(-(x * x) / (2 * sigma * sigma));
    total += w;
    if (x >= m) tail += w;
  }
  return tail / total;
}

describe('the mechanism and the configuration', () => {
  test('each published day names its mechanism', () => {
    expect(MECHANISM).toBe('discrete-gaussian-zcdp');
    expect(privacyParameters(planFor(deploymentConfig)).mechanism).toBe('discrete-gaussian-zcdp');
  });

  test('an invalid configuration is refused with every problem named, in one message', () => {
    const bad = { ...deploymentConfig.privacy, epsilon: 0, delta: 0.5 };
    expect(privacyConfigProblems(bad)).toEqual([
      'privacy.epsilon: must be more than 0',
      'privacy.delta: must be at most 0.001: δ is the chance the guarantee fails outright',
    ]);
    expect(() => assertPrivacyConfig(bad)).toThrow(
      'invalid privacy configuration: privacy.epsilon: must be more than 0; privacy.delta: must be at most 0.001: δ is the chance the guarantee fails outright',
    );
    expect(() => assertPrivacyConfig(deploymentConfig.privacy)).not.toThrow();
  });
});

describe('zCDP to (ε, δ) and back', () => {
  test.each([
    [0.01, 1e-6],
    [0.2, 1e-6],
    [0.61, 5e-7],
    [1, 1e-3],
    [5, 1e-9],
    [40, 1e-6],
  ])(
    'ρ = %s, δ = %s: ε is the least the conversion allows, never above the classic bound',
    (rho, delta) => {
      const epsilon = epsilonFromRho(rho, delta);
      const grid = gridEpsilon(rho, delta);
      // The search finds the minimum the grid approaches from above.
      expect(epsilon).toBeLessThanOrEqual(grid * (1 + 1e-9));
      expect(epsilon).toBeGreaterThanOrEqual(grid * (1 - 1e-6));
      expect(epsilon).toBeLessThanOrEqual(rho + 2 * Math.sqrt(rho * Math.log(1 / delta)));
      // and back: the largest ρ that spends ε
      const back = rhoFromEpsilon(epsilon, delta);
      expect(back).toBeCloseTo(rho, 9);
      expect(epsilonFromRho(back, delta)).toBeLessThanOrEqual(epsilon);
      // the profile read at that ε gives δ back
      expect(deltaAtEpsilon(rho, epsilon) / delta).toBeCloseTo(1, 4);
    },
  );

  test('no noise needed, no privacy spent: ρ = 0 is ε = 0 and δ = 0 at every ε', () => {
    expect(epsilonFromRho(0, 1e-6)).toBe(0);
    expect(epsilonFromRho(-1, 1e-6)).toBe(0);
    expect(deltaAtEpsilon(0, 0)).toBe(0);
    expect(deltaAtEpsilon(0, 1)).toBe(0);
    expect(deltaAtEpsilon(-1, 0)).toBe(0);
    expect(rhoFromEpsilon(0, 1e-6)).toBe(0);
  });

  test.each([
    [0.05, 0.5],
    [0.61, 1],
    [0.61, 6],
    [1, 0],
    [2, 3],
    [10, 0.5],
  ])('ρ = %s: δ at ε = %s is the least the conversion allows, at most 1', (rho, epsilon) => {
    const delta = deltaAtEpsilon(rho, epsilon);
    const grid = gridDelta(rho, epsilon);
    expect(delta).toBeLessThanOrEqual(grid * (1 + 1e-9));
    expect(delta).toBeGreaterThanOrEqual(grid * (1 - 1e-5));
    expect(delta).toBeLessThanOrEqual(1);
  });

  test('a very large ρ guarantees nothing at a small ε: δ is capped at 1', () => {
    expect(deltaAtEpsilon(1000, 0.1)).toBe(1);
  });
});

describe('the detection bound', () => {
  /** The bound written from its definition over the same ε grid (0 to 20 in steps of 0.05). */
  function defined(rho: number, fpr: number, extra: number): number {
    let best = 1;
    for (let i = 0; i <= 400; i += 1) {
      const epsilon = i * 0.05;
      const delta = deltaAtEpsilon(rho, epsilon) + extra;
      best = Math.min(
        best,
        Math.exp(epsilon) * fpr + delta,
        1 - Math.exp(-epsilon) * (1 - fpr - delta),
      );
    }
    return Math.max(fpr, best);
  }

  test.each([
    [0.01, 0.05, 0],
    [0.61, 0.05, 0],
    [0.61, 0.05, 1e-6],
    [0.61, 0.01, 0.001],
    [2, 0.2, 0],
    [17, 0.05, 0], // 28 days of ρ = 0.61: the bound is set by a large ε of the grid
    [200, 0.05, 0],
  ])('ρ = %s, false positives %s, thresholds’ δ %s', (rho, fpr, extra) => {
    const expected = defined(rho, fpr, extra);
    expect(detectionBound(rho, fpr, extra)).toBeCloseTo(expected, 12);
    expect(detectionCurve(rho, extra)(fpr)).toBeCloseTo(expected, 12);
  });

  test('never below the false positive rate, never above 1; the thresholds’ δ adds to it', () => {
    expect(detectionBound(0, 0.05)).toBe(0.05);
    expect(detectionBound(1e4, 0.05)).toBe(1);
    const curve = detectionCurve(0.61);
    expect(curve(0.05)).toBeGreaterThan(0.05);
    expect(detectionBound(0.61, 0.05, 0.01)).toBeGreaterThan(curve(0.05));
    expect(detectionBound(0.61, 0.05)).toBe(curve(0.05));
  });
});

describe('the discrete Gaussian tail and the thresholds', () => {
  test.each([
    [0.5, 0],
    [0.5, 1],
    [0.5, -1],
    [1, 3],
    [3, 0],
    [3, 5],
    [3, -4],
    [5.54, 30],
    [28.89, 60],
    [28.89, -10],
    [0.3, 2],
  ])('σ = %s: P(X ≥ %d) as summed term by term', (sigma, m) => {
    const expected = summedTail(sigma, m);
    expect(discreteGaussianTail(sigma, m) / expected).toBeCloseTo(1, 10);
  });

  test('far above, nothing: the sums stop where the weights are 0 in floating point', () => {
    expect(discreteGaussianTail(1, 1000)).toBe(0);
    expect(discreteGaussianTail(3, 120)).toBe(0);
    expect(discreteGaussianTail(3, 80)).toBeGreaterThan(0);
  });

  test('from far below every value is reached: probability 1, not more', () => {
    expect(discreteGaussianTail(2, -1e6)).toBeCloseTo(1, 12);
    expect(discreteGaussianTail(2, -1e6)).toBeLessThanOrEqual(1);
    expect(discreteGaussianTail(0.5, -3)).toBeCloseTo(1, 12);
    expect(discreteGaussianTail(0.5, -3)).toBeLessThanOrEqual(1);
  });

  test.each([
    [0.3, 0.5],
    [0.5, 0.2],
    [1, 0.01],
    [1, 1e-9],
    [3, 1e-3],
    [5.54, 6.5e-9],
    [10, 1e-6],
    [28.89, 6.5e-9],
    // a δ no deployment uses: the threshold is still 2 at least
    [0.3, 0.999],
  ])(
    'σ = %s, δ per bucket %s: the smallest τ ≥ 2 whose lone install shows with chance ≤ δ',
    (sigma, delta) => {
      let tau = 2;
      while (summedTail(sigma, tau - 1) > delta * (1 + 1e-9)) tau += 1;
      expect(bucketThreshold(sigma, delta)).toBe(tau);
    },
  );
});
