// Post-processing of noisy numbers as a reader sees them: non-negative integers, parts that add up
// to their published total (the rest is "other"), and d1 ≤ d7 ≤ d28. Each rule at its boundaries.
import { describe, expect, test } from 'vitest';
import {
  count,
  fitUnderTotal,
  nonDecreasing,
  roundToTotal,
} from '../../../../functions/src/privacy/publication/consistency.ts';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe('fitUnderTotal: the shown parts of a published total', () => {
  test.each([
    ['exactly the total: kept as they are', [10, 14], 24, [10, 14]],
    ['one under the total: kept, the 1 left is "other"', [10, 13], 24, [10, 13]],
    ['one over the total: the largest remainder loses it', [10, 15], 24, [10, 14]],
    ['over by 1, three equal parts: ties lose by position', [10, 10, 10], 29, [10, 10, 9]],
    ['over by 6, three equal parts: lowered evenly', [10, 10, 10], 24, [8, 8, 8]],
    ['small parts reach 0 first, the rest lowered evenly', [50, 2, 40], 60, [35, 0, 25]],
    ['noisy values are rounded half up, negatives clamped at 0', [-0.4, 0.5, 2.5], 10, [0, 1, 3]],
    ['negatives count as 0 against the total', [-7, 5, 5], 10, [0, 5, 5]],
    ['one part above the total takes all of it', [30], 12, [12]],
    ['a total of 0', [5, 5], 0, [0, 0]],
    ['no parts', [], 7, []],
  ])('%s', (_name, values, total, expected) => {
    const fitted = fitUnderTotal(values, total);
    expect(fitted).toEqual(expected);
    expect(sum(fitted)).toBeLessThanOrEqual(total);
  });

  test('large counts: the fitted parts add up to the total exactly', () => {
    const fitted = fitUnderTotal([400_006, 250_006, 350_006, 2], 1_000_000);
    expect(sum(fitted)).toBe(1_000_000);
    expect(fitted).toEqual([400_000, 250_000, 350_000, 0]);
  });
});

describe('roundToTotal: integers that add up to the total, by largest remainder', () => {
  test.each([
    ['integers already adding up', [1, 2], 3, [1, 2]],
    ['one left: the largest remainder', [0.2, 0.7, 1.1], 2, [0, 1, 1]],
    ['two left: the two largest remainders', [0.6, 0.9, 0.5], 2, [1, 1, 0]],
    ['equal remainders: the earlier first', [0.5, 0.5, 0.5], 1, [1, 0, 0]],
    ['equal remainders, two left', [1.5, 1.5, 1.5], 5, [2, 2, 1]],
    ['nothing left after the floors', [2.9, 0.1], 2, [2, 0]],
  ])('%s', (_name, values, total, expected) => {
    expect(roundToTotal(values, total)).toEqual(expected);
  });
});

describe('nonDecreasing: d1 ≤ d7 ≤ d28 as published', () => {
  test.each([
    [[], []],
    [[5], [5]],
    [
      [5, 7, 9],
      [5, 7, 9],
    ],
    [
      [7, 7, 7],
      [7, 7, 7],
    ],
    [
      [10, 8, 30],
      [9, 9, 30],
    ],
    [
      [9, 5, 1],
      [5, 5, 5],
    ],
    [
      [1, 9, 5, 7],
      [1, 7, 7, 7],
    ],
    [
      [3, 10, 2],
      [3, 6, 6],
    ],
    [
      [20, 10, 12],
      [14, 14, 14],
    ],
    // The pooled block is pooled again with the one before it.
    [
      [7, 10, 1],
      [6, 6, 6],
    ],
    [
      [1, 7, 10, 1],
      [1, 6, 6, 6],
    ],
  ])('%j → %j', (values, expected) => {
    expect(nonDecreasing(values)).toEqual(expected);
  });
});

describe('count: a noisy number as published', () => {
  test.each([
    [-3, 0],
    [-0.6, 0],
    [-0.4, 0],
    [0, 0],
    [0.49, 0],
    [0.5, 1],
    [2.5, 3],
    [41.7, 42],
  ])('%f → %i', (value, expected) => {
    expect(count(value)).toBe(expected);
  });
});
