// The daily aggregation over MemoryStore, with events made by the real ingest pipeline
// (prepareEvent) and expected numbers worked out by hand. The counting rules are checked on the
// exact tallies each merge computes (MergeOutcome.exact); what is published from them, noisy and
// once per day, is checked here for its bookkeeping and in test/unit/privacy/publication/ for its noise.
import { describe, expect, test, vi } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, dayRange, type Day } from '../../../shared/dates.ts';
import type { EventType } from '../../../shared/schema/event.ts';
import {
  aggregateDay,
  aggregateRange,
  isFinal,
  lateDays,
  runScheduledAggregation,
} from '../../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../../functions/src/ingest/prepare.ts';
import { installPseudonym } from '../../../functions/src/identity/install-id.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { EventSource } from '../../../functions/src/formats/registry.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import { publishMerged, type MergeOutcome } from '../../../functions/src/aggregate/merge.ts';
import { CountingStore } from '../../support/counting-store.ts';
import { exactView, exactViews, type ExactView } from '../../support/exact-view.ts';
import { fakeClock } from '../../support/http-fakes.ts';

const SECRET = 'aggregate-test-secret';
/**
 * These tests check the windows, the install memory, reports without identity, erasures and
 * reruns on small fleets of one-day installs counted by hand. The established-install rule (on by
 * default: 2 distinct days) would hold most of them out, so it is off here (`establishedDays: 1`,
 * its documented off switch). The rule has its own tests (aggregate-screening.test.ts), and the
 * golden fixture runs with it on.
 */
const config = {
  ...deploymentConfig,
  screening: { ...deploymentConfig.screening, establishedDays: 1 },
};
const HOUR = 3_600_000;

let sequence = 0;

/** One stored event as the ingest pipeline makes it, received at `receivedAt` (default: 10:00 of `day`). */
function event(
  installId: string | null,
  type: EventType,
  day: Day,
  options: {
    source?: EventSource;
    receivedAt?: string;
    time?: string;
    extra?: Partial<IncomingEvent>;
  } = {},
): StoredEvent {
  sequence += 1;
  const now = Date.parse(options.receivedAt ?? `${day}T10:00:00Z`) + sequence;
  const prepared = prepareEvent(
    { installId, type, eventId: `evt-${sequence}`, time: options.time, ...options.extra },
    [],
    { secret: SECRET, now, config, source: options.source ?? 'v1' },
  );
  if (!prepared.ok) throw new Error(prepared.issue.message);
  expect(prepared.event.day).toBe(day);
  return prepared.event;
}

const id = (name: string) => installPseudonym(SECRET, `install-${name}`);
const ev = (name: string, type: EventType, day: Day) => event(`install-${name}`, type, day);

/**
 * The hand-computed fleet, January–February 2026:
 *   A: install 01-01 only
 *   B: install 01-01, heartbeat 01-05, heartbeat 01-30
 *   C: install 01-07, crash + heartbeat 01-28
 *   D: heartbeat 01-28 (first seen without an install event)
 *   E: heartbeat 01-05, opt_out 01-07
 *   F: opt_out 01-07 only (never counted as an install)
 */
function fleet(): StoredEvent[] {
  return [
    ev('A', 'install', '2026-01-01'),
    ev('B', 'install', '2026-01-01'),
    ev('B', 'heartbeat', '2026-01-05'),
    ev('E', 'heartbeat', '2026-01-05'),
    ev('C', 'install', '2026-01-07'),
    ev('E', 'opt_out', '2026-01-07'),
    ev('F', 'opt_out', '2026-01-07'),
    ev('C', 'crash', '2026-01-28'),
    ev('C', 'heartbeat', '2026-01-28'),
    ev('D', 'heartbeat', '2026-01-28'),
    ev('B', 'heartbeat', '2026-01-30'),
  ];
}

const FLEET_FROM = '2026-01-01';
const FLEET_TO = '2026-02-06';

type Figures = Pick<DayAggregate, 'activeInstalls' | 'newInstalls' | 'optOuts' | 'events'>;
const figures = (
  d1: number,
  d7: number,
  d28: number,
  newInstalls = 0,
  events: DayAggregate['events'] = {},
): Figures => ({
  activeInstalls: { d1, d7, d28 },
  newInstalls,
  optOuts: events.opt_out ?? 0,
  events,
});

