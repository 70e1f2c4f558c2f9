// dayOf remembers the last day it formatted; whatever order moments come in, each gets its own
// UTC day, exactly as formatting it afresh would give.
import { describe, expect, test } from 'vitest';
import { dayOf } from '../../../shared/dates.ts';

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

  test('an invalid time still throws', () => {
    expect(() => dayOf(Number.NaN)).toThrow(RangeError);
  });
});
