// A day's exact tallies as shards compute them, the merge adds them and pages store them: adding
// two shards must give the tallies of all their installs, field by field, and the stored text
// must read back as it was written — the publication draws its noise from exactly these numbers.
import { describe, expect, test } from 'vitest';
import {
  addId,
  tally,
  toContributors,
  type Tally,
} from '../../../functions/src/aggregate/digest.ts';
import {
  addExact,
  emptyExact,
  emptyScreening,
  exactFromJson,
  exactToJson,
  hold,
  holdFailure,
  type ExactDay,
} from '../../../functions/src/aggregate/exact.ts';
import { installId } from '../../support/publication.ts';

const DAY = '2026-05-02';

const tallyOf = (members: readonly string[]): Tally => {
  const t = tally();
  for (const name of members) addId(t, installId(name));
  return t;
};

/**
 * A day whose every tally holds `members` and every number is `n` times a figure of its own,
 * under the keys `keys` — so that adding two such days is the day of both.
 */
function dayOf(members: readonly string[], n: number, keys: readonly string[] = ['k']): ExactDay {
  const day = emptyExact(DAY);
  const t = () => tallyOf(members);
  day.events.set('heartbeat', 2 * n);
  day.events.set('crash', 3 * n);
  day.d1 = t();
  day.d7 = t();
  day.d28 = t();
  day.newInstalls = t();
  day.reports = 5 * n;
  for (const key of keys) {
    day.breakdowns.set(`os-${key}`, new Map([[key, t()]]));
    day.upgrades.set(`1.0\u0000${key}`, t());
    day.versions.set(key, { active: t(), crashed: t(), crashEvents: 7 * n, fatalEvents: 11 * n });
    day.signatures.set(key, { installs: t(), events: 13 * n });
    day.installFailures.set(key, t());
    day.counters.set(key, {
      installs: t(),
      values: new Map([[key, { installs: t(), sum: 17 * n }]]),
    });
    day.screening.held.set('quarantined', { installs: t(), reports: 19 * n });
    day.screening.newProfiles.set(key, t());
    day.screening.establishedProfiles.set(key, t());
    day.screening.failures.set(key, t());
  }
  day.screening.pendingD1 = t();
  day.screening.pendingD28 = t();
  day.screening.newlyEstablished = t();
  day.screening.proven = t();
  return day;
}

describe('adding shards', () => {
  test('two shards of different installs add up to the day of all of them, in every field', () => {
    const into = dayOf(['a', 'b'], 1);
    addExact(into, dayOf(['c'], 2));
    expect(exactToJson(into)).toBe(exactToJson(dayOf(['a', 'b', 'c'], 3)));
  });

  test('keys only one shard has are created', () => {
    const into = dayOf(['a'], 1, ['x']);
    addExact(into, dayOf(['a'], 1, ['y']));
    const both = dayOf(['a'], 1, ['x', 'y']);
    // Every keyed tally as in a day with both keys; the unkeyed ones counted twice.
    expect([...into.versions.keys()].sort()).toEqual(['x', 'y']);
    const json = JSON.parse(exactToJson(into)) as Record<string, unknown>;
    const expected = JSON.parse(exactToJson(both)) as Record<string, unknown>;
    for (const field of [
      'breakdowns',
      'upgrades',
      'versions',
      'signatures',
      'installFailures',
      'counters',
    ])
      expect(json[field]).toEqual(expected[field]);
    expect(into.screening.newProfiles.size).toBe(2);
    expect(into.screening.held.get('quarantined')?.reports).toBe(38);
  });

  test('the provisional tallies of a version add up too, created when missing', () => {
    const into = emptyExact(DAY);
    into.provisional.set('1.0', dayOf(['a'], 1));
    const from = emptyExact(DAY);
    from.provisional.set('1.0', dayOf(['b'], 1));
    from.provisional.set('2.0', dayOf(['c'], 4));
    addExact(into, from);
    expect(exactToJson(into.provisional.get('1.0') as ExactDay)).toBe(
      exactToJson(dayOf(['a', 'b'], 2)),
    );
    expect(exactToJson(into.provisional.get('2.0') as ExactDay)).toBe(exactToJson(dayOf(['c'], 4)));
  });
});

describe('the stored text', () => {
  test('reads back as it was written, provisional days included', () => {
    const day = dayOf(['a', 'b'], 2, ['x', 'y']);
    day.provisional.set('1.0', dayOf(['c'], 1));
    const back = exactFromJson(exactToJson(day));
    expect(back).toEqual(day);
    expect(exactToJson(back)).toBe(exactToJson(day));
  });

  test('is the same whatever order the tallies were added in', () => {
    const one = dayOf(['a'], 1, ['x', 'y', 'z']);
    const other = dayOf(['a'], 1, ['z', 'x', 'y']);
    expect(exactToJson(one)).toBe(exactToJson(other));
    const text = exactToJson(one);
    expect(text.indexOf('"os-x"')).toBeLessThan(text.indexOf('"os-y"'));
  });

  test('tallies are stored as installs and digest only', () => {
    const day = emptyExact(DAY);
    day.d1 = tallyOf(['a', 'b']);
    const stored = JSON.parse(exactToJson(day)) as { d1: unknown };
    expect(stored.d1).toEqual(toContributors(day.d1));
  });

  test('text written before reports, screening and provisional days existed reads as empty ones', () => {
    const {
      reports: _r,
      screening: _s,
      provisional: _p,
      ...old
    } = JSON.parse(exactToJson(dayOf(['a'], 1))) as Record<string, unknown>;
    const back = exactFromJson(JSON.stringify(old));
    expect(back.reports).toBe(0);
    expect(back.screening).toEqual(emptyScreening());
    expect(back.provisional).toEqual(new Map());
    expect(back.d1).toEqual(tallyOf(['a']));
  });

  test('a missing tally reads as an empty one', () => {
    const { d7: _d7, ...rest } = JSON.parse(exactToJson(dayOf(['a'], 1))) as Record<
      string,
      unknown
    >;
    expect(exactFromJson(JSON.stringify(rest)).d7).toEqual(tally());
  });
});

describe('held out and failed installs', () => {
  test('hold adds installs and reports under its reason', () => {
    const screening = emptyScreening();
    hold(screening, 'not-established', tallyOf(['a']), 3);
    hold(screening, 'not-established', tallyOf(['b']), 2);
    expect(screening.held.get('not-established')).toEqual({
      installs: tallyOf(['a', 'b']),
      reports: 5,
    });
    expect([...screening.held.keys()]).toEqual(['not-established']);
  });

  test.each([
    ['no codes', undefined, []],
    ['an empty list', [], []],
    ['one code', ['E1'], ['E1']],
    ['the first of several', ['E2', 'E9'], ['E2']],
  ])('holdFailure with %s', (_name, codes, keys) => {
    const screening = emptyScreening();
    holdFailure(screening, codes, tallyOf(['a']));
    holdFailure(screening, codes, tallyOf(['b']));
    expect([...screening.failures.keys()]).toEqual(keys);
    for (const key of keys) expect(screening.failures.get(key)).toEqual(tallyOf(['a', 'b']));
  });
});
