// What an install's history decides about a day, at the boundaries a reader would notice: the
// 1/7/28-day windows of active installs, the install memory (a returning install is new again
// only once it was forgotten), and establishment (held out until seen on enough days).
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, type Day } from '../../../shared/dates.ts';
import { toContributors } from '../../../functions/src/aggregate/digest.ts';
import type { ExactDay } from '../../../functions/src/aggregate/exact.ts';
import { bucketHistory, olderLookup } from '../../../functions/src/aggregate/history.ts';
import { buildPage, encodePage, type Page } from '../../../functions/src/aggregate/page.ts';
import type { StoredEvent, StoredPage } from '../../../functions/src/model/stored.ts';
import type { HeldReason } from '../../../shared/screening.ts';

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

  test('forgotten, then back with another version and a proof: new and counted, no upgrade', () => {
    const last = addDays(START, 1);
    const back = addDays(last, MEMORY + 1);
    const pages = pagesWith({
      [START]: [1],
      [last]: [1],
      [back]: [[1, { proof: true, product: { version: '1.1' } }]],
    });
    const exact = the(bucketHistory(pages, [START, last, back], RELEASED).get(back));
    expect([n(exact.newInstalls), n(exact.d1)]).toEqual([1, 1]);
    expect(exact.upgrades.size).toBe(0);
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

/** One install's report on a day: its number, or its number and what its event carries. */
type Seen = number | [number, Partial<StoredEvent>];

/** Pages of the reports of each day: heartbeats of 1.0 on linux/x86_64 unless a report says. */
function pagesWith(activity: Record<Day, Seen[]>): Map<Day, Page> {
  const pages = new Map<Day, Page>();
  for (const [day, seen] of Object.entries(activity)) {
    const events = seen.map((s): StoredEvent => {
      const [who, parts] = typeof s === 'number' ? [s, {}] : s;
      serial += 1;
      return {
        id: `h${serial}`,
        install: install(who),
        day,
        type: 'heartbeat',
        source: 'netdata',
        receivedAt: Date.parse(`${day}T12:00:00Z`) + serial,
        expireAt: Date.parse(`${day}T12:00:00Z`) + 1e10,
        product: { version: '1.0' },
        platform: { os: 'linux', arch: 'x86_64' },
        ...parts,
      };
    });
    pages.set(day, buildPage(day, 'ab', events, deploymentConfig));
  }
  return pages;
}

/** Days as a tuple, so each is known to be there. */
function dayList<T extends Day[]>(...days: T): T {
  return days;
}

/** The deployment with its released versions configured (nothing learned). */
const RELEASED = {
  ...deploymentConfig,
  screening: { ...deploymentConfig.screening, releasedVersions: ['1.*'] },
};

const held = (e: ExactDay, reason: string) => e.screening.held.get(reason as HeldReason);

/** What a reader of the day's figures sees of the installs of one day. */
function figures(e: ExactDay) {
  return {
    d1: n(e.d1),
    fresh: n(e.newInstalls),
    pending: n(e.screening.pendingD1),
    established: n(e.screening.newlyEstablished),
    proven: n(e.screening.proven),
  };
}

describe('proof of work', () => {
  const days = dayList(START, addDays(START, 1), addDays(START, 2));

  test('an install that proves its work counts on its first day; then by its days', () => {
    const pages = pagesWith({ [START]: [[1, { proof: true }]], [days[1]]: [1], [days[2]]: [1] });
    const history = bucketHistory(pages, days, RELEASED);
    expect(days.map((d) => figures(the(history.get(d))))).toEqual([
      { d1: 1, fresh: 1, pending: 0, established: 1, proven: 1 },
      { d1: 1, fresh: 0, pending: 0, established: 0, proven: 0 },
      { d1: 1, fresh: 0, pending: 0, established: 0, proven: 0 },
    ]);
  });

  test('a proof on its second day: established by its days, not by the proof', () => {
    const pages = pagesWith({ [START]: [1], [days[1]]: [[1, { proof: true }]] });
    const second = the(bucketHistory(pages, days, RELEASED).get(days[1]));
    expect(figures(second)).toEqual({ d1: 1, fresh: 0, pending: 0, established: 1, proven: 0 });
  });

  test('with versions learned, a proven install waits in its version’s provisional tallies', () => {
    const pages = pagesWith({ [START]: [[1, { proof: true }]], [days[1]]: [1] });
    const history = bucketHistory(pages, days.slice(0, 2), deploymentConfig);
    const first = the(history.get(START));
    expect(figures(first)).toEqual({ d1: 0, fresh: 1, pending: 0, established: 0, proven: 0 });
    expect(n(first.d28)).toBe(0);
    const waiting = the(first.provisional.get('1.0'));
    expect(figures(waiting)).toEqual({ d1: 1, fresh: 0, pending: 0, established: 1, proven: 1 });
    expect([n(waiting.d7), n(waiting.d28)]).toEqual([1, 1]);
    expect(n(the(waiting.versions.get('1.0')).active)).toBe(1);
    // Counted by its days the next day: in the day's own tallies.
    const second = the(history.get(days[1]));
    expect(n(second.d1)).toBe(1);
    expect(second.provisional.size).toBe(0);
  });
});

describe('a consistent profile: the days of a run count only while the machine is the same', () => {
  test.each([
    ['the same os', { os: 'linux', arch: 'x86_64' }, true],
    ['another os: a new run', { os: 'freebsd', arch: 'x86_64' }, false],
    ['another arch: a new run', { os: 'linux', arch: 'aarch64' }, false],
    ['no os reported: no change', { arch: 'x86_64' }, true],
  ])('%s', (_name, platform, established) => {
    const second = addDays(START, 1);
    const pages = pagesWith({ [START]: [1], [second]: [[1, { platform }]] });
    const e = the(bucketHistory(pages, [START, second], RELEASED).get(second));
    expect({ d1: n(e.d1), held: held(e, 'not-established')?.installs.n ?? 0 }).toEqual({
      d1: established ? 1 : 0,
      held: established ? 0 : 1,
    });
  });

  test('after a change, the new run establishes it again', () => {
    const days = dayList(START, addDays(START, 1), addDays(START, 2));
    const bsd = { platform: { os: 'freebsd', arch: 'x86_64' } };
    const pages = pagesWith({ [START]: [1], [days[1]]: [[1, bsd]], [days[2]]: [[1, bsd]] });
    const history = bucketHistory(pages, days, RELEASED);
    expect(days.map((d) => figures(the(history.get(d))))).toEqual([
      { d1: 0, fresh: 1, pending: 1, established: 0, proven: 0 },
      { d1: 0, fresh: 0, pending: 1, established: 0, proven: 0 },
      { d1: 1, fresh: 0, pending: 0, established: 1, proven: 0 },
    ]);
  });
});

describe('held out: why, and with how many of its reports', () => {
  const days = dayList(START, addDays(START, 1));
  const heartbeats = (who: number, count: number, parts: Partial<StoredEvent>): Seen[] =>
    Array.from({ length: count }, () => [who, parts] as Seen);

  test.each([
    ['an impossible profile', { platform: { os: 'macos', kernel: 'Linux' } }, 'impossible-profile'],
    [
      'an impossible profile with an unreleased version',
      { platform: { os: 'macos', kernel: 'Linux' }, product: { version: '9.9' } },
      'impossible-profile',
    ],
    ['a version never released', { product: { version: '9.9' } }, 'unknown-version'],
  ])('%s: held as %s, new all the same, never pending', (_name, parts, reason) => {
    const pages = pagesWith({ [days[0]]: heartbeats(1, 6, parts), [days[1]]: [[1, parts]] });
    const history = bucketHistory(pages, days, RELEASED);
    const [first, second] = days.map((d) => the(history.get(d)));
    // Each held install's reports are bounded like any install's: at most eventClip a day.
    expect(held(the(first), reason)).toEqual({
      installs: expect.objectContaining({ n: 1 }),
      reports: deploymentConfig.privacy.eventClip,
    });
    expect(held(the(second), reason)?.reports).toBe(1);
    expect(figures(the(first))).toEqual({
      d1: 0,
      fresh: 1,
      pending: 0,
      established: 0,
      proven: 0,
    });
    expect([n(the(second).d1), n(the(second).d28), n(the(second).screening.pendingD28)]).toEqual([
      0, 0, 0,
    ]);
  });

  test('quarantine comes before an unreleased version', () => {
    const parts = { product: { version: '9.9' } };
    const pages = pagesWith({ [days[0]]: [[1, parts]], [days[1]]: [[1, parts]] });
    const quarantine = { keys: new Map([[install(1).slice(0, 16), START]]), profiles: [] };
    const e = the(bucketHistory(pages, days, RELEASED, undefined, { quarantine }).get(days[1]));
    expect([...e.screening.held.keys()]).toEqual(['quarantined']);
  });

  test('a crash of an install not yet established is no crash of its version', () => {
    const crash = { type: 'crash' as const, failure: { code: 'SIGSEGV' } };
    const pages = pagesWith({
      [days[0]]: [2, [3, crash]],
      [days[1]]: [
        [2, crash],
        [1, crash],
      ],
    });
    const history = bucketHistory(pages, days, RELEASED);
    const first = the(the(history.get(days[0])).versions.get('1.0') ?? { crashEvents: 0 });
    expect(first.crashEvents).toBe(0);
    // Install 2 is established on the second day; install 1, new that day, is not.
    const second = the(the(history.get(days[1])).versions.get('1.0'));
    expect([n(second.active), n(second.crashed), second.crashEvents]).toEqual([1, 1, 1]);
  });
});

describe('pending installs of the last 28 days', () => {
  test.each([
    [0, 1],
    [27, 1],
    [28, 0],
  ])('seen once, %i days before: pending in d28 = %i', (age, pending) => {
    const day = addDays(START, age);
    const e = the(bucketHistory(pagesWith({ [START]: [1] }), [START, day], RELEASED).get(day));
    expect([n(e.screening.pendingD28), n(e.d28)]).toEqual([pending, 0]);
  });
});

describe('the 28-day breakdowns count each established install once, as it last looked', () => {
  test('two installs, one of them moved from linux to freebsd and back', () => {
    const days = dayList(START, addDays(START, 1), addDays(START, 10));
    const pages = pagesWith({
      [days[0]]: [1, 2, 3],
      [days[1]]: [1, 2],
      [days[2]]: [[2, { product: { version: '1.5' } }]],
    });
    const e = the(bucketHistory(pages, days, RELEASED).get(days[2]));
    const values = (name: string) =>
      Object.fromEntries([...(e.breakdowns.get(name) ?? [])].map(([v, t]) => [v, n(t)]));
    // Install 3, seen once, is not established: in no breakdown.
    expect(values('version')).toEqual({ '1.0': 1, '1.5': 1 });
    expect(values('os')).toEqual({ linux: 2 });
    expect([n(e.d1), n(e.d7), n(e.d28)]).toEqual([1, 1, 2]);
  });
});

describe('installs seen only in older pages (looked up, never decoded)', () => {
  /** The stored older pages of install 1 on `ago` days before `back` (with what it carried). */
  function olderOf(back: Day, seen: [number, Partial<StoredEvent>][]) {
    const stored = new Map<Day, StoredPage[]>();
    for (const [ago, parts] of seen) {
      const day = addDays(back, -ago);
      stored.set(day, encodePage(the(pagesWith({ [day]: [[1, parts]] }).get(day)), 'r'));
    }
    return olderLookup(stored);
  }
  const back: Day = '2026-06-30';
  const bsd = { platform: { os: 'freebsd', arch: 'x86_64' } };

  test.each([
    ['seen 30 days before, same machine: established today', [[30, {}]], [1, 0, 1]],
    ['seen on the memory’s first day', [[MEMORY, {}]], [1, 0, 1]],
    ['seen the day before the memory: forgotten, new', [[MEMORY + 1, {}]], [0, 1, 0]],
    ['seen 30 days before as another machine', [[30, bsd]], [0, 0, 0]],
    [
      'seen 29 and 30 days before: established already',
      [
        [29, {}],
        [30, {}],
      ],
      [1, 0, 0],
    ],
    ['seen 30 days before with a proof: established already', [[30, { proof: true }]], [1, 0, 0]],
    [
      'seen 30 days before, then as another machine',
      [
        [29, bsd],
        [30, {}],
      ],
      [0, 0, 0],
    ],
    // Consistency runs day to day: a day without its os joins the days on either side of it.
    [
      'seen as another machine, then without its os: established already',
      [
        [29, { platform: { arch: 'x86_64' } }],
        [30, bsd],
      ],
      [1, 0, 0],
    ],
  ] as [string, [number, Partial<StoredEvent>][], number[]][])(
    '%s',
    (_name, seen, [d1, fresh, established]) => {
      const e = the(
        bucketHistory(pagesWith({ [back]: [1] }), [back], RELEASED, olderOf(back, seen)).get(back),
      );
      expect([n(e.d1), n(e.newInstalls), n(e.screening.newlyEstablished)]).toEqual([
        d1,
        fresh,
        established,
      ]);
    },
  );

  // Proven means counted by a proof before its days would count: an install whose days count
  // already is counted by them, whether its earlier days are in decoded pages or older ones.
  test.each([
    ['seen 30 days before', [[30, {}]], { d1: 1, fresh: 0, pending: 0, established: 1, proven: 0 }],
    [
      'seen the day before the memory',
      [[MEMORY + 1, {}]],
      { d1: 1, fresh: 1, pending: 0, established: 1, proven: 1 },
    ],
  ] as [string, [number, Partial<StoredEvent>][], ReturnType<typeof figures>][])(
    'a proof today, %s: %o',
    (_name, seen, expected) => {
      const today = pagesWith({ [back]: [[1, { proof: true }]] });
      const e = the(bucketHistory(today, [back], RELEASED, olderOf(back, seen)).get(back));
      expect(figures(e)).toEqual(expected);
    },
  );

  test('seen 30 days before and the day before: established the day before, not again', () => {
    const pages = pagesWith({ [addDays(back, -1)]: [1], [back]: [1] });
    const e = the(bucketHistory(pages, [back], RELEASED, olderOf(back, [[30, {}]])).get(back));
    expect(figures(e)).toEqual({ d1: 1, fresh: 0, pending: 0, established: 0, proven: 0 });
  });
  test('a version seen in an older page and another today is an upgrade', () => {
    const today = pagesWith({ [back]: [[1, { product: { version: '1.1' } }]] });
    const e = the(bucketHistory(today, [back], RELEASED, olderOf(back, [[30, {}]])).get(back));
    expect([...e.upgrades].map(([key, t]) => [key, n(t)])).toEqual([['1.0\u00001.1', 1]]);
  });
  // The pages decoded are the 28 days before the first day asked for, and that day.
  test.each([1, 28])(
    'an install in the decoded pages %i days before is not looked up: it moved from its version there',
    (ago) => {
      const pages = pagesWith({
        [addDays(back, -ago)]: [[1, { product: { version: '1.1' } }]],
        [back]: [[1, { product: { version: '1.1' } }]],
      });
      const e = the(bucketHistory(pages, [back], RELEASED, olderOf(back, [[30, {}]])).get(back));
      expect(n(e.d1)).toBe(1);
      expect(e.upgrades.size).toBe(0);
    },
  );
});

describe('olderLookup: the latest stored day before a day, within a window', () => {
  const key = install(1).slice(0, 16);
  const stored = new Map<Day, StoredPage[]>();
  for (const [day, who] of [
    ['2026-04-01', 1],
    ['2026-04-02', 2],
    ['2026-04-03', 1],
    ['2026-04-04', 1],
  ] as const) {
    const page = pagesWith({ [day]: [[who, { product: { version: day } }]] }).get(day);
    stored.set(day, encodePage(the(page), 'r'));
  }
  const lookup = olderLookup(stored);

  test.each([
    ['2026-04-05', '2026-03-01', '2026-04-04'],
    ['2026-04-04', '2026-03-01', '2026-04-03'],
    ['2026-04-03', '2026-03-01', '2026-04-01'],
    ['2026-04-03', '2026-04-01', '2026-04-01'],
    ['2026-04-03', '2026-04-02', undefined],
    ['2026-04-01', '2026-03-01', undefined],
  ])('before %s, not before %s: %s', (before, notBefore, day) => {
    const found = lookup(key, before, notBefore);
    expect(found && [found.day, JSON.parse(found.snapshot).version]).toEqual(day && [day, day]);
  });
});

describe('who is reported new or newly established (the quarantine script)', () => {
  test('each install once per event, on the days asked for only', () => {
    const days = dayList(START, addDays(START, 1), addDays(START, 2), addDays(START, 3));
    const pages = pagesWith({
      [days[0]]: [1, [2, { proof: true }], [3, { product: { version: '9.9' } }]],
      // Install 3, held out as an unknown version, is new on its first day only.
      [days[1]]: [1, 4, [3, { product: { version: '9.9' } }]],
      [days[2]]: [1, 4],
      [days[3]]: [4],
    });
    const calls: string[] = [];
    bucketHistory(pages, days.slice(0, 3).reverse(), RELEASED, undefined, {
      collect: (day, key, snapshot, kind) =>
        calls.push(`${day} ${key.slice(-2)} ${kind} ${JSON.parse(snapshot).version}`),
    });
    expect(calls).toEqual([
      `${days[0]} 01 new 1.0`,
      `${days[0]} 02 established 1.0`,
      `${days[0]} 03 new 9.9`,
      `${days[1]} 01 established 1.0`,
      `${days[1]} 04 new 1.0`,
      `${days[2]} 04 established 1.0`,
    ]);
  });
});

describe('established after a single day (establishedDays 1)', () => {
  const ONE = { ...RELEASED, screening: { ...RELEASED.screening, establishedDays: 1 } };

  test('counted from its first day, newly established on that day only', () => {
    const days = Array.from({ length: 5 }, (_, i) => addDays(START, i));
    const history = bucketHistory(
      pagesWith(Object.fromEntries(days.map((d) => [d, [1]]))),
      days,
      ONE,
    );
    expect(days.map((d) => figures(the(history.get(d))))).toEqual(
      days.map((_, i) => ({
        d1: 1,
        fresh: i === 0 ? 1 : 0,
        pending: 0,
        established: i === 0 ? 1 : 0,
        proven: 0,
      })),
    );
  });
});

describe('what established installs add, and what the held ones do not', () => {
  const days = dayList(START, addDays(START, 1));

  test('installs sending the same long list of counter values each keep their own pick', () => {
    // More values than one install may count: each install's values are picked by its own key,
    // so no value is hidden from every install because all of them sent the same list.
    const sent = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`db.v${i}`, 1]));
    const fleet = [1, 2, 3, 4, 5, 6, 7, 8];
    const pages = pagesWith({
      [days[0]]: fleet,
      [days[1]]: fleet.map((who): Seen => [who, { counters: sent }]),
    });
    const e = the(bucketHistory(pages, days, RELEASED).get(days[1]));
    const values = the(e.counters.get('db')).values;
    const { counterValuesPerInstall } = deploymentConfig.privacy;
    expect([...values.values()].reduce((sum, v) => sum + v.installs.n, 0)).toBe(
      fleet.length * counterValuesPerInstall,
    );
    expect(values.size).toBe(20);
  });

  test('a failed install of an install not yet established is counted apart, by its code', () => {
    const failed = { type: 'install_failed' as const, failure: { code: 'F0101' } };
    const pages = pagesWith({
      [days[0]]: [[1, failed]],
      [days[1]]: [
        [2, failed],
        [1, failed],
      ],
    });
    const history = bucketHistory(pages, days, RELEASED);
    const first = the(history.get(days[0]));
    expect(n(the(first.screening.failures.get('F0101')))).toBe(1);
    expect(first.installFailures.size).toBe(0);
    // Install 1 is established on the second day: its failure counts; install 2's is apart.
    const second = the(history.get(days[1]));
    expect(n(the(second.screening.failures.get('F0101')))).toBe(1);
    expect(n(the(second.installFailures.get('F0101')))).toBe(1);
  });

  test('a version first reported on a later day is no upgrade', () => {
    const pages = pagesWith({
      [days[0]]: [[1, { product: undefined }]],
      [days[1]]: [[1, { product: { version: '1.2' } }]],
    });
    const e = the(bucketHistory(pages, days, RELEASED).get(days[1]));
    expect(n(e.d1)).toBe(1);
    expect(e.upgrades.size).toBe(0);
  });
});