/** Expected figures, each worked out from the fleet above. */
const EXPECTED: Record<Day, Figures> = {
  // A and B installed: both new.
  '2026-01-01': figures(2, 2, 2, 2, { install: 2 }),
  '2026-01-02': figures(0, 2, 2),
  // B and E active; E first seen. 7-day window 12-30..01-05: A, B, E.
  '2026-01-05': figures(2, 3, 3, 1, { heartbeat: 2 }),
  // C installs; opt-outs of E and F are counted, but are no activity. Window 01-01..01-07: A B C E.
  '2026-01-07': figures(1, 4, 4, 1, { install: 1, opt_out: 2 }),
  // A (active 01-01 only) leaves the 7-day window 01-02..01-08; still in the 28-day one.
  '2026-01-08': figures(0, 3, 4),
  // 7-day window 01-21..01-27 is empty; 28-day window 12-31..01-27 holds A B C E.
  '2026-01-27': figures(0, 0, 4),
  // C and D active, D new. 28-day window 01-01..01-28 is the last to hold A: A B C D E.
  '2026-01-28': figures(2, 2, 5, 1, { crash: 1, heartbeat: 2 }),
  // 28-day window 01-02..01-29: A is out.
  '2026-01-29': figures(0, 2, 4),
  // B returns. 7-day 01-24..01-30: B C D. 28-day 01-03..01-30: B C D E.
  '2026-01-30': figures(1, 3, 4, 0, { heartbeat: 1 }),
  '2026-01-31': figures(0, 3, 4),
  // Across the month boundary: 28-day window 01-05..02-01 still holds E (01-05).
  '2026-02-01': figures(0, 3, 4),
  // 28-day window 01-06..02-02: E is out.
  '2026-02-02': figures(0, 3, 3),
  // 7-day window 01-29..02-04: only B (01-30).
  '2026-02-04': figures(0, 1, 3),
  '2026-02-05': figures(0, 1, 3),
  // 7-day window 01-31..02-06 is empty; 28-day 01-10..02-06: B C D.
  '2026-02-06': figures(0, 0, 3),
};

async function fleetStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.saveEvents(fleet());
  return store;
}

const publicationSecret = () => 'aggregate-test-noise';
const deps = (store: MemoryStore, now: string) => ({
  store,
  clock: fakeClock(now).now,
  config,
  publicationSecret,
});

/** The exact figures of one merged day. */
const exactOf = (outcome: MergeOutcome | undefined): ExactView => {
  if (!outcome) throw new Error('no merge outcome');
  return exactView(outcome.exact);
};
const figuresOf = (a: Figures): Figures => ({
  activeInstalls: a.activeInstalls,
  newInstalls: a.newInstalls,
  optOuts: a.optOuts,
  events: a.events,
});

