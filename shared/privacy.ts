/**
 * The differential-privacy accounting that turns a deployment's parameters into the guarantee
 * stated on the privacy page, and the check of those parameters.
 * The parameters themselves are set in homecall.config.ts (`privacy`, validated by
 * shared/config-schema.ts); this is pure arithmetic on them, used by the functions, the
 * aggregation and the site.
 *
 * Accounting is in zero-concentrated differential privacy (zCDP, Bun & Steinke 2016): the
 * discrete Gaussian mechanism with L2 sensitivity Δ and variance σ² is Δ²/(2σ²)-zCDP
 * (Canonne, Kamath & Steinke 2020), and zCDP composes by adding ρ.
 */
import { privacySchema, type PrivacyConfig } from './config-schema.ts';

/** The name of the mechanism, as each published day states it. */
export const MECHANISM = 'discrete-gaussian-zcdp';

/**
 * How far today's noisy value may stray from the day before's published one, in standard
 * deviations of their difference when nothing changed, and still be read as noise. Beyond it the
 * excess is change, and is published as it is: the blend corrects at most (1 − α) · LAG_BOUND of
 * those deviations, so a figure that jumps (a release adopted overnight, a fleet that arrives in a
 * day) is published at most that far from its own noisy value instead of (1 − α) of the jump low.
 * Three deviations: noise alone goes beyond them on 0.3 % of days. Smoothing over time
 * (functions/src/privacy/publication/smoothing.ts) applies it; the privacy page states it.
 */
export const LAG_BOUND = 3;

/**
 * Every problem with a privacy configuration, in words (the rules of the configuration's zod
 * schema); empty when it is valid. For settings built in code (the bench's ε sweep, tests).
 */
export function privacyConfigProblems(config: PrivacyConfig): string[] {
  const parsed = privacySchema.safeParse(config);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    // Stryker disable next-line StringLiteral: equivalent; every privacy setting is top level, so a path holds one name at most
    const field = issue.path.map(String).join('.');
    return `privacy.${field}: ${issue.message}`;
  });
}

/** Throws one error naming every problem of an invalid privacy configuration. */
export function assertPrivacyConfig(config: PrivacyConfig): void {
  const problems = privacyConfigProblems(config);
  if (problems.length > 0) throw new Error(`invalid privacy configuration: ${problems.join('; ')}`);
}

/**
 * The smallest ε for which ρ-zCDP gives (ε, δ)-DP, by the conversion of Canonne, Kamath &
 * Steinke (2020, Prop. 12 / Cor. 13):
 *   ε = inf over α > 1 of  αρ + (ln(1/δ) + α·ln(1 − 1/α) − ln(α − 1)) / (α − 1).
 * Tighter than the classic ε = ρ + 2·√(ρ·ln(1/δ)), which it never exceeds.
 */
export function epsilonFromRho(rho: number, delta: number): number {
  if (rho <= 0) return 0;
  const at = (alpha: number) =>
    alpha * rho +
    (Math.log(1 / delta) + alpha * Math.log(1 - 1 / alpha) - Math.log(alpha - 1)) / (alpha - 1);
  const classic = rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
  return Math.min(at(bestAlpha(at)), classic);
}

/**
 * The α > 1 where `f` is least, for the conversions' functions of α (convex): a golden-section
 * search on log(α − 1) between 10⁻⁶ and 10⁶.
 */
function bestAlpha(f: (alpha: number) => number): number {
  let lo = Math.log(1e-6);
  let hi = Math.log(1e6);
  const phi = (Math.sqrt(5) - 1) / 2;
  // Stryker disable next-line EqualityOperator: equivalent; after 200 steps the bracket is below a float's resolution, so a 201st changes nothing
  for (let i = 0; i < 200; i += 1) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    // Stryker disable next-line EqualityOperator: equivalent; on a tie the least value of a convex function lies between a and b, which either choice keeps
    if (f(1 + Math.exp(a)) < f(1 + Math.exp(b))) hi = b;
    else lo = a;
  }
  return 1 + Math.exp((lo + hi) / 2);
}

