// Quarantines: a maintainer excludes a flagged cohort from the days not yet published; a day is
// published once, when final, so a published day is never changed, and asking for one is refused
// (publishedDay); releasing a quarantine lets the cohort count again in the days published later.
import { describe, expect, test, vi } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, dayRange, startOfDay, type Day } from '../../../shared/dates.ts';
import {
  findCohort,
  publishedDay,
  recordQuarantine,
  releaseQuarantine,
} from '../../../functions/src/aggregate/cohort.ts';
import { aggregateRange } from '../../../functions/src/aggregate/job.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import { exactView, type ExactView } from '../../support/exact-view.ts';
import {
  bucket,
  fakeCohort,
  ingest,
  publicationSecret,
  publish,
  steadyFleet,
} from '../../support/poisoning.ts';

// Each test aggregates a fleet over weeks: seconds of CPU, far more on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const LAST: Day = '2026-06-30';
const FIRST = addDays(LAST, -39);
const START: Day = addDays(LAST, -8);
const SECOND = addDays(START, 1);
const NIXOS = { version: '1.6.0', os: 'nixos' };

const fleet = steadyFleet(100, 40, LAST);
const cohort = fakeCohort(START, 5, 300, 'cohort');

/**
 * A store of `events`, aggregated up to SECOND two days after it: days up to START - 1 are final
 * (4 days for late arrivals, lateDays) and published; START and SECOND are not yet.
 */
async function setup(events: StoredEvent[]) {
  const store = new MemoryStore();
  await store.saveEvents(events);
  const deps = {
    store,
    clock: () => startOfDay(addDays(SECOND, 2)) + 3_600_000,
    config: deploymentConfig,
    publicationSecret,
  };
  await aggregateRange(deps, FIRST, SECOND);
  return { store, deps };
}

/** Runs the aggregation to LAST, long after: every day final; the exact tallies of each day. */
async function publishRest(deps: Awaited<ReturnType<typeof setup>>['deps']) {
  const later = { ...deps, clock: () => startOfDay(addDays(LAST, 30)) };
  const outcomes = await aggregateRange(later, FIRST, LAST);
  return new Map<Day, ExactView>(outcomes.map((o) => [o.day, exactView(o.exact)]));
}

describe('quarantine of a week-long fake cohort', () => {
  test('a cohort found on a day not yet published is held out of it and of every later day', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    const { store, deps } = await setup([...fleet, ...cohort]);
    // Days before START are final and published; START and SECOND are still open.
    expect(await publishedDay(deps, addDays(START, -1))).toBe(true);
    expect(await publishedDay(deps, START)).toBe(false);
    expect(await publishedDay(deps, SECOND)).toBe(false);
    const published = new Map(store.days);

    // The cohort of SECOND: the 300 installs established on it, and no one else.
    const found = await findCohort(deps, SECOND, NIXOS);
    expect(found.keys).toHaveLength(300);
    expect(found.reports).toBe(0);
    // The same installs were new on the first day; another profile finds nobody.
    expect((await findCohort(deps, START, NIXOS)).keys).toEqual(found.keys);
    expect((await findCohort(deps, SECOND, { os: 'plan9' })).keys).toEqual([]);
    // The fleet's own new installs are not in it: quarantining debian on a day takes only those.
    const debian = await findCohort(deps, SECOND, { os: 'debian' });
    expect(debian.keys.every((k) => !found.keys.includes(k))).toBe(true);

    const quarantine = await recordQuarantine(deps, found);
    expect(quarantine).toMatchObject({
      day: SECOND,
      profile: NIXOS,
      installs: 300,
      releasedAt: null,
    });
    const exact = await publishRest(deps);
    for (const day of dayRange(SECOND, LAST)) {
      const d = exact.get(day) as ExactView;
      const c = clean.get(day) as ExactView;
      // What counts is the clean fleet's, exactly; the published day is the publication of it.
      expect(d.activeInstalls, day).toEqual(c.activeInstalls);
      expect(d.breakdowns, day).toEqual(c.breakdowns);
      expect(bucket(store.days.get(day), 'os', 'nixos'), day).toBe(0);
      const held = d.heldOut?.reasons.find((r) => r.reason === 'quarantined');
      // Held out while it reports (5 days), and says so.
      const reporting = day < addDays(START, 5);
      expect(held, day).toEqual({
        reason: 'quarantined',
        installs: reporting ? 300 : 0,
        reports: reporting ? 300 : 0,
      });
    }
    // The days published before the quarantine are never published again.
    for (const [day, before] of published) expect(store.days.get(day), day).toEqual(before);

    const released = await releaseQuarantine(deps, quarantine.id);
    expect(released?.releasedAt).toBe(deps.clock());
    expect(await store.readQuarantines()).toEqual([released]);
    expect(await releaseQuarantine(deps, 'q-none')).toBeUndefined();
  });

  test('reports without identity matching the profile are held out from the day on', async () => {
    const report = (day: Day, i: number) =>
      ingest(
        {
          installId: null,
          type: 'heartbeat',
          product: { version: '1.6.0' },
          platform: { os: 'nixos', kernel: 'Linux', arch: 'x86_64' },
        },
        day,
        i,
        'cleaninsights',
      );
    const reports = dayRange(START, LAST).flatMap((d) =>
      Array.from({ length: 30 }, (_, i) => report(d, i)),
    );
    const { deps } = await setup([...fleet, ...reports]);
    const found = await findCohort(deps, SECOND, NIXOS);
    expect([found.keys.length, found.reports]).toEqual([0, 30]);
    await recordQuarantine(deps, found);
    const exact = await publishRest(deps);
    // START is before the quarantine's day: its reports were not counted anyway (a cohort's
    // first day), and nothing is held out as quarantined.
    expect(bucket(exact.get(START), 'os', 'nixos')).toBe(0);
    for (const day of dayRange(SECOND, LAST)) {
      const d = exact.get(day) as ExactView;
      expect(bucket(d, 'os', 'nixos'), day).toBe(0);
      expect(d.heldOut?.reasons.find((r) => r.reason === 'quarantined')).toEqual({
        reason: 'quarantined',
        installs: 30,
        reports: 30,
      });
    }
  });
});