describe('one pass over the fleet, in order', () => {
  test('activeInstalls d1/d7/d28, newInstalls, optOuts and events match the hand count', async () => {
    const store = await fleetStore();
    const results = await aggregateRange(deps(store, '2026-03-01T00:15:00Z'), FLEET_FROM, FLEET_TO);
    expect(results.map((r) => r.day)).toEqual(dayRange(FLEET_FROM, FLEET_TO));
    const actual = Object.fromEntries(
      exactViews(results)
        .filter((a) => a.day in EXPECTED)
        .map((a) => [a.day, figuresOf(a)]),
    );
    expect(actual).toEqual(EXPECTED);
    // Every day of the range was published, final by March, with the deployment's (ε, δ), and
    // each holds what the publication module makes of that day's exact tallies.
    expect([...store.days.keys()].sort()).toEqual(dayRange(FLEET_FROM, FLEET_TO));
    expect(results.every((r) => r.status === 'published')).toBe(true);
    for (const r of results) {
      const stored = store.days.get(r.day) as DayAggregate;
      expect(stored.final).toBe(true);
      expect(stored.privacy).toMatchObject({
        epsilon: config.privacy.epsilon,
        delta: config.privacy.delta,
      });
      // The window figures are smoothed with the day before as stored; the first day has none.
      const previous = store.days.get(addDays(r.day, -1));
      expect(stored.privacy?.smoothedWith).toBe(previous?.day);
      expect(stored).toEqual(
        publishMerged(r.exact, deps(store, FLEET_TO), true, stored.run, previous),
      );
    }
  });

  test('an install counts in d7 through day 7 and in d28 through day 28 after its only day', async () => {
    const store = new MemoryStore();
    await store.saveEvents([ev('solo', 'heartbeat', '2026-02-01')]);
    const results = await aggregateRange(
      deps(store, '2026-04-01T00:00:00Z'),
      '2026-02-01',
      '2026-03-02',
    );
    const series = exactViews(results).map((r) => [
      r.day,
      r.activeInstalls.d1,
      r.activeInstalls.d7,
      r.activeInstalls.d28,
    ]);
    expect(series[0]).toEqual(['2026-02-01', 1, 1, 1]);
    expect(series[1]).toEqual(['2026-02-02', 0, 1, 1]);
    expect(series[6]).toEqual(['2026-02-07', 0, 1, 1]);
    expect(series[7]).toEqual(['2026-02-08', 0, 0, 1]);
    // 2026-02-28 is day 28 (February 2026 has 28 days); 2026-03-01 is day 29.
    expect(series[27]).toEqual(['2026-02-28', 0, 0, 1]);
    expect(series[28]).toEqual(['2026-03-01', 0, 0, 0]);
    expect(series[29]).toEqual(['2026-03-02', 0, 0, 0]);
  });

  test('opt-outs leave no activity and never carry a pseudonym', async () => {
    const store = await fleetStore();
    await aggregateRange(deps(store, '2026-03-01T00:15:00Z'), FLEET_FROM, FLEET_TO);
    expect([...store.knownInstalls()].sort()).toEqual(
      ['A', 'B', 'C', 'D', 'E'].map((n) => id(n).slice(0, 16)).sort(),
    );
    const text = JSON.stringify([...store.days.values(), ...store.events.values()]);
    expect(text).not.toContain(id('F'));
    expect(
      [...store.events.values()].filter((e) => e.type === 'opt_out').map((e) => e.install),
    ).toEqual([null, null]);
  });

  test('activity pages keep per-day activity as 64-bit keys, never a pseudonym or raw id', async () => {
    const store = await fleetStore();
    await aggregateRange(deps(store, '2026-03-01T00:15:00Z'), FLEET_FROM, FLEET_TO);
    const key = id('B').slice(0, 16);
    const daysOfB = [...store.pages.values()]
      .filter((p) => p.keys.includes(key))
      .map((p) => p.day)
      .sort();
    expect(daysOfB).toEqual(['2026-01-01', '2026-01-05', '2026-01-30']);
    const text = JSON.stringify([...store.pages.values()]);
    expect(text).not.toContain('install-');
    for (const name of ['A', 'B', 'C', 'D', 'E', 'F']) expect(text).not.toContain(id(name));
  });

  test('run figures: documents read and written add up to what the store served and stored', async () => {
    const store = new CountingStore();
    await store.saveEvents(fleet());
    const d = deps(store, '2026-03-01T00:15:00Z');
    store.reset();
    const results = await aggregateRange(d, FLEET_FROM, FLEET_TO);
    const runs = results.map((r) => (r.aggregate as DayAggregate).run);
    const read = runs.reduce((n, run) => n + run.documentsRead, 0);
    const written = runs.reduce((n, run) => n + run.documentsWritten, 0);
    // Every event once, each page and partial the run touched, one day document per day (read
    // to see whether it is published already, then written).
    expect(read).toBe(store.reads);
    expect(written).toBe(store.writes);
    expect(store.eventReads).toBe(fleet().length);
    // A rerun reads the events again (a forced recompute) but writes no page (nothing changed)
    // and no day: a published day is never replaced.
    store.reset();
    const again = await aggregateRange(d, FLEET_FROM, FLEET_TO);
    expect(store.pageWrites).toBe(0);
    expect(again.every((r) => r.status === 'kept')).toBe(true);
    expect(store.writes).toBe(again.length); // the partials only
  });
});