describe('the days asked for', () => {
  test('none: nothing computed, nothing looked up', () => {
    const lookups: string[] = [];
    const history = bucketHistory(pagesWith({ [START]: [1] }), [], RELEASED, (key) => {
      lookups.push(key);
      return undefined;
    });
    expect(history.size).toBe(0);
    expect(lookups).toEqual([]);
  });

  test('in any order: the older pages are looked up from 28 days before the first of them', () => {
    const later = addDays(START, 3);
    // The first lookup of each install asks where it was before the decoded pages.
    const first = new Map<string, Day>();
    const history = bucketHistory(
      pagesWith({ [START]: [1], [later]: [2] }),
      [later, START],
      RELEASED,
      (key, before) => {
        if (!first.has(key)) first.set(key, before);
        return undefined;
      },
    );
    expect([...history.keys()].sort()).toEqual([START, later]);
    expect([...first.values()]).toEqual([addDays(START, -28), addDays(START, -28)]);
  });
});

describe('the retention trim: only days within the install memory count (establishedDays 3)', () => {
  const THREE = { ...RELEASED, screening: { ...RELEASED.screening, establishedDays: 3 } };
  // Seen on START and 60 days later, then once more `third` days after START.
  test.each([
    [MEMORY, { d1: 1, pending: 0, proven: 0 }],
    [MEMORY + 1, { d1: 0, pending: 1, proven: 0 }],
  ])('a third day %i days after the first: %o', (third, expected) => {
    const days = dayList(START, addDays(START, 60), addDays(START, third));
    const pages = pagesWith(Object.fromEntries(days.map((d) => [d, [1]])));
    const e = the(bucketHistory(pages, days, THREE).get(days[2]));
    expect({
      d1: n(e.d1),
      pending: n(e.screening.pendingD1),
      proven: n(e.screening.proven),
    }).toEqual(expected);
  });

  test.each([
    ['a proof on the memory’s first day still counts', MEMORY, {}, { d1: 1, pending: 0 }],
    [
      'a page from before contributions holds no proof',
      30,
      { format1: true },
      { d1: 0, pending: 1 },
    ],
  ])('%s', (_name, ago, how, expected) => {
    const back = addDays(START, 200);
    const day = addDays(back, -ago);
    const [stored] = encodePage(the(pagesWith({ [day]: [[1, { proof: true }]] }).get(day)), 'r');
    // A page of format 1 has neither contributions nor their indexes.
    const { cons: _c, contribs: _t, ...old } = the(stored);
    const lookup = olderLookup(new Map([[day, ['format1' in how ? old : the(stored)]]]));
    const e = the(bucketHistory(pagesWith({ [back]: [1] }), [back], THREE, lookup).get(back));
    expect({ d1: n(e.d1), pending: n(e.screening.pendingD1) }).toEqual(expected);
  });

  test('a proof on the third day: counted by its proof while the first day is forgotten', () => {
    const days = dayList(START, addDays(START, 60), addDays(START, MEMORY + 1));
    const pages = pagesWith({
      [days[0]]: [1],
      [days[1]]: [1],
      [days[2]]: [[1, { proof: true }]],
    });
    const e = the(bucketHistory(pages, days, THREE).get(days[2]));
    expect({ d1: n(e.d1), proven: n(e.screening.proven) }).toEqual({ d1: 1, proven: 1 });
  });
});

