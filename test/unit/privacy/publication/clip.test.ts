// Contribution bounding on exact inputs: what one install may add to a day's figures, the rule the
// noise is calibrated to. Each boundary of the water filling is pinned (a count equal to the level,
// counts that fill the bound exactly, a bound of 0), and which values an install keeps is its own:
// the same on every rerun, different from one install to the next. The statistical checks of the
// pick's fairness are in bounding.test.ts.
import { describe, expect, test } from 'vitest';
import {
  boundValues,
  clipCounters,
  clipEventCounts,
  clipSignatureEvents,
  clipTotal,
} from '../../../../functions/src/privacy/publication/clip.ts';
import { installId } from '../../../support/publication.ts';

type Entries = [string, number][];
const entries = (counts: Record<string, number>): Entries => Object.entries(counts);
const SALTS = Array.from({ length: 40 }, (_, i) => installId(`clip-${i}`));

describe('clipTotal: at most the bound in all, the largest give way first', () => {
  test.each<[string, Record<string, number>, number, Record<string, number>]>([
    ['within the bound: unchanged', { a: 2, b: 1 }, 4, { a: 2, b: 1 }],
    ['filling the bound exactly: unchanged', { a: 2, b: 2 }, 4, { a: 2, b: 2 }],
    ['one over the bound: the largest gives one', { a: 3, b: 2 }, 4, { a: 2, b: 2 }],
    // Level 1 with one left over: a (at the level) keeps its 1, b takes the one left, c stays.
    ['a count at the level gets nothing extra', { a: 1, b: 5, c: 5 }, 4, { a: 1, b: 2, c: 1 }],
    ['the level fills the bound exactly', { a: 1, b: 9 }, 4, { a: 1, b: 3 }],
    ['one large count, small ones exact', { a: 1000, b: 7, c: 3 }, 100, { a: 90, b: 7, c: 3 }],
    ['a bound of 0 keeps nothing', { a: 3, b: 1 }, 0, { a: 0, b: 0 }],
    ['negative counts are 0, fractions floored', { a: -2, b: 3.9, c: 6 }, 5, { a: 0, b: 3, c: 2 }],
  ])('%s', (_name, counts, bound, expected) => {
    const clipped = clipTotal(entries(counts), bound);
    expect(Object.fromEntries(clipped)).toEqual(expected);
    // In the given order, and never more than a count had.
    expect(clipped.map(([key]) => key)).toEqual(Object.keys(counts));
    expect(clipped.reduce((sum, [, n]) => sum + n, 0)).toBeLessThanOrEqual(bound);
  });

  test('nothing to clip', () => {
    expect(clipTotal([], 4)).toEqual([]);
  });
});

describe('clipEventCounts: the event types one install sent, at most the bound in all', () => {
  test.each<[string, Record<string, number>, number, Record<string, number>]>([
    [
      'types sent with 0 stay, types not sent stay absent',
      { crash: 0, heartbeat: 2 },
      4,
      { crash: 0, heartbeat: 2 },
    ],
    // Level 1, one left: it goes to the type that comes first (heartbeat before report).
    [
      'over the bound: the remainder in the order of the types',
      { report: 5, heartbeat: 5 },
      3,
      { heartbeat: 2, report: 1 },
    ],
  ])('%s', (_name, counts, bound, expected) => {
    expect(clipEventCounts(counts, bound)).toEqual(expected);
  });
});

describe('boundValues: at most the limit of an install’s values, picked by the install', () => {
  const values = Array.from({ length: 12 }, (_, i) => `v${String(i).padStart(2, '0')}`);

  test('at or under the limit: every value once, in order', () => {
    expect(boundValues(['b', 'a', 'b', 'c'], 3, SALTS[0] ?? '')).toEqual(['a', 'b', 'c']);
    expect(boundValues(['b', 'a'], 8, SALTS[0] ?? '')).toEqual(['a', 'b']);
  });

  test('over the limit: exactly the limit, in order, the same whatever the order sent', () => {
    for (const salt of SALTS.slice(0, 5)) {
      const kept = boundValues(values, 5, salt);
      expect(kept).toHaveLength(5);
      expect(kept).toEqual([...kept].sort());
      for (const v of kept) expect(values).toContain(v);
      expect(boundValues([...values].reverse().concat(values), 5, salt)).toEqual(kept);
    }
  });

  test('which values are kept depends on the install, and every value can be', () => {
    const picks = SALTS.map((salt) => boundValues(values, 3, salt).join(','));
    expect(new Set(picks).size).toBeGreaterThan(10);
    const seen = new Set(picks.flatMap((p) => p.split(',')));
    expect([...seen].sort()).toEqual(values);
  });
});

describe('clipCounters: groups first, then values, each count clipped', () => {
  /** Six groups of two values, each counted once. */
  const counters = Object.fromEntries(
    ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].flatMap((g) => [
      [`${g}.a`, 1],
      [`${g}.b`, 1],
    ]),
  );
  const groupsOf = (kept: Record<string, number>) =>
    [...new Set(Object.keys(kept).map((key) => key.split('.')[0]))].sort();

  test('each count at most the clip; negatives 0, fractions floored', () => {
    expect(
      clipCounters({ 'os.linux': 150, 'os.bsd': -3, 'ports.22': 2.9 }, 100, 16, 4, 's'),
    ).toEqual({ 'os.linux': 100, 'os.bsd': 0, 'ports.22': 2 });
  });

  test('at most maxGroups groups, with all their values when the values allow', () => {
    for (const salt of SALTS.slice(0, 5)) {
      const kept = clipCounters(counters, 100, 16, 2, salt);
      expect(groupsOf(kept)).toHaveLength(2);
      expect(Object.keys(kept)).toHaveLength(4);
    }
  });

  test('at most maxValues values, all of the kept groups', () => {
    for (const salt of SALTS.slice(0, 5)) {
      const kept = clipCounters(counters, 100, 3, 2, salt);
      expect(Object.keys(kept)).toHaveLength(3);
      expect(groupsOf(kept).length).toBeLessThanOrEqual(2);
    }
  });

  test('the groups kept depend on the install, and a value counts in its group only', () => {
    const picks = SALTS.map((salt) => groupsOf(clipCounters(counters, 100, 16, 2, salt)).join());
    expect(new Set(picks).size).toBeGreaterThan(5);
    // A value named like another group's counts in the group before its first dot.
    const dotted = clipCounters({ 'a.b.c': 1, 'b.x': 1, 'b.y': 1 }, 100, 16, 1, SALTS[0] ?? '');
    expect([['a.b.c'], ['b.x', 'b.y']]).toContainEqual(Object.keys(dotted).sort());
  });
});

describe('clipSignatureEvents: at most the limit of signatures, their events within the bound', () => {
  test('events water-filled under the bound', () => {
    expect(clipSignatureEvents({ a: 5, b: 1, c: 2 }, 3, 8, 's')).toEqual({ a: 1, b: 1, c: 1 });
    expect(clipSignatureEvents({ a: 5, b: 1 }, 9, 8, 's')).toEqual({ a: 5, b: 1 });
  });

  test('at most the limit of signatures, each with its events', () => {
    for (const salt of SALTS.slice(0, 5)) {
      const kept = clipSignatureEvents({ a: 1, b: 2, c: 3, d: 4 }, 100, 2, salt);
      expect(Object.keys(kept)).toHaveLength(2);
      for (const [s, n] of Object.entries(kept)) expect(n).toBe({ a: 1, b: 2, c: 3, d: 4 }[s]);
    }
  });
});