test('an install returning after more than 28 days is not new again', async () => {
  const store = new CountingStore();
  await store.saveEvents([
    ev('back', 'install', '2026-01-02'),
    ev('back', 'upgrade', '2026-03-01'),
    ev('fresh', 'install', '2026-03-01'),
  ]);
  const d = deps(store, '2026-04-01T00:00:00Z');
  await aggregateDay(d, '2026-01-02');
  store.reset();
  const outcome = await aggregateDay(d, '2026-03-01');
  // Both active; only `fresh` is new: `back` was active 58 days earlier, inside the 90 days an
  // install is remembered.
  expect(figuresOf(exactOf(outcome))).toEqual(figures(2, 2, 2, 1, { install: 1, upgrade: 1 }));
  expect(outcome.aggregate?.run.documentsRead).toBe(store.reads);
  expect(store.eventReads).toBe(2);
});

test('an upgrade after 58 days away is seen from the older pages, as in a long run', async () => {
  const store = new MemoryStore();
  const versioned = (name: string, type: EventType, day: Day, version: string) =>
    event(`install-${name}`, type, day, { extra: { product: { version } } });
  await store.saveEvents([
    ...['U1', 'U2', 'U3', 'U4', 'U5'].map((n) => versioned(n, 'install', '2026-01-02', '1.0')),
    ...['U1', 'U2', 'U3', 'U4', 'U5'].map((n) => versioned(n, 'upgrade', '2026-03-01', '2.0')),
    // Active in between on another version: the latest previous day counts, not the first.
    versioned('U5', 'heartbeat', '2026-01-20', '1.5'),
  ]);
  const d = deps(store, '2026-04-01T00:00:00Z');
  const inRange = exactOf((await aggregateRange(d, '2026-01-02', '2026-03-01')).at(-1));
  // Alone, 03-01 decodes only its 28-day window: the earlier days come from the older pages.
  const alone = exactOf(await aggregateDay(d, '2026-03-01'));
  expect(alone).toEqual(inRange);
  expect(alone.newInstalls).toBe(0);
  expect(alone.upgrades).toEqual([
    { from: '1.0', to: '2.0', installs: 4 },
    { from: '1.5', to: '2.0', installs: 1 },
  ]);
});

test('an install unseen for more than 90 days is new again when it returns', async () => {
  const store = new MemoryStore();
  await store.saveEvents([
    ev('gone', 'install', '2026-01-02'),
    ev('gone', 'heartbeat', '2026-04-02'),
    ev('gone', 'heartbeat', '2026-07-02'),
  ]);
  const d = deps(store, '2026-08-01T00:00:00Z');
  // 90 days after 01-02 is 04-02: still remembered. 07-02 is 91 days after 04-02: forgotten.
  expect(exactOf(await aggregateDay(d, '2026-01-02')).newInstalls).toBe(1);
  expect(exactOf(await aggregateDay(d, '2026-04-02')).newInstalls).toBe(0);
  expect(exactOf(await aggregateDay(d, '2026-07-02')).newInstalls).toBe(1);
});

describe('installs without identity', () => {
  test('count once per report on their own day; opt-outs are not installs', async () => {
    const store = new MemoryStore();
    await store.saveEvents([
      ev('X', 'heartbeat', '2026-01-10'),
      event(null, 'heartbeat', '2026-01-10', { source: 'cleaninsights' }),
      event(null, 'heartbeat', '2026-01-10', { source: 'cleaninsights' }),
      event(null, 'install', '2026-01-10', { source: 'netdata' }),
      event(null, 'opt_out', '2026-01-10', { source: 'cleaninsights' }),
    ]);
    const [first, next] = await aggregateRange(
      deps(store, '2026-02-01T00:00:00Z'),
      '2026-01-10',
      '2026-01-11',
    );
    // X + 3 reports without identity (the opt-out is not one).
    expect(figuresOf(exactOf(first))).toEqual(
      figures(4, 4, 4, 2, { heartbeat: 3, install: 1, opt_out: 1 }),
    );
    // Methodology: reports without identity add one each on their own day only.
    expect(figuresOf(exactOf(next))).toEqual(figures(0, 1, 1));
    expect([...store.knownInstalls()]).toEqual([id('X').slice(0, 16)]);
  });

  test('two identical reports without identity are two reports', async () => {
    const store = new MemoryStore();
    const prepare = () =>
      prepareEvent({ installId: null, type: 'heartbeat' }, [], {
        secret: SECRET,
        now: Date.parse('2026-01-10T09:00:00Z'),
        config,
        source: 'cleaninsights',
      });
    const a = prepare();
    const b = prepare();
    if (!a.ok || !b.ok) throw new Error('not prepared');
    expect(await store.saveEvents([a.event, b.event])).toEqual({ created: 2, duplicates: 0 });
    const outcome = await aggregateDay(deps(store, '2026-02-01T00:00:00Z'), '2026-01-10');
    expect(exactOf(outcome).activeInstalls.d1).toBe(2);
  });
});