describe('a proof in the decoded pages counts while the install is remembered', () => {
  test.each([
    ['on the memory’s first day', MEMORY, { d1: 1, pending: 0 }],
    ['a day before it: forgotten, new again', MEMORY + 1, { d1: 0, pending: 1 }],
  ])('seen again %s', (_name, gap, expected) => {
    const back = addDays(START, gap);
    const pages = pagesWith({ [START]: [[1, { proof: true }]], [back]: [1] });
    const e = the(bucketHistory(pages, [START, back], RELEASED).get(back));
    expect({ d1: n(e.d1), pending: n(e.screening.pendingD1) }).toEqual(expected);
  });
});

describe('proven: counted by a proof before its days would count (establishedDays 3)', () => {
  const THREE = { ...RELEASED, screening: { ...RELEASED.screening, establishedDays: 3 } };
  // Proofs on the day before and on the day, and maybe a plain day in an older page.
  test.each([
    ['and a day 30 days before: counted by its three days', [30], { d1: 1, proven: 0 }],
    ['alone: counted by its proof', [], { d1: 1, proven: 1 }],
  ])('two proofs %s', (_name, ago, expected) => {
    const back = addDays(START, 200);
    const pages = pagesWith({
      [addDays(back, -1)]: [[1, { proof: true }]],
      [back]: [[1, { proof: true }]],
    });
    const stored = new Map<Day, StoredPage[]>();
    for (const a of ago) {
      const day = addDays(back, -a);
      stored.set(day, encodePage(the(pagesWith({ [day]: [1] }).get(day)), 'r'));
    }
    const e = the(bucketHistory(pages, [back], THREE, olderLookup(stored)).get(back));
    expect({ d1: n(e.d1), proven: n(e.screening.proven) }).toEqual(expected);
  });
});

