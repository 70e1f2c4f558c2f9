// The exact samplers draw what they claim: the discrete Gaussian's frequencies match its
// probabilities, Bernoulli(exp(−γ)) comes up as often as exp(−γ) says, and the bit stream is a
// function of its seed alone.
// Many draws per test: each describe allows a minute on a busy machine.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { RandomBits } from '../../../../functions/src/privacy/publication/prf.ts';
import {
  bernoulliExp,
  discreteGaussian,
  discreteLaplace,
  sigmaSquared,
} from '../../../../functions/src/privacy/publication/sampler.ts';

const stream = (label: string) =>
  new RandomBits(createHash('sha256').update(`sampler-test:${label}`).digest());

describe('RandomBits', { timeout: 60_000 }, () => {
  test('the same seed gives the same bits, another seed other bits', () => {
    const a = stream('a');
    const b = stream('a');
    const c = stream('c');
    const take = (r: RandomBits) => Array.from({ length: 20 }, () => r.bits(37));
    const fromA = take(a);
    expect(take(b)).toEqual(fromA);
    expect(take(c)).not.toEqual(fromA);
  });

  test('below(n) is uniform over 0 … n−1 (chi-square, 7 values, 70,000 draws)', () => {
    const random = stream('uniform');
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i += 1) {
      const v = Number(random.below(7n));
      counts[v] = (counts[v] ?? 0) + 1;
    }
    const chi = counts.reduce((sum, c) => sum + (c - 10_000) ** 2 / 10_000, 0);
    // 6 degrees of freedom: P(χ² > 22.46) = 0.001.
    expect(chi).toBeLessThan(22.46);
  });
});

describe('Bernoulli(exp(−γ))', { timeout: 60_000 }, () => {
  test.each([
    [0.25, 1n, 4n],
    [1, 1n, 1n],
    [2.7, 27n, 10n],
  ])(
    'γ = %s comes up with frequency exp(−γ) (20,000 trials, within 4 standard errors)',
    (gamma, n, d) => {
      const random = stream(`bernoulli-${gamma}`);
      const trials = 20_000;
      let hits = 0;
      for (let i = 0; i < trials; i += 1) if (bernoulliExp(random, { n, d })) hits += 1;
      const p = Math.exp(-gamma);
      const se = Math.sqrt((p * (1 - p)) / trials);
      expect(Math.abs(hits / trials - p)).toBeLessThan(4 * se);
    },
  );
});

describe('discrete Laplace and Gaussian', { timeout: 60_000 }, () => {
  test('discrete Laplace with scale t has E|X| = 2e^(−1/t) / (1 − e^(−2/t)) (t = 3)', () => {
    const random = stream('laplace');
    const t = 3;
    const trials = 20_000;
    let sum = 0;
    for (let i = 0; i < trials; i += 1) sum += Math.abs(Number(discreteLaplace(random, 3n)));
    const q = Math.exp(-1 / t);
    const expected = (2 * q) / (1 - q * q);
    expect(Math.abs(sum / trials - expected)).toBeLessThan(0.05 * expected);
  });

  test.each([0.8, 3, 12.5])(
    'N_Z(0, σ²) with σ = %s: frequencies match exp(−x²/2σ²)/Z (chi-square over 30,000 draws)',
    (sigma) => {
      const random = stream(`gauss-${sigma}`);
      const sigma2 = sigmaSquared(sigma);
      const trials = 30_000;
      const counts = new Map<number, number>();
      for (let i = 0; i < trials; i += 1) {
        const x = Number(discreteGaussian(random, sigma2));
        counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      const weight = (x: number) => Math.exp(-(x * x) / (2 * sigma * sigma));
      let z = 0;
      for (let x = -Math.ceil(20 * sigma); x <= Math.ceil(20 * sigma); x += 1) z += weight(x);
      // Cells of expected count ≥ 50, the tails pooled into one cell.
      let chi = 0;
      let cells = 0;
      let pooledExpected = trials;
      let pooledSeen = trials;
      for (let x = -Math.ceil(20 * sigma); x <= Math.ceil(20 * sigma); x += 1) {
        const expected = (trials * weight(x)) / z;
        if (expected < 50) continue;
        const seen = counts.get(x) ?? 0;
        chi += (seen - expected) ** 2 / expected;
        cells += 1;
        pooledExpected -= expected;
        pooledSeen -= seen;
      }
      if (pooledExpected > 1) chi += (pooledSeen - pooledExpected) ** 2 / pooledExpected;
      // χ² with `cells` degrees of freedom stays below mean + 5 standard deviations.
      expect(chi).toBeLessThan(cells + 5 * Math.sqrt(2 * cells));
      const mean = [...counts].reduce((s, [x, c]) => s + x * c, 0) / trials;
      expect(Math.abs(mean)).toBeLessThan((4 * sigma) / Math.sqrt(trials));
    },
  );

  test('σ² is rounded up, never down', () => {
    for (const sigma of [0.3, 1, 4.42, 17.69, 2889.07]) {
      const { n, d } = sigmaSquared(sigma);
      expect(Number(n) / Number(d)).toBeGreaterThanOrEqual(sigma * sigma);
      expect(Number(n) / Number(d) - sigma * sigma).toBeLessThan(1e-5 * Math.max(1, sigma * sigma));
    }
    expect(() => sigmaSquared(Number.NaN)).toThrow(/invalid noise scale/);
  });
});
