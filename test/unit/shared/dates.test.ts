// dayOf remembers the last day it formatted; whatever order moments come in, each gets its own
// UTC day, exactly as formatting it afresh would give.
import { describe, expect, test } from 'vitest';
import {
  addDays,
  DAY_MS,
  dayOf,
  dayRange,
  daysBetween,
  isDay,
  monthsBetween,
  startOfDay,
} from '../../../shared/dates.ts';

const fresh = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('dayOf', () => {
  test('the last and first millisecond of a day, in either order', () => {
    const midnight = Date.parse('2026-11-22T00:00:00.000Z');
    expect(dayOf(midnight - 1)).toBe('2026-11-21');
    expect(dayOf(midnight)).toBe('2026-11-22');
    expect(dayOf(midnight - 1)).toBe('2026-11-21');
    expect(dayOf(midnight + 86_399_999)).toBe('2026-11-22');
    expect(dayOf(midnight + 86_400_000)).toBe('2026-11-23');
  });

  test('moments before 1970 and Date objects', () => {
    expect(dayOf(-1)).toBe('1969-12-31');
    expect(dayOf(0)).toBe('1970-01-01');
    expect(dayOf(new Date('2024-02-29T23:59:59Z'))).toBe('2024-02-29');
  });

  test('agrees with formatting afresh over many moments in random order', () => {
    const start = Date.parse('2025-12-30T00:00:00Z');
    for (let i = 0; i < 5_000; i += 1) {
      const ms = start + Math.floor(Math.random() * 5 * 86_400_000) - 86_400_000;
      expect(dayOf(ms)).toBe(fresh(ms));
    }
  });

  test('the day remembered covers its own moments only, not a day far back', () => {
    expect(dayOf(0)).toBe('1970-01-01');
    const farBack = -(86_400_000 ** 2) + 1; // about 234,000 years back
    expect(dayOf(farBack)).toBe(fresh(farBack));
    expect(dayOf(0)).toBe('1970-01-01');
  });

  test('an invalid time still throws', () => {
    expect(() => dayOf(Number.NaN)).toThrow(RangeError);
  });
});

// The day arithmetic every stored day, query range and month document is named by: a wrong day
// here files an event under another day or drops a day from a published range.
describe('isDay', () => {
  test.each([
    ['2026-11-28', true],
    ['2024-02-29', true], // a leap day
    ['2025-02-29', false], // not a leap year
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-04-31', false],
    ['2026-11-28T00:00:00Z', false], // a time is not a day
    [' 2026-11-28', false],
    ['2026-11-28 ', false],
    ['x2026-11-28', false],
    ['2026-11-28x', false],
    ['26-11-28', false],
    ['2026-1-28', false],
    ['2026-11-8', false],
    ['20261-11-28', false],
    ['2026/11/28', false],
    ['yyyy-mm-dd', false],
    ['', false],
  ])('%o is a day: %s', (value, expected) => {
    expect(isDay(value)).toBe(expected);
  });
});

describe('day arithmetic', () => {
  test('startOfDay is midnight UTC', () => {
    expect(startOfDay('2026-11-28')).toBe(Date.UTC(2026, 10, 28));
    expect(startOfDay('1970-01-01')).toBe(0);
    expect(DAY_MS).toBe(24 * 60 * 60 * 1000);
  });

  test.each([
    ['2026-11-28', 1, '2026-11-29'],
    ['2026-11-28', 0, '2026-11-28'],
    ['2026-11-28', -1, '2026-11-27'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-11-28', -89, '2026-08-31'],
  ])('%s plus %d days is %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });

  test.each([
    ['2026-11-28', '2026-11-28', 0],
    ['2026-11-28', '2026-11-29', 1],
    ['2026-11-29', '2026-11-28', -1],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-03-28', '2026-03-30', 2], // over the change to summer time in Europe: UTC has none
  ])('from %s to %s: %d days', (from, to, expected) => {
    expect(daysBetween(from, to)).toBe(expected);
  });

  test('dayRange lists both ends and every day between, in order', () => {
    expect(dayRange('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(dayRange('2026-11-28', '2026-11-28')).toEqual(['2026-11-28']);
    expect(dayRange('2026-11-29', '2026-11-28')).toEqual([]);
  });

  test.each([
    ['2026-11-28', '2026-11-28', ['2026-11']],
    ['2026-11-30', '2026-12-01', ['2026-11', '2026-12']],
    ['2026-10-15', '2027-02-01', ['2026-10', '2026-11', '2026-12', '2027-01', '2027-02']],
    ['2026-12-01', '2026-11-30', []],
  ])('months from %s to %s', (from, to, expected) => {
    expect(monthsBetween(from, to)).toEqual(expected);
  });

  test('a whole year of months, each once, January after December', () => {
    const months = monthsBetween('2025-12-31', '2027-01-01');
    expect(months).toHaveLength(14);
    expect(months[0]).toBe('2025-12');
    expect(months[1]).toBe('2026-01');
    expect(months[12]).toBe('2026-12');
    expect(months[13]).toBe('2027-01');
  });
});