describe('idempotency and order', () => {
  test('rerunning days publishes nothing new, rewrites no page, and draws the same noise', async () => {
    const store = await fleetStore();
    const clock = fakeClock('2026-03-01T00:15:00Z');
    const d = { store, clock: clock.now, config, publicationSecret };
    const first = await aggregateRange(d, FLEET_FROM, FLEET_TO);
    const firstDays = structuredClone([...store.days.values()]);
    const pages = structuredClone([...store.pages.entries()]);

    clock.advance(HOUR);
    const writePages = vi.spyOn(store, 'writePages');
    const writeDays = vi.spyOn(store, 'writeDays');
    const second = await aggregateRange(d, FLEET_FROM, FLEET_TO);
    expect(writePages).not.toHaveBeenCalled();
    // Each day is published once: the rerun keeps what is stored, computedAt included.
    expect(writeDays).not.toHaveBeenCalled();
    expect(second.map((r) => r.status)).toEqual(first.map(() => 'kept'));
    expect([...store.days.values()]).toEqual(firstDays);
    expect([...store.pages.entries()]).toEqual(pages);
    // Same tallies, so publishing them again would give the very same numbers (no flicker).
    expect(exactViews(second)).toEqual(exactViews(first));
    for (const r of second) {
      const stored = store.days.get(r.day) as DayAggregate;
      const previous = store.days.get(addDays(r.day, -1));
      expect(publishMerged(r.exact, d, true, stored.run, previous)).toEqual(stored);
    }
  });

  test('recomputing one past day after later days changes nothing in it', async () => {
    const store = await fleetStore();
    const d = deps(store, '2026-03-01T00:15:00Z');
    const before = exactOf(await aggregateDay(d, '2026-01-05'));
    await aggregateRange(d, '2026-01-06', FLEET_TO);
    expect(exactOf(await aggregateDay(d, '2026-01-05'))).toEqual(before);
  });

  test('once every day has been seen, recomputing in any order reproduces the in-order result', async () => {
    const inOrder = await fleetStore();
    const expected = exactViews(
      await aggregateRange(deps(inOrder, '2026-03-01T00:15:00Z'), FLEET_FROM, FLEET_TO),
    );

    const shuffled = await fleetStore();
    const d = deps(shuffled, '2026-03-01T00:15:00Z');
    const days = dayRange(FLEET_FROM, FLEET_TO);
    // Newest first, then an interleaved order: odd positions, then even ones.
    for (const day of [...days].reverse()) await aggregateDay(d, day);
    const again: ExactView[] = [];
    for (const day of [
      ...days.filter((_, i) => i % 2 === 1),
      ...days.filter((_, i) => i % 2 === 0),
    ])
      again.push(exactOf(await aggregateDay(d, day)));

    expect(again.sort(byDay)).toEqual(expected);
    const withoutRun = (store: MemoryStore) =>
      [...store.pages].sort().map(([key, { run: _run, ...page }]) => [key, page]);
    expect(withoutRun(shuffled)).toEqual(withoutRun(inOrder));
  });

  test('erasing an install takes it out of every later computation; published days stay', async () => {
    const store = await fleetStore();
    const d = deps(store, '2026-03-01T00:15:00Z');
    await aggregateRange(d, FLEET_FROM, FLEET_TO);
    const published = structuredClone([...store.days.values()]);
    expect(await store.eraseInstall(id('B'))).toEqual({ events: 3, installs: 1 });
    expect(store.knownInstalls().has(id('B').slice(0, 16))).toBe(false);
    const rerun = await aggregateRange(d, FLEET_FROM, FLEET_TO);
    const after = (day: Day) => figuresOf(exactOf(rerun.find((r) => r.day === day)));
    // Without B: A alone on 01-01; E on 01-05; C and D late in January; nobody on 01-30.
    expect(after('2026-01-01')).toEqual(figures(1, 1, 1, 1, { install: 1 }));
    expect(after('2026-01-05')).toEqual(figures(1, 2, 2, 1, { heartbeat: 1 }));
    expect(after('2026-01-28')).toEqual(figures(2, 2, 4, 1, { crash: 1, heartbeat: 2 }));
    expect(after('2026-01-30')).toEqual(figures(0, 2, 3));
    expect(after('2026-02-05')).toEqual(figures(0, 0, 2));
    expect(store.knownInstalls().has(id('B').slice(0, 16))).toBe(false);
    // Days already published are not published again: a second version of a day would let its
    // difference with the first speak about the erased install (README, Published once).
    expect([...store.days.values()]).toEqual(published);
    // Applied: the run took the erasure off the list.
    expect(store.erasures.size).toBe(0);
  });
});

