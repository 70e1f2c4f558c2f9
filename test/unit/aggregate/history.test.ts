// What an install's history decides about a day, at the boundaries a reader would notice: the
// 1/7/28-day windows of active installs, the install memory (a returning install is new again
// only once it was forgotten), and establishment (held out until seen on enough days).
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, type Day } from '../../../shared/dates.ts';
import { toContributors } from '../../../functions/src/aggregate/digest.ts';
import { bucketHistory } from '../../../functions/src/aggregate/history.ts';
import { buildPage, type Page } from '../../../functions/src/aggregate/page.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';

const START: Day = '2026-03-01';
const MEMORY = deploymentConfig.installRetentionDays;
const NEEDED = deploymentConfig.screening.establishedDays;
const install = (n: number) => `ab${n.toString(16).padStart(14, '0')}${'d'.repeat(48)}`;

/** The value, which the test knows is there. */
function the<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

let serial = 0;
/** Pages of the installs active on each day (`activity`: day → installs), heartbeats of 1.0. */
function pagesOf(
  activity: Record<Day, number[]>,
  versions: Record<Day, string> = {},
): Map<Day, Page> {
  const pages = new Map<Day, Page>();
  for (const [day, installs] of Object.entries(activity)) {
    const events: StoredEvent[] = installs.map((n) => {
      serial += 1;
      return {
        id: `h${serial}`,
        install: install(n),
        day,
        type: 'heartbeat',
        source: 'netdata',
        receivedAt: Date.parse(`${day}T12:00:00Z`) + serial,
        expireAt: Date.parse(`${day}T12:00:00Z`) + 1e10,
        product: { version: versions[day] ?? '1.0' },
        platform: { os: 'linux', arch: 'x86_64' },
      };
    });
    pages.set(day, buildPage(day, 'ab', events, deploymentConfig));
  }
  return pages;
}

/** The installs counted in a tally. */
const n = (t: Parameters<typeof toContributors>[0]) => toContributors(t).installs;

describe('active installs: the 1, 7 and 28 days ending on the day', () => {
  // Install 1 is established on START + 1 and last seen then; the day computed is `age` days later.
  test.each([
    [0, [1, 1, 1]],
    [1, [0, 1, 1]],
    [6, [0, 1, 1]],
    [7, [0, 0, 1]],
    [27, [0, 0, 1]],
    [28, [0, 0, 0]],
  ])('%i days after its last activity: d1, d7, d28 = %j', (age, [d1, d7, d28]) => {
    const last = addDays(START, 1);
    const day = addDays(last, age);
    const pages = pagesOf({ [START]: [1], [last]: [1] });
    const exact = bucketHistory(pages, [START, last, day], deploymentConfig).get(day);
    expect([n(the(exact).d1), n(the(exact).d7), n(the(exact).d28)]).toEqual([d1, d7, d28]);
  });
});

describe('establishment', () => {
  test(`held out until seen on ${NEEDED} days, then counted and newly established`, () => {
    const days = Array.from({ length: NEEDED + 1 }, (_, i) => addDays(START, i));
    const pages = pagesOf(Object.fromEntries(days.map((d) => [d, [1]])));
    const history = bucketHistory(pages, days, deploymentConfig);
    const rows = days.map((d) => {
      const e = the(history.get(d));
      return {
        d1: n(e.d1),
        fresh: n(e.newInstalls),
        pending: n(e.screening.pendingD1),
        established: n(e.screening.newlyEstablished),
        held: e.screening.held.get('not-established')?.installs.n ?? 0,
      };
    });
    const expected = days.map((_, i) => ({
      d1: i + 1 >= NEEDED ? 1 : 0,
      fresh: i === 0 ? 1 : 0,
      pending: i + 1 < NEEDED ? 1 : 0,
      established: i + 1 === NEEDED ? 1 : 0,
      held: i + 1 < NEEDED ? 1 : 0,
    }));
    expect(rows).toEqual(expected);
  });
});

describe('the install memory', () => {
  // Established on START and START + 1, then back after a gap of `gap` days.
  test.each([
    ['remembered on the last day of the memory', MEMORY, { fresh: 0, d1: 1, pending: 0 }],
    [
      'forgotten one day later: new again, held until established again',
      MEMORY + 1,
      { fresh: 1, d1: 0, pending: 1 },
    ],
  ])('%s', (_name, gap, expected) => {
    const last = addDays(START, 1);
    const back = addDays(last, gap);
    const pages = pagesOf({ [START]: [1], [last]: [1], [back]: [1] });
    const exact = the(bucketHistory(pages, [START, last, back], deploymentConfig).get(back));
    expect({
      fresh: n(exact.newInstalls),
      d1: n(exact.d1),
      pending: n(exact.screening.pendingD1),
    }).toEqual(expected);
  });

  test('an install seen before the decoded window is found in the older pages: not new', () => {
    const last = addDays(START, 1);
    const back = addDays(last, 40);
    const older = pagesOf({ [START]: [1], [last]: [1] });
    const recent = pagesOf({ [back]: [1] });
    const lookups: [string, Day, Day][] = [];
    const history = bucketHistory(recent, [back], deploymentConfig, (key, before, notBefore) => {
      lookups.push([key, before, notBefore]);
      for (const day of [last, START]) {
        if (day >= before || day < notBefore) continue;
        const page = the(older.get(day));
        const i = page.keys.indexOf(key);
        if (i >= 0) return { day, snapshot: the(page.snapshots[the(page.snaps[i])]) };
      }
      return undefined;
    });
    const exact = the(history.get(back));
    expect(n(exact.newInstalls)).toBe(0);
    expect(n(exact.d1)).toBe(1);
    expect(lookups[0]).toEqual([
      install(1).slice(0, 16),
      addDays(back, -28),
      addDays(back, -MEMORY),
    ]);
  });
});

describe('version moves and quarantine', () => {
  test('an established install that comes back with another version is an upgrade', () => {
    const days = [START, addDays(START, 1), addDays(START, 2)] as const;
    const pages = pagesOf(
      { [days[0]]: [1, 2], [days[1]]: [1, 2], [days[2]]: [1, 2] },
      { [days[2]]: '2.0' },
    );
    const exact = the(bucketHistory(pages, [...days], deploymentConfig).get(days[2]));
    expect([...exact.upgrades].map(([key, t]) => [key, n(t)])).toEqual([['1.0\u00002.0', 2]]);
    const before = the(bucketHistory(pages, [...days], deploymentConfig).get(days[1]));
    expect(before.upgrades.size).toBe(0);
  });

  test.each([
    ['the day before its quarantine', -1, { d1: 1, quarantined: 0 }],
    ['the first day of its quarantine', 0, { d1: 0, quarantined: 1 }],
    ['a day after', 1, { d1: 0, quarantined: 1 }],
  ])('%s: counted or held out', (_name, offset, expected) => {
    const days = [START, addDays(START, 1), addDays(START, 2), addDays(START, 3)];
    const pages = pagesOf(Object.fromEntries(days.map((d) => [d, [1]])));
    const day = addDays(START, 2);
    const quarantine = {
      keys: new Map([[install(1).slice(0, 16), addDays(day, -offset)]]),
      profiles: [],
    };
    const exact = the(
      bucketHistory(pages, days, deploymentConfig, undefined, { quarantine }).get(day),
    );
    expect({
      d1: n(exact.d1),
      quarantined: exact.screening.held.get('quarantined')?.installs.n ?? 0,
    }).toEqual(expected);
  });
});
