// compareVersions is written out (no collator: its first use is a long task on a phone), so it
// must order every string a version shape allows exactly as the collator it replaces does.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compareVersions } from '../../../shared/days-query.ts';

const collator = (a: string, b: string) =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });
const sign = (n: number) => Math.sign(n) || 0;

const part = fc.oneof(
  fc.stringMatching(/^[0-9]{1,4}$/),
  fc.stringMatching(/^0[0-9]{0,2}$/),
  fc.stringMatching(/^[A-Za-z]{1,5}$/),
  fc.stringMatching(/^[0-9A-Za-z]{1,6}$/),
);
const versionLike = fc
  .tuple(
    fc.constantFrom('', 'v', 'V'),
    fc.array(fc.tuple(part, fc.constantFrom('.', '-', '_', '+', '~', '')), {
      minLength: 1,
      maxLength: 6,
    }),
  )
  .map(([prefix, parts]) => `${prefix}${parts.map(([p, sep]) => `${p}${sep}`).join('')}`);

test('orders version-shaped strings exactly as the numeric, case-blind collator', () => {
  fc.assert(
    fc.property(versionLike, versionLike, versionLike, (common, x, y) => {
      // Unrelated strings, and strings with a common start (where the order is decided late).
      for (const [a, b] of [
        [x, y],
        [`${common}${x}`, `${common}${y}`],
        [common, `${common}${y}`],
      ] as const) {
        expect(sign(compareVersions(a, b)), `${a} vs ${b}`).toBe(sign(collator(a, b)));
      }
    }),
    { numRuns: 3000 },
  );
  // Seconds of the collator on a busy machine: a generous ceiling, not a speed check.
}, 120_000);

test.each([
  ['1.10.0', '1.9.2'],
  ['1.6.0', '1.6.0-nightly.20261101'],
  ['1.01', '1.1'],
  ['other', '1.6.0'],
  ['unknown', 'other'],
  ['6.1.0-18-amd64', '6.1.0-9-amd64'],
  ['1.0é', '1.0e'],
  ['1 0', '1.0'],
])('%s against %s: as the collator', (a, b) => {
  expect(sign(compareVersions(a, b))).toBe(sign(collator(a, b)));
  expect(sign(compareVersions(b, a))).toBe(sign(collator(b, a)));
});

test('characters at the edges of digits, letters and punctuation: as the collator', () => {
  // The neighbours of 0–9, A–Z and a–z in ASCII, the version punctuation, and a few others.
  const chars = [
    '/',
    '0',
    '9',
    ':',
    '@',
    'A',
    'Z',
    '[',
    '`',
    'a',
    'z',
    '{',
    '_',
    '-',
    '.',
    '+',
    '~',
    ' ',
    'é',
  ];
  for (const c of chars) {
    for (const d of chars) {
      for (const [a, b] of [
        [`1${c}2`, `1${d}2`],
        [`v${c}`, `v${d}`],
        [`${c}1`, `${d}1`],
        [`1.0${c}`, '1.0'],
        [`2${c}${d}`, `2${d}`],
      ] as const) {
        expect(sign(compareVersions(a, b)), `${a} vs ${b}`).toBe(sign(collator(a, b)));
      }
    }
  }
});

test('a common start, then the rest decides; equal strings are equal', () => {
  expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
  expect(compareVersions('1.2', '1.2.3')).toBeLessThan(0);
  expect(compareVersions('1.2.3', '1.2')).toBeGreaterThan(0);
  expect(compareVersions('1.02', '1.2')).toBe(0);
  expect(compareVersions('10', '9')).toBeGreaterThan(0);
  expect(compareVersions('123', '124')).toBeLessThan(0);
  expect(compareVersions('124', '123')).toBeGreaterThan(0);
  expect(compareVersions('a', 'B')).toBeLessThan(0);
  expect(compareVersions('B', 'a')).toBeGreaterThan(0);
});
