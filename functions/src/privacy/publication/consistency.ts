/**
 * Post-processing of noisy figures: non-negative integers, parts that add up to their published
 * total, windows that nest. It only reads numbers that are already noisy, so it costs no privacy.
 */

/**
 * Non-negative integers closest (least squares) to `values` whose sum is at most `total`: when the
 * clamped values exceed the total, each is lowered by the same λ (never below 0) so that they sum
 * to it, and the integer parts are restored by largest remainder.
 */
export function fitUnderTotal(values: readonly number[], total: number): number[] {
  const clamped = values.map((v) => Math.max(0, Math.round(v)));
  const sum = clamped.reduce((a, b) => a + b, 0);
  // Stryker disable next-line EqualityOperator: equivalent; at sum = total the search below finds λ = 0
  if (sum <= total) return clamped;
  // Find λ with Σ max(0, v − λ) = total: the sum is continuous and decreasing in λ.
  let lo = 0;
  let hi = Math.max(...clamped);
  // Stryker disable next-line EqualityOperator: equivalent; one more halving of a converged interval
  for (let i = 0; i < 100; i += 1) {
    const mid = (lo + hi) / 2;
    const s = clamped.reduce((a, v) => a + Math.max(0, v - mid), 0);
    // Stryker disable next-line EqualityOperator: equivalent; the sum is strictly decreasing at λ, ties have measure 0
    if (s > total) lo = mid;
    else hi = mid;
  }
  const real = clamped.map((v) => Math.max(0, v - hi));
  return roundToTotal(real, Math.max(0, total));
}

/** Integers from non-negative reals that sum to `total` (largest remainder; ties by position). */
export function roundToTotal(values: readonly number[], total: number): number[] {
  const floors = values.map((v) => Math.floor(v));
  let left = total - floors.reduce((a, b) => a + b, 0);
  // The sort is stable: equal remainders stay in position order.
  const order = values
    .map((v, i) => ({ i, rest: v - Math.floor(v) }))
    .sort((a, b) => b.rest - a.rest);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    left -= 1;
  }
  return floors;
}

/**
 * The non-decreasing sequence closest (least squares) to `values`, by pool-adjacent-violators:
 * d1 ≤ d7 ≤ d28 must hold in what is published, as it does in what is counted.
 */
export function nonDecreasing(values: readonly number[]): number[] {
  const blocks: { sum: number; size: number }[] = [];
  for (const v of values) {
    blocks.push({ sum: v, size: 1 });
    for (;;) {
      const last = blocks.at(-1);
      const before = blocks.at(-2);
      // Stryker disable next-line EqualityOperator: equivalent; pooling two blocks of equal means changes no value
      if (!last || !before || before.sum / before.size <= last.sum / last.size) break;
      blocks.pop();
      before.sum += last.sum;
      before.size += last.size;
    }
  }
  return blocks.flatMap((b) => Array.from({ length: b.size }, () => b.sum / b.size));
}

/** A noisy count as published: a non-negative integer. */
export function count(value: number): number {
  return Math.max(0, Math.round(value));
}

/**
 * A group's count and its parts' counts, each of which can be at most the group's, moved to the
 * closest (least squares, each weighted by the inverse of its noise variance) figures that
 * respect it: parts above the group's count come down and the group's count goes up to meet them,
 * in proportion to how much noise each carries. A projection onto a convex set that holds the
 * true figures never moves the noisy ones further from them (in that weighted distance).
 */
export function capPartsByGroup(
  group: number,
  parts: readonly number[],
  groupVariance: number,
  partVariance: number,
  cap = Number.POSITIVE_INFINITY,
): { group: number; parts: number[] } {
  const wg = 1 / groupVariance;
  const wp = 1 / partVariance;
  const above = [...parts].sort((a, b) => b - a);
  let level = group;
  let weighted = wg * group;
  let weight = wg;
  // Add the parts from the largest down while the largest left still exceeds the pooled level.
  for (const part of above) {
    // Stryker disable next-line EqualityOperator: equivalent; pooling a part equal to the level leaves the level as it is
    if (part <= level) break;
    weighted += wp * part;
    weight += wp;
    level = weighted / weight;
  }
  // The objective is convex in the group's count, so under a cap its best is the capped level.
  level = Math.min(level, cap);
  return { group: level, parts: parts.map((p) => Math.min(p, level)) };
}
