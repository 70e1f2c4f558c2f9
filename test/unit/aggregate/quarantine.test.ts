// Quarantines: a maintainer excludes a flagged cohort, the affected days are published again
// without it, and releasing the quarantine brings the days back as they were.
import { describe, expect, test, vi } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, dayRange, startOfDay, type Day } from '../../../shared/dates.ts';
import {
  affectedDays,
  findCohort,
  recordQuarantine,
  releaseQuarantine,
  republish,
} from '../../../functions/src/aggregate/cohort.ts';
import { aggregateRange } from '../../../functions/src/aggregate/job.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import {
  ATTACK_COHORT,
  bucket,
  fakeCohort,
  ingest,
  publish,
  steadyFleet,
} from '../../support/poisoning.ts';

// Each test aggregates a fleet over weeks: seconds of CPU, far more on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const LAST: Day = '2026-06-30';
const FIRST = addDays(LAST, -39);
const START: Day = addDays(LAST, -8);
const SECOND = addDays(START, 1);
const NIXOS = { version: '1.6.0', os: 'nixos' };

const fleet = steadyFleet(100, 40, LAST);
const cohort = fakeCohort(START, 5, 300, 'cohort');

async function setup(events: StoredEvent[]) {
  const store = new MemoryStore();
  await store.saveEvents(events);
  // The run is on the day after LAST: LAST is yesterday.
  const deps = {
    store,
    clock: () => startOfDay(addDays(LAST, 1)) + 3_600_000,
    config: deploymentConfig,
  };
  await aggregateRange(deps, FIRST, LAST);
  return { store, deps };
}

const strip = ({ run: _run, ...data }: DayAggregate) => data;

describe('quarantine of a week-long fake cohort', () => {
  test('finds the cohort on the day it was flagged, holds it out, and releases it', async () => {
    const clean = await publish(fleet, FIRST, LAST);
    const { store, deps } = await setup([...fleet, ...cohort]);
    const attacked = new Map(store.days);
    expect(attacked.get(SECOND)?.anomaly?.signals).toContainEqual(
      expect.objectContaining({ figure: 'newlyEstablished', profile: ATTACK_COHORT }),
    );

    // The cohort of the flagged day: the 300 installs established on it, and no one else.
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
    expect(affectedDays(deps, SECOND)).toEqual(dayRange(SECOND, LAST));
    await republish(deps, affectedDays(deps, SECOND));
    for (const day of dayRange(SECOND, LAST)) {
      const d = store.days.get(day) as DayAggregate;
      const c = clean.get(day) as DayAggregate;
      expect(d.activeInstalls, day).toEqual(c.activeInstalls);
      expect(d.breakdowns, day).toEqual(c.breakdowns);
      expect(bucket(d, 'os', 'nixos')).toBe(0);
      const held = d.heldOut?.reasons.find((r) => r.reason === 'quarantined');
      // Held out while it reports (5 days), and says so.
      const reporting = day < addDays(START, 5);
      expect(held, day).toEqual({
        reason: 'quarantined',
        installs: reporting ? 300 : 0,
        reports: reporting ? 300 : 0,
      });
      expect(d.anomaly?.signals.some((s) => s.figure !== 'newInstalls') ?? false, day).toBe(false);
    }
    // The first day is not affected: it was never counted, and stays flagged for its new installs.
    expect(strip(store.days.get(START) as DayAggregate)).toEqual(
      strip(attacked.get(START) as DayAggregate),
    );

    const released = await releaseQuarantine(deps, quarantine.id);
    expect(released?.releasedAt).toBe(deps.clock());
    expect(await store.readQuarantines()).toEqual([released]);
    expect(await releaseQuarantine(deps, 'q-none')).toBeUndefined();
    await republish(deps, affectedDays(deps, SECOND));
    for (const day of dayRange(FIRST, LAST))
      expect(strip(store.days.get(day) as DayAggregate), day).toEqual(
        strip(attacked.get(day) as DayAggregate),
      );
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
    const { store, deps } = await setup([...fleet, ...reports]);
    expect(bucket(store.days.get(SECOND), 'os', 'nixos')).toBe(30);
    const found = await findCohort(deps, SECOND, NIXOS);
    expect([found.keys.length, found.reports]).toEqual([0, 30]);
    await recordQuarantine(deps, found);
    await republish(deps, affectedDays(deps, SECOND));
    expect(bucket(store.days.get(START), 'os', 'nixos')).toBe(0);
    for (const day of dayRange(SECOND, LAST)) {
      expect(bucket(store.days.get(day), 'os', 'nixos'), day).toBe(0);
      expect(store.days.get(day)?.heldOut?.reasons.find((r) => r.reason === 'quarantined')).toEqual(
        { reason: 'quarantined', installs: 30, reports: 30 },
      );
    }
  });
});