/** The largest ρ whose zCDP guarantee converts to (ε, δ)-DP: the inverse of epsilonFromRho. */
export function rhoFromEpsilon(epsilon: number, delta: number): number {
  let lo = 0;
  let hi = epsilon;
  // Stryker disable next-line EqualityOperator: equivalent; after 200 halvings the bracket is below a float's resolution, so a 201st changes nothing
  for (let i = 0; i < 200; i += 1) {
    const mid = (lo + hi) / 2;
    // Stryker disable next-line EqualityOperator: equivalent; a mid that spends exactly ε leaves the largest such ρ within the bracket either way
    if (epsilonFromRho(mid, delta) <= epsilon) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The privacy profile of ρ-zCDP: the smallest δ it guarantees at a given ε (same conversion,
 * solved for δ): δ(ε) = inf over α > 1 of exp((α − 1)(αρ − ε)) / (α − 1) · (1 − 1/α)^α, capped at 1.
 */
export function deltaAtEpsilon(rho: number, epsilon: number): number {
  if (rho <= 0) return 0;
  const logAt = (alpha: number) =>
    (alpha - 1) * (alpha * rho - epsilon) - Math.log(alpha - 1) + alpha * Math.log(1 - 1 / alpha);
  return Math.min(1, Math.exp(logAt(bestAlpha(logAt))));
}

/**
 * The largest chance that a hypothesis test on the published figures detects one install (true
 * positive rate) while wrongly accusing at most `falsePositiveRate` of the time, under
 * (ε, δ(ε))-DP for every ε of the profile of ρ-zCDP, plus `extraDelta` (the thresholds):
 * TPR ≤ min over ε of e^ε·FPR + δ(ε) + extraDelta, and 1 − FPR ≥ e^(−ε)·(1 − TPR − δ(ε) − extraDelta).
 */
export function detectionBound(rho: number, falsePositiveRate: number, extraDelta = 0): number {
  return detectionCurve(rho, extraDelta)(falsePositiveRate);
}

/** detectionBound as a function of the false positive rate, with the privacy profile computed once. */
export function detectionCurve(rho: number, extraDelta = 0): (falsePositiveRate: number) => number {
  const profile = Array.from({ length: 401 }, (_, i) => {
    const epsilon = i * 0.05;
    return { epsilon, delta: deltaAtEpsilon(rho, epsilon) + extraDelta };
  });
  return (fpr) => {
    let best = 1;
    for (const { epsilon, delta } of profile) {
      const first = Math.exp(epsilon) * fpr + delta;
      const second = 1 - Math.exp(-epsilon) * (1 - fpr - delta);
      best = Math.min(best, first, second);
    }
    return Math.max(fpr, best);
  };
}

/**
 * P(X ≥ m) for X drawn from the discrete Gaussian N_Z(0, σ²), P(x) ∝ exp(−x²/2σ²), summed
 * directly (it is data-independent arithmetic on the configuration, so floating point is fine).
 */
export function discreteGaussianTail(sigma: number, m: number): number {
  const weight = (x: number) => Math.exp(-(x * x) / (2 * sigma * sigma));
  // From 40σ on a weight is exp(−800) or less: 0 in floating point, so the sums stop there.
  const end = Math.ceil(40 * sigma);
  let total = weight(0);
  // Stryker disable next-line EqualityOperator: equivalent; weight(end) is 0
  for (let x = 1; x <= end; x += 1) total += 2 * weight(x);
  let tail = 0;
  // Stryker disable next-line EqualityOperator: equivalent; weight(end) is 0
  for (let x = Math.max(m, -end); x <= end; x += 1) tail += weight(x);
  return Math.min(1, tail / total);
}

/**
 * The smallest noisy count τ with which a bucket may appear so that a bucket one install alone
 * creates (exact count 1) appears with probability P(1 + X ≥ τ) = P(X ≥ τ − 1) ≤ `deltaPerBucket`.
 */
export function bucketThreshold(sigma: number, deltaPerBucket: number): number {
  // The walks below end on that τ from any start (never below 2: a lone install's bucket never
  // shows at its own count); the start only saves steps. The subgaussian bound
  // exp(−(τ−1)²/2σ²) ≤ δ is safe, and the exact tail allows a step or two less.
  // Stryker disable next-line MethodExpression,ArithmeticOperator: equivalent; only where the walks start
  let tau = Math.max(2, Math.ceil(sigma * Math.sqrt(2 * Math.log(1 / deltaPerBucket))));
  while (tau > 2) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent; a walk down too far or too short is made up by the walk up
    if (discreteGaussianTail(sigma, tau - 2) > deltaPerBucket) break;
    tau -= 1;
  }
  // Stryker disable next-line EqualityOperator: equivalent; a tail of exactly δ (a tie of two floats) does not occur
  while (discreteGaussianTail(sigma, tau - 1) > deltaPerBucket) tau += 1;
  return tau;
}
