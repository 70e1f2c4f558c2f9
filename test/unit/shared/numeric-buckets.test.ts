// The buckets numeric attributes are published in (shared/numeric-buckets.ts): the label a value
// is counted under is what a reader sees on the Attributes page, and the order of the labels is
// the order of the bars; a label of the wrong bucket would count an install under another value.
import { describe, expect, test } from 'vitest';
import { numericBucketsSchema } from '../../../shared/figures.ts';
import {
  bucketLabels,
  bucketOf,
  compareNumericLabels,
  type NumericBuckets,
} from '../../../shared/numeric-buckets.ts';

const ranges = (...from: number[]): NumericBuckets => ({ kind: 'ranges', from });
const powers = (min: number, max: number): NumericBuckets => ({ kind: 'power-of-two', min, max });

describe('range labels', () => {
  test.each([
    // whole bounds one apart name one value, further apart the range of whole values
    [ranges(1, 2, 4), ['<1', '1', '2–3', '4+']],
    // a fractional bound on either side: "from to <next"
    [ranges(1, 2.5), ['<1', '1 to <2.5', '2.5+']],
    [ranges(0.5, 2), ['<0.5', '0.5 to <2', '2+']],
    [ranges(0.5, 1.5), ['<0.5', '0.5 to <1.5', '1.5+']],
    // a bound written as a sum of fractions is shown as the number it means
    [ranges(0.1 + 0.2), ['<0.3', '0.3+']],
    [ranges(8), ['<8', '8+']],
  ])('%o: %o', (buckets, labels) => {
    expect(bucketLabels(buckets)).toEqual(labels);
    // each label is the bucket of its own lower bound
    if (buckets.kind === 'ranges')
      buckets.from.forEach((lo, i) => expect(bucketOf(lo, buckets)).toBe(labels[i + 1]));
  });

  test.each([
    [0.99, '<1'],
    [1, '1'],
    [1.5, '1'],
    [1.99, '1'],
    [2, '2–3'],
    [3.99, '2–3'],
    [4, '4+'],
    [1e9, '4+'],
    [-5, '<1'],
  ])('ranges 1, 2, 4: %d counts as %s', (value, label) => {
    expect(bucketOf(value, ranges(1, 2, 4))).toBe(label);
  });
});

describe('power-of-two labels', () => {
  test('powers between bounds that are not powers themselves, and a max that is one', () => {
    expect(bucketLabels(powers(3, 20))).toEqual(['<3', '4', '8', '16', '>20']);
    expect(bucketLabels(powers(0.25, 16))).toEqual([
      '<0.25',
      '0.25',
      '0.5',
      '1',
      '2',
      '4',
      '8',
      '16',
      '>16',
    ]);
    expect(bucketLabels(powers(4, 4))).toEqual(['<4', '4', '>4']);
  });

  test.each([
    [0, '<1'],
    [-3, '<1'],
    [Number.NaN, '<1'], // a value that is no number is below every bucket, not a bucket "NaN"
    [0.72, '1'], // log2 0.72 = −0.47: rounds to 1, the smallest bucket
    [0.7, '<1'], // log2 0.7 = −0.51: rounds to 0.5, below the smallest bucket
    [1.4, '1'],
    [1.5, '2'],
    [700, '512'],
    [800, '1024'],
    [1024, '1024'],
    [1400, '1024'],
    [1500, '>1024'],
    [Number.POSITIVE_INFINITY, '>1024'],
  ])('1 to 1024: %d counts as %s', (value, label) => {
    expect(bucketOf(value, powers(1, 1024))).toBe(label);
  });

  test('at most 64 powers of two: a configuration asking for more is refused', () => {
    // 2^-24 … 2^39: 64 powers, accepted; one more below, refused (and the list stops growing
    // after 65, so a tiny min cannot make the check endless).
    expect(bucketLabels(powers(2 ** -24, 2 ** 39))).toHaveLength(66);
    expect(numericBucketsSchema.safeParse(powers(2 ** -24, 2 ** 39)).success).toBe(true);
    expect(bucketLabels(powers(2 ** -25, 2 ** 39))).toHaveLength(67);
    expect(numericBucketsSchema.safeParse(powers(2 ** -25, 2 ** 39)).success).toBe(false);
    expect(bucketLabels(powers(1e-300, 1e12))).toHaveLength(67);
    expect(numericBucketsSchema.safeParse(powers(1e-300, 1e12)).success).toBe(false);
  });
});

describe('the order of numeric labels', () => {
  const sorted = (labels: string[]) => [...labels].sort(compareNumericLabels);

  test.each([
    // by number, not by text
    [
      ['10', '9', '100'],
      ['9', '10', '100'],
    ],
    // "<n" just below n, ">n" and "n+" just above, "n" between
    [
      ['>1024', '1024', '<1024', '512'],
      ['512', '<1024', '1024', '>1024'],
    ],
    [
      ['32+', '32', '<32', '31.9'],
      ['31.9', '<32', '32', '32+'],
    ],
    // fractions count: 1.5 lies between 1+ and 2
    [
      ['2', '1.5', '1+', '1'],
      ['1', '1+', '1.5', '2'],
    ],
    [
      ['1.3+', '1.35', '1.3'],
      ['1.3', '1.3+', '1.35'],
    ],
    [
      ['1.25', '1.3'],
      ['1.25', '1.3'],
    ],
    // negative numbers
    [
      ['1', '-3', '-5'],
      ['-5', '-3', '1'],
    ],
    // ranges by their first number
    [
      ['8–15', '16–31', '2–3', '0.5 to <1.5'],
      ['0.5 to <1.5', '2–3', '8–15', '16–31'],
    ],
    // a label that does not begin with a number comes after every number, in text order
    [
      ['v1', '2', 'other', 'unknown'],
      ['2', 'other', 'unknown', 'v1'],
    ],
    // even one whose text sorts before digits
    [
      ['(none)', '10', '2'],
      ['2', '10', '(none)'],
    ],
    // "n+" after everything that is n
    [
      ['32+', '32x', '32'],
      ['32', '32x', '32+'],
    ],
    [
      ['b', '10', 'a', '9'],
      ['9', '10', 'a', 'b'],
    ],
    // the same number twice: by text
    [
      ['2.0', '2'],
      ['2', '2.0'],
    ],
  ])('%o sorts as %o', (labels, expected) => {
    expect(sorted(labels)).toEqual(expected);
    expect(sorted([...labels].reverse())).toEqual(expected);
  });

  test('a label is equal only to itself', () => {
    expect(compareNumericLabels('4', '4')).toBe(0);
    expect(compareNumericLabels('other', 'other')).toBe(0);
    expect(compareNumericLabels('4', 'other')).toBeLessThan(0);
    expect(compareNumericLabels('other', '4')).toBeGreaterThan(0);
  });
});
