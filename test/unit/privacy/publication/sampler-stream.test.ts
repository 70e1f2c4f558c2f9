// The noise a seed draws is fixed for good. A day is re-aggregated whenever late events arrive
// or the job is re-run, and its noise comes from a seed of the day's data: if an upgrade of the
// samplers changed what a seed draws, an unchanged day would be published a second time with
// independent noise, and averaging the two versions would halve its variance. These vectors
// were recorded from the samplers as released; a change to them is a change of every published
// number and must be a deliberate one (then record them again).
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
  new RandomBits(createHash('sha256').update(`sampler-golden:${label}`).digest());

const draws = <T>(n: number, draw: () => T): T[] => Array.from({ length: n }, draw);

describe('σ² as the exact rational the noise is drawn with (rounded up)', () => {
  test.each([
    [0, 1n],
    [0.3, 94_373n],
    [1, 1_048_577n],
    [4.42, 20_485_402n],
    [17.69, 328_137_285n],
    [2889.07, 8_752_176_001_084n],
  ])('σ = %f → %i / 2²⁰', (sigma, n) => {
    expect(sigmaSquared(sigma)).toEqual({ n, d: 1_048_576n });
  });

  test.each([-0.001, -1, Number.NaN, Number.POSITIVE_INFINITY])('σ = %f is refused', (sigma) => {
    expect(() => sigmaSquared(sigma)).toThrow(`invalid noise scale ${sigma}`);
  });
});

describe('what a seed draws', () => {
  test.each([
    [0.8, [1, 1, 1, -1, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]],
    [3, [-2, 8, -3, -4, -2, 0, 3, -3, -4, -1, -3, -2, -3, -1, 0, -1]],
    [12.5, [-12, 14, -5, 5, -8, -1, 6, -7, -19, 23, 5, 29, -3, 7, -14, -32]],
    [
      2889.07,
      [
        -2077, 2495, 176, 5130, 2868, -873, -7456, 1256, -3515, -1502, 1684, -1040, 1355, 3061,
        -1308, 3298,
      ],
    ],
  ])('discrete Gaussian, σ = %f', (sigma, expected) => {
    const random = stream(`gauss-${sigma}`);
    const sigma2 = sigmaSquared(sigma);
    expect(draws(16, () => Number(discreteGaussian(random, sigma2)))).toEqual(expected);
  });

  test('σ² = 0 draws 0 and uses no bits of the stream', () => {
    const random = stream('zero');
    expect(draws(8, () => Number(discreteGaussian(random, { n: 0n, d: 1n })))).toEqual(
      new Array(8).fill(0),
    );
    expect(random.bits(32)).toBe(stream('zero').bits(32));
  });

  test.each([
    [1n, [0, 1, 0, 0, 1, 0, 1, -1, 1, 0, 1, 0, 2, 0, 0, -1]],
    [3n, [4, 0, -3, -6, -1, -4, 0, 3, 0, 0, -7, 6, 1, -1, -3, -7]],
    [40n, [-9, 39, -91, 11, 77, 31, -56, -22, -47, -77, -13, 20, 264, -38, -13, 5]],
  ])('discrete Laplace, t = %i', (t, expected) => {
    const random = stream(`laplace-${t}`);
    expect(draws(16, () => Number(discreteLaplace(random, t)))).toEqual(expected);
  });

  test.each([
    [0n, 1n, '1111111111111111111111111111111111111111111111111111111111111111'],
    [1n, 4n, '0111011110111011111111111111111101111101011110110111111100011111'],
    [1n, 1n, '0111000000001100001100110100010111010000000000110010000011000010'],
    [27n, 10n, '0000000000000000000000000000000001000010000100000000010010000001'],
    // Whole units of γ written over a denominator: each unit is one trial of exp(−1).
    [3n, 3n, '1011001101000010000111001001111000010000100100100111101100100011'],
    [6n, 3n, '1000100100000000000000000000011000000000000000000000100101000000'],
  ])('Bernoulli(exp(−%i/%i))', (n, d, expected) => {
    const random = stream(`bexp-${n}/${d}`);
    expect(draws(64, () => (bernoulliExp(random, { n, d }) ? '1' : '0')).join('')).toBe(expected);
  });
});