describe('new and newly established installs by cohort profile', () => {
  test('each on its day, under how it looked then', () => {
    const days = dayList(START, addDays(START, 1));
    const bsd = { platform: { os: 'freebsd', arch: 'x86_64' } };
    const pages = pagesWith({ [days[0]]: [1, 2, [3, bsd]], [days[1]]: [1, 2, [4, bsd]] });
    const history = bucketHistory(pages, days, RELEASED);
    const profiles = (m: Map<string, Parameters<typeof n>[0]>) =>
      Object.fromEntries([...m].map(([cohort, t]) => [cohort, n(t)]));
    const [first, second] = days.map((d) => the(history.get(d)).screening);
    expect(profiles(the(first).newProfiles)).toEqual({
      'version=1.0,os=linux,arch=x86_64,kernel=unknown': 2,
      'version=1.0,os=freebsd,arch=x86_64,kernel=unknown': 1,
    });
    expect(profiles(the(second).newProfiles)).toEqual({
      'version=1.0,os=freebsd,arch=x86_64,kernel=unknown': 1,
    });
    expect(profiles(the(second).establishedProfiles)).toEqual({
      'version=1.0,os=linux,arch=x86_64,kernel=unknown': 2,
    });
  });
});

describe('each figure carries its installs’ digest (the first 64 bits of each pseudonym)', () => {
  test('one install: new and pending on its first day, counted on its second', () => {
    const days = dayList(START, addDays(START, 1));
    const history = bucketHistory(pagesWith({ [days[0]]: [1], [days[1]]: [1] }), days, RELEASED);
    const [first, second] = days.map((d) => the(history.get(d)));
    const digest = install(1).slice(0, 16);
    expect(digest).toBe('ab00000000000001');
    const one = { installs: 1, digest };
    expect(toContributors(the(first).newInstalls)).toEqual(one);
    expect(toContributors(the(first).screening.pendingD1)).toEqual(one);
    expect(toContributors(the(second).d1)).toEqual(one);
    expect(toContributors(the(second).d28)).toEqual(one);
  });
});

describe('a page without contributions (format 1) on a day computed', () => {
  test('its installs still count on the day and under their version, adding no events', () => {
    const days = Array.from({ length: NEEDED }, (_, i) => addDays(START, i));
    const pages = pagesOf(Object.fromEntries(days.map((day) => [day, [1, 2]])));
    const last = days[days.length - 1] as Day;
    const page = the(pages.get(last));
    pages.set(last, { ...page, cons: [], contribs: [], format: 1 });
    const exact = the(bucketHistory(pages, [last], deploymentConfig).get(last));
    expect([n(exact.d1), n(exact.d28)]).toEqual([2, 2]);
    expect(exact.events.size).toBe(0);
    expect([...exact.versions.keys()]).toEqual(['1.0']);
    expect(n(the(exact.versions.get('1.0')).active)).toBe(2);
  });
});
