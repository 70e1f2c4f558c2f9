// The counters' consistency step: no value has more installs than its group, and no group more
// than the day's active installs. It is post-processing of noisy figures, so it must be the
// weighted least-squares projection it claims to be: never further from any true figures that
// respect the rule, and the best such fit of the noisy ones.
import { describe, expect, test } from 'vitest';
import { capPartsByGroup } from '../../../../functions/src/privacy/publication/consistency.ts';

/** A small deterministic generator (numbers in [0, 1)), so the property runs are reproducible. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A standard normal draw (Box–Muller). */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** The weighted squared distance the projection minimises. */
function distance(
  group: number,
  parts: readonly number[],
  toGroup: number,
  toParts: readonly number[],
  groupVariance: number,
  partVariance: number,
): number {
  return (
    (group - toGroup) ** 2 / groupVariance +
    parts.reduce((sum, p, i) => sum + (p - (toParts[i] ?? 0)) ** 2, 0) / partVariance
  );
}

describe('capPartsByGroup', () => {
  test('figures that already agree are left as they are', () => {
    expect(capPartsByGroup(100, [90, 100, 3], 1, 4)).toEqual({ group: 100, parts: [90, 100, 3] });
  });

  test('a part above its group meets it at the mean weighted by the inverse variances', () => {
    // (100/1 + 110/4) / (1/1 + 1/4) = 102: the group is less noisy, so it moves less.
    expect(capPartsByGroup(100, [110, 50], 1, 4)).toEqual({ group: 102, parts: [102, 50] });
  });

  test('only the parts still above the pooled level join it', () => {
    // 130 pulls the level to 115; 101 is then below it and stays.
    expect(capPartsByGroup(100, [101, 130, 90], 1, 1)).toEqual({
      group: 115,
      parts: [101, 115, 90],
    });
  });

  test('the cap (the day’s active installs) bounds the group and with it every part', () => {
    expect(capPartsByGroup(100, [110, 99], 1, 4, 101)).toEqual({ group: 101, parts: [101, 99] });
    expect(capPartsByGroup(120, [90], 1, 4, 110)).toEqual({ group: 110, parts: [90] });
  });

  test('it is the best fit: no figures that respect the rule are closer to the noisy ones', () => {
    const rand = generator(7);
    for (let trial = 0; trial < 60; trial += 1) {
      const group = 50 + 100 * rand();
      const parts = Array.from({ length: 1 + Math.floor(6 * rand()) }, () => 40 + 130 * rand());
      const [gv, pv] = [1 + 50 * rand(), 1 + 150 * rand()];
      const cap = rand() < 0.5 ? Number.POSITIVE_INFINITY : 60 + 100 * rand();
      const fit = capPartsByGroup(group, parts, gv, pv, cap);
      expect(fit.group).toBeLessThanOrEqual(cap);
      for (const p of fit.parts) expect(p).toBeLessThanOrEqual(fit.group + 1e-9);
      const best = distance(fit.group, fit.parts, group, parts, gv, pv);
      // Every feasible group level on a fine grid, with its best parts (each part at most it).
      for (let g = 0; g <= Math.min(cap, 200); g += 0.5) {
        const capped = parts.map((p) => Math.min(p, g));
        expect(best).toBeLessThanOrEqual(distance(g, capped, group, parts, gv, pv) + 1e-9);
      }
    }
  });

  test('it never moves noisy figures further from true ones that respect the rule', () => {
    const rand = generator(11);
    for (let trial = 0; trial < 500; trial += 1) {
      const d1 = 150 + Math.floor(100 * rand());
      const trueGroup = Math.floor(d1 * (0.5 + 0.5 * rand()));
      // Many values are reported by every install of their group: the case the rule helps most.
      const trueParts = Array.from({ length: 1 + Math.floor(5 * rand()) }, () =>
        rand() < 0.5 ? trueGroup : Math.floor(trueGroup * rand()),
      );
      const [gs, ps] = [6.4, 10.5];
      const group = trueGroup + gs * normal(rand);
      const parts = trueParts.map((p) => p + ps * normal(rand));
      const fit = capPartsByGroup(group, parts, gs ** 2, ps ** 2, d1);
      expect(
        distance(fit.group, fit.parts, trueGroup, trueParts, gs ** 2, ps ** 2),
      ).toBeLessThanOrEqual(distance(group, parts, trueGroup, trueParts, gs ** 2, ps ** 2) + 1e-9);
    }
  });
});