describe('final', () => {
  test('a day is final once the late-arrival window is past it', () => {
    // 72 hours of late arrivals reach into the fourth calendar day back.
    expect(lateDays(config)).toBe(4);
    expect(isFinal('2026-02-02', '2026-02-06', config)).toBe(true);
    expect(isFinal('2026-02-03', '2026-02-06', config)).toBe(false);
    expect(isFinal('2026-02-05', '2026-02-06', config)).toBe(false);
    expect(isFinal('2026-02-06', '2026-02-06', config)).toBe(false);
    // Across a month boundary.
    expect(isFinal('2026-02-25', '2026-03-01', config)).toBe(true);
    expect(isFinal('2026-02-26', '2026-03-01', config)).toBe(false);
  });

  test('no event accepted after a run can belong to a day that run marked final', () => {
    const runAt = Date.parse('2026-02-06T00:15:00Z');
    const finalDay = '2026-02-02';
    expect(isFinal(finalDay, '2026-02-06', config)).toBe(true);
    // The latest moment of the final day is already outside the window at run time.
    const latest = Date.parse(`${finalDay}T23:59:59.999Z`);
    expect(runAt - latest).toBeGreaterThan(config.lateArrivalHours * HOUR);
  });

  test('only final days are published; a provisional day waits for the run that makes it final', async () => {
    const store = await fleetStore();
    const clock = fakeClock('2026-02-06T00:15:00Z');
    const d = { store, clock: clock.now, config, publicationSecret };
    const outcomes = await aggregateRange(d, '2026-01-30', '2026-02-05');
    expect(Object.fromEntries(outcomes.map((o) => [o.day, o.status]))).toEqual({
      '2026-01-30': 'published',
      '2026-01-31': 'published',
      '2026-02-01': 'published',
      '2026-02-02': 'published',
      '2026-02-03': 'provisional',
      '2026-02-04': 'provisional',
      '2026-02-05': 'provisional',
    });
    const flags = Object.fromEntries([...store.days.values()].map((a) => [a.day, a.final]));
    expect(flags).toEqual({
      '2026-01-30': true,
      '2026-01-31': true,
      '2026-02-01': true,
      '2026-02-02': true,
    });
    clock.set('2026-02-07T00:15:00Z');
    const later = await aggregateDay(d, '2026-02-03');
    expect(later.status).toBe('published');
    expect(store.days.get('2026-02-03')?.final).toBe(true);
  });
});

