// What the daily runs cost in Firestore operations (issue 14), counted on a store that bills like
// Firestore: a fleet reporting day by day, one scheduled run each morning. Each event is read once
// (late events re-read only their own bucket's day), page writes follow the buckets with events,
// not the installs, and a run with nothing new reads no event and writes no page.
import { beforeAll, describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, type Day } from '../../../shared/dates.ts';
import { bucketOf } from '../../../functions/src/model/buckets.ts';
import { runScheduledAggregation } from '../../../functions/src/aggregate/job.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import { simulateFleet } from '../../../scripts/lib/demo.ts';
import { CountingStore } from '../../support/counting-store.ts';
import { fakeClock } from '../../support/http-fakes.ts';

const config = deploymentConfig;
const START: Day = '2026-09-01';
const DAYS = 40;

interface RunCost {
  today: Day;
  eventsArrived: number;
  eventReads: number;
  reads: number;
  writes: number;
  pageWrites: number;
  /** Days the run computed, and how many of them it published (final and new). */
  computed: number;
  published: number;
  shards: number;
}

describe(`daily scheduled runs over ${DAYS} days of a fleet`, () => {
  const last = addDays(START, DAYS - 1);
  const events = simulateFleet({ installs: 400, days: DAYS, seed: 14 }, 'cost-secret', last);
  const byDay = new Map<Day, StoredEvent[]>();
  for (const e of events) byDay.set(e.day, [...(byDay.get(e.day) ?? []), e]);
  const store = new CountingStore();
  const clock = fakeClock(`${START}T00:15:00Z`);
  const runs: RunCost[] = [];

  /** Saves `arrived`, then runs the scheduled aggregation of `today` and records its cost. */
  async function run(today: Day, arrived: StoredEvent[]): Promise<RunCost> {
    await store.saveEvents(arrived);
    clock.set(`${today}T00:15:00Z`);
    store.reset();
    // One query per bucket, never the shard's whole day: what a large deployment does.
    const summary = await runScheduledAggregation({
      store,
      clock: clock.now,
      config,
      publicationSecret: () => 'cost-noise',
      prefetchEvents: 0,
    });
    const cost = {
      today,
      eventsArrived: arrived.length,
      eventReads: store.eventReads,
      reads: store.reads,
      writes: store.writes,
      pageWrites: store.pageWrites,
      computed: summary.recomputed.length + summary.backfilled.length,
      published: summary.merged.filter((m) => m.status === 'published').length,
      shards: summary.shards,
    };
    runs.push(cost);
    return cost;
  }

  beforeAll(async () => {
    // Each morning the events of yesterday are in; the first run backfills retention.
    for (let d = 1; d <= DAYS; d += 1)
      await run(addDays(START, d), byDay.get(addDays(START, d - 1)) ?? []);
  }, 120_000);

  test('the fleet is big enough to mean something', () => {
    expect(events.length).toBeGreaterThan(8_000);
    expect(Math.max(...runs.map((r) => r.eventsArrived))).toBeGreaterThan(250);
  });

  test('every event is read once over all the runs', () => {
    expect(runs.reduce((n, r) => n + r.eventReads, 0)).toBe(events.length);
    for (const r of runs) expect(r.eventReads, r.today).toBe(r.eventsArrived);
  });

  test('page writes per run ≤ buckets with new events (+ the anonymous one), not installs', () => {
    for (const [i, r] of runs.entries()) {
      const day = addDays(START, i);
      const buckets = new Set(
        (byDay.get(day) ?? []).map((e) => (e.install === null ? -1 : bucketOf(e.install))),
      );
      expect(r.pageWrites, r.today).toBeLessThanOrEqual(buckets.size);
    }
  });

  test('a run with no new event reads no event, writes no page, publishes only the day turning final', async () => {
    const today = addDays(last, 2);
    const idle = await run(addDays(last, 2), []);
    expect(idle.eventReads).toBe(0);
    expect(idle.pageWrites).toBe(0);
    // The days of the late window are computed (none is published until final); only the day
    // turning final is published.
    expect(idle.computed).toBe(4);
    expect(idle.published).toBe(1);
    const again = await run(today, []);
    expect(again.published).toBe(0);
    // Only the partials of the late window's days: no page, no day.
    expect(again.writes).toBe(again.computed * again.shards);
  });

  test("a late event re-reads only its own bucket's events of that day", async () => {
    const today = addDays(last, 3);
    const lateDay = addDays(today, -2);
    const late = events.find((e) => e.day === last && e.install !== null) as StoredEvent;
    const bucket = bucketOf(late.install as string);
    // The same install reports again for an earlier day of the late window, sent with its time.
    const arrived: StoredEvent = {
      ...late,
      id: 'f'.repeat(40),
      day: lateDay,
      receivedAt: Date.parse(`${today}T00:05:00Z`),
    };
    const before = (
      await store.readRangeEvents(lateDay, {
        lo: bucket.toString(16).padStart(2, '0'),
        hi: (bucket + 1).toString(16).padStart(2, '0'),
      })
    ).length;
    const cost = await run(today, [arrived]);
    expect(cost.eventReads).toBe(before + 1);
    expect(cost.pageWrites).toBe(1);
  });
});
