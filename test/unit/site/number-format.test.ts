// The site writes numbers without Intl (its first use costs a phone a long task), so what it
// writes must be exactly what Intl.NumberFormat('en-US') writes for every option the site uses.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatNumber, type NumberStyle } from '../../../site/src/lib/number-format.ts';

const STYLES: { name: string; style: NumberStyle; intl: Intl.NumberFormatOptions }[] = [
  { name: 'counts', style: {}, intl: {} },
  { name: 'signed counts', style: { sign: 'exceptZero' }, intl: { signDisplay: 'exceptZero' } },
  { name: 'percent values', style: { maxFractionDigits: 2 }, intl: { maximumFractionDigits: 2 } },
  {
    name: 'shares',
    style: { percent: true, maxFractionDigits: 1 },
    intl: { style: 'percent', maximumFractionDigits: 1 },
  },
  {
    name: 'signed changes',
    style: { percent: true, maxFractionDigits: 1, sign: 'exceptZero' },
    intl: { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' },
  },
];

const numbers = fc.oneof(
  fc.integer({ min: -1e12, max: 1e12 }),
  fc.double({ min: -1e7, max: 1e7, noNaN: true }),
  fc.double({ min: -2, max: 2, noNaN: true }),
  // Halves and near-halves at every digit the styles round to.
  fc.integer({ min: -200_000, max: 200_000 }).map((n) => n / 2000),
  fc.integer({ min: -200_000, max: 200_000 }).map((n) => n / 20_000),
  fc.constantFrom(0, -0, 0.005, 0.0005, 0.00145, 0.285, 1.005, 99.995, 999.9995, 1e-7, 1e21, 2e22),
);

describe.each(STYLES)('$name', ({ style, intl }) => {
  const reference = new Intl.NumberFormat('en-US', intl);
  test('the same text as Intl.NumberFormat for any number', () => {
    fc.assert(
      fc.property(numbers, (value) => {
        expect(formatNumber(value, style)).toBe(reference.format(value));
      }),
      { numRuns: 5000 },
    );
  });

  test.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'and for %d',
    (value) => {
      expect(formatNumber(value, style)).toBe(reference.format(value));
    },
  );
});
