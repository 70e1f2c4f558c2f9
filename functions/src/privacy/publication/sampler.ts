/**
 * Exact samplers for the discrete Gaussian, after Canonne, Kamath & Steinke, "The Discrete
 * Gaussian for Differential Privacy" (2020), Algorithms 1–3. Every step is integer or rational
 * arithmetic on uniform bits, so no floating-point rounding shapes the noise (the side channel
 * Mironov showed in floating-point Laplace samplers).
 */
import type { RandomBits } from './prf.ts';

/** A non-negative rational number `n / d` (d > 0). */
export interface Rational {
  n: bigint;
  d: bigint;
}

/** Bernoulli(n / d) for 0 ≤ n / d ≤ 1. */
export function bernoulli(random: RandomBits, p: Rational): boolean {
  return random.below(p.d) < p.n;
}

/** Bernoulli(exp(−γ)) for a rational γ ≥ 0 (CKS20 Algorithm 1). */
export function bernoulliExp(random: RandomBits, gamma: Rational): boolean {
  let { n } = gamma;
  const { d } = gamma;
  // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)): one trial per whole unit, then the fraction.
  while (n > d) {
    if (!bernoulliExpAtMostOne(random, { n: 1n, d: 1n })) return false;
    n -= d;
  }
  return bernoulliExpAtMostOne(random, { n, d });
}

/** Bernoulli(exp(−γ)) for 0 ≤ γ ≤ 1: the parity of the first K with Bernoulli(γ/K) = 0. */
function bernoulliExpAtMostOne(random: RandomBits, gamma: Rational): boolean {
  let k = 1n;
  while (bernoulli(random, { n: gamma.n, d: gamma.d * k })) k += 1n;
  return k % 2n === 1n;
}

/** Discrete Laplace with integer scale t: P(x) ∝ exp(−|x| / t) (CKS20 Algorithm 2). */
export function discreteLaplace(random: RandomBits, t: bigint): bigint {
  for (;;) {
    const u = random.below(t);
    if (!bernoulliExp(random, { n: u, d: t })) continue;
    let v = 0n;
    while (bernoulliExp(random, { n: 1n, d: 1n })) v += 1n;
    const x = u + t * v;
    const negative = random.bits(1) === 1n;
    if (negative && x === 0n) continue;
    return negative ? -x : x;
  }
}

/** Discrete Gaussian with variance parameter σ² (rational): P(x) ∝ exp(−x² / 2σ²) (CKS20 Algorithm 3). */
export function discreteGaussian(random: RandomBits, sigma2: Rational): bigint {
  const { n: s, d: q } = sigma2;
  if (s === 0n) return 0n;
  // t = ⌊√⌊σ²⌋⌋ + 1 (CKS20's ⌊σ⌋ + 1) only sets the scale of the proposal: the result is exact for
  // any t ≥ 1. Floating-point √ is exact here below 2⁵², far beyond any σ² of a plan.
  const t = BigInt(Math.floor(Math.sqrt(Number(s / q)))) + 1n;
  for (;;) {
    const y = discreteLaplace(random, t);
    // Stryker disable next-line EqualityOperator: equivalent; −0 and 0 are the same bigint
    const abs = y < 0n ? -y : y;
    // γ = (|y| − σ²/t)² / (2σ²) = (|y|·q·t − s)² / (2·s·q·t²)
    const diff = abs * q * t - s;
    if (bernoulliExp(random, { n: diff * diff, d: 2n * s * q * t * t })) return y;
  }
}

/** Bits after the binary point kept when σ² is made rational: 2⁻²⁰ is far below any σ² used. */
const SIGMA2_FRACTION_BITS = 20n;

/** σ² as a rational, rounded up: a larger variance only adds privacy, so the accounting holds. */
export function sigmaSquared(sigma: number): Rational {
  if (!(Number.isFinite(sigma) && sigma >= 0)) throw new Error(`invalid noise scale ${sigma}`);
  const d = 1n << SIGMA2_FRACTION_BITS;
  // + 1 covers the rounding of the floating-point product itself.
  const n = BigInt(Math.ceil(sigma * sigma * Number(d))) + 1n;
  return { n, d };
}