describe('runScheduledAggregation', () => {
  test('recomputes the late window, backfills missing days, purges what is past retention', async () => {
    const store = new MemoryStore();
    await store.saveEvents([
      ev('old', 'heartbeat', '2025-12-05'),
      ev('edge', 'heartbeat', '2025-12-10'),
      ev('Q', 'install', '2026-02-14'),
      ev('Q', 'heartbeat', '2026-03-07'),
      ev('R', 'heartbeat', '2026-03-03'),
    ]);
    // Earlier runs computed every day up to 03-08; two days went missing since.
    await aggregateRange(deps(store, '2026-03-09T00:15:00Z'), '2025-12-05', '2026-03-08');
    store.days.delete('2026-02-14');
    store.days.delete('2026-03-03');
    store.days.delete('2025-12-08'); // before retention: stays missing
    const before05 = store.days.get('2026-03-05') as DayAggregate;
    // A late event for 03-07, sent on 03-09 with its own time.
    await store.saveEvents([
      event('install-R', 'heartbeat', '2026-03-07', {
        receivedAt: '2026-03-09T20:00:00Z',
        time: '2026-03-07T22:00:00Z',
      }),
    ]);

    // Today is 2026-03-10: retention reaches back 90 days to 2025-12-10.
    const summary = await runScheduledAggregation(deps(store, '2026-03-10T00:15:00Z'));
    expect(summary.backfilled).toEqual(['2026-02-14', '2026-03-03']);
    const merged = (d: Day) => exactOf(summary.merged.find((m) => m.day === d));
    expect(summary.recomputed).toEqual(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09']);
    // Pages are kept 180 days (event retention + install memory): none is that old yet.
    expect(summary.purged).toEqual({ events: 1, pages: 0 });

    const day = (d: Day) => store.days.get(d) as DayAggregate;
    expect(figuresOf(merged('2026-02-14'))).toEqual(figures(1, 1, 1, 1, { install: 1 }));
    expect(merged('2026-03-03').activeInstalls.d1).toBe(1);
    expect(day('2026-02-14').final && day('2026-03-03').final).toBe(true);
    // The late event is in 03-07 now: Q and R active.
    expect(figuresOf(merged('2026-03-07'))).toEqual(figures(2, 2, 2, 0, { heartbeat: 2 }));
    // 03-06 turns final and is published; the three later days are computed, not published.
    expect(day('2026-03-06').final).toBe(true);
    expect(Object.fromEntries(summary.merged.map((m) => [m.day, m.status]))).toEqual({
      '2026-02-14': 'published',
      '2026-03-03': 'published',
      '2026-03-06': 'published',
      '2026-03-07': 'provisional',
      '2026-03-08': 'provisional',
      '2026-03-09': 'provisional',
    });
    expect(['2026-03-07', '2026-03-08', '2026-03-09'].some((d) => store.days.has(d))).toBe(false);
    // Days outside the window that existed are left as they were.
    expect(day('2026-03-05')).toEqual(before05);
    expect(store.days.has('2025-12-08')).toBe(false);
    // Aggregates are kept forever, raw events are not.
    expect(store.days.has('2025-12-05')).toBe(true);
    expect([...store.events.values()].some((e) => e.day < '2025-12-10')).toBe(false);
    expect([...store.events.values()].some((e) => e.day === '2025-12-10')).toBe(true);
  });

  test('on an empty deployment it fills every day of retention and purges nothing', async () => {
    const store = new MemoryStore();
    const summary = await runScheduledAggregation(deps(store, '2026-03-10T00:15:00Z'));
    expect(summary.backfilled[0]).toBe('2025-12-10');
    expect(summary.backfilled.at(-1)).toBe('2026-03-05');
    expect(summary.backfilled.length + summary.recomputed.length).toBe(90);
    expect(summary.purged).toEqual({ events: 0, pages: 0 });
    // Every final day is published; the three days of the late window after it are not yet.
    expect(store.days.size).toBe(87);
    // A second run the same day backfills nothing.
    const again = await runScheduledAggregation(deps(store, '2026-03-10T01:15:00Z'));
    expect(again.backfilled).toEqual([]);
  });

  test('events go after 90 days, activity pages after 180 (retention + install memory)', async () => {
    const store = new MemoryStore();
    await store.saveEvents([ev('edge', 'heartbeat', '2025-12-10')]);
    await aggregateDay(deps(store, '2025-12-11T00:15:00Z'), '2025-12-10');
    const after90 = await runScheduledAggregation(deps(store, '2026-03-11T00:15:00Z'));
    expect(after90.purged).toEqual({ events: 1, pages: 0 });
    expect(store.events.size).toBe(0);
    expect(store.knownInstalls().size).toBe(1);
    // 2025-12-10 + 180 days is 2026-06-08: the run of 06-08 keeps the page, the next one purges it.
    const kept = await runScheduledAggregation(deps(store, '2026-06-08T00:15:00Z'));
    expect(kept.purged).toEqual({ events: 0, pages: 0 });
    const purged = await runScheduledAggregation(deps(store, '2026-06-09T00:15:00Z'));
    expect(purged.purged).toEqual({ events: 0, pages: 1 });
    expect(store.knownInstalls().size).toBe(0);
  });
});

function byDay(a: { day: Day }, b: { day: Day }): number {
  return a.day.localeCompare(b.day);
}
