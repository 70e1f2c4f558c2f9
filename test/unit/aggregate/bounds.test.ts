// The contribution bounds as the aggregation applies them (config.privacy): whatever one install
// sends on a day, it adds at most eventClip events, valuesPerInstall modules, failure signatures
// and install failure codes, and counterValuesPerInstall counter values of at most
// counterGroupsPerInstall groups, each clipped at counterClip, to the day's exact tallies — the sensitivities the publication's noise is
// calibrated to. Events come from the real ingest pipeline.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import type { EventType } from '../../../shared/schema/event.ts';
import { aggregateDay } from '../../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import { exactView } from '../../support/exact-view.ts';

const DAY = '2026-03-10';
// Every install counted from its first day (the establishment rule off): the bounds are what
// is under test, on installs that count.
const config = {
  ...deploymentConfig,
  screening: { ...deploymentConfig.screening, establishedDays: 1 },
};
const {
  eventClip,
  valuesPerInstall,
  counterClip,
  counterValuesPerInstall,
  counterGroupsPerInstall,
} = config.privacy;
const MODULES = Array.from({ length: valuesPerInstall + 4 }, (_, i) => ({
  name: `mod${String(i).padStart(2, '0')}`,
  version: '1',
}));
const COUNTERS = Object.fromEntries(
  Array.from({ length: counterValuesPerInstall + 4 }, (_, i) => [`ports.p${i}`, counterClip * 5]),
);

let sequence = 0;
function event(install: string, type: EventType, extra: Partial<IncomingEvent> = {}): StoredEvent {
  sequence += 1;
  const prepared = prepareEvent(
    { installId: install, eventId: `b-${sequence}`, type, product: { version: '1.0' }, ...extra },
    [],
    { secret: 'bounds', now: Date.parse(`${DAY}T08:00:00Z`) + sequence, config, source: 'v1' },
  );
  if (!prepared.ok) throw new Error(prepared.issue.message);
  return prepared.event;
}

/** What one very busy install sends on the day. */
function busy(install: string): StoredEvent[] {
  return [
    event(install, 'heartbeat', { modules: MODULES, counters: COUNTERS }),
    ...Array.from({ length: 6 }, (_, i) =>
      event(install, 'crash', { failure: { program: 'd', function: `f${i}`, line: i } }),
    ),
    ...Array.from({ length: valuesPerInstall + 3 }, (_, i) =>
      event(install, 'install_failed', { failure: { code: `F-${i}` } }),
    ),
  ];
}

async function tallies(events: StoredEvent[]) {
  const store = new MemoryStore();
  await store.saveEvents(events);
  const outcome = await aggregateDay(
    {
      store,
      clock: () => Date.parse('2026-04-01T00:15:00Z'),
      config,
      publicationSecret: () => 'n',
    },
    DAY,
  );
  return exactView(outcome.exact);
}

describe('one install’s contribution to a day', () => {
  test('is bounded in every section, whatever it sends', async () => {
    const day = await tallies(busy('busy-1'));
    const events = Object.values(day.events).reduce((s, n) => s + (n ?? 0), 0);
    expect(events).toBe(eventClip);
    const modules = (day.breakdowns.module ?? []).filter((b) => b.value !== 'unknown');
    expect(modules).toHaveLength(valuesPerInstall);
    for (const m of modules) expect(m.installs).toBe(1);
    expect(day.reliability.topFailures.length).toBeLessThanOrEqual(valuesPerInstall);
    expect(day.reliability.topFailures.reduce((s, f) => s + f.events, 0)).toBeLessThanOrEqual(
      day.events.crash ?? 0,
    );
    expect(day.reliability.installFailures).toHaveLength(valuesPerInstall);
    const [ports] = day.counters;
    expect(ports?.values).toHaveLength(counterValuesPerInstall);
    for (const v of ports?.values ?? []) expect(v.sum).toBe(counterClip);
    expect(ports?.installs).toBe(1);
  });

  test('counts counters of at most counterGroupsPerInstall groups', async () => {
    // Two more groups than allowed, two values each: whole groups are dropped, never a group's
    // count without its values.
    const counters = Object.fromEntries(
      Array.from({ length: counterGroupsPerInstall + 2 }, (_, g) => [
        [`group${g}.a`, 3],
        [`group${g}.b`, 5],
      ]).flat(),
    );
    const day = await tallies([event('groups-1', 'report', { counters })]);
    expect(day.counters).toHaveLength(counterGroupsPerInstall);
    for (const group of day.counters) {
      expect(group.installs).toBe(1);
      expect(group.values.map((v) => [v.value, v.sum])).toEqual([
        ['b', 5],
        ['a', 3],
      ]);
    }
  });

  test('keeps the same values on every run, and other installs keep other ones', async () => {
    const kept = async (install: string) =>
      (await tallies(busy(install))).breakdowns.module?.map((b) => b.value).sort();
    expect(await kept('busy-1')).toEqual(await kept('busy-1'));
    const sets = new Set(
      await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (n) => JSON.stringify(await kept(n)))),
    );
    // Picked by a hash of each install's key: five installs do not all keep the same eight.
    expect(sets.size).toBeGreaterThan(1);
  });

  test('leaves an ordinary install exact', async () => {
    const day = await tallies([
      event('calm', 'heartbeat', { modules: MODULES.slice(0, 3), counters: { 'ports.p1': 42 } }),
      event('calm', 'crash', { failure: { code: 'E-1' } }),
    ]);
    expect(day.events).toEqual({ heartbeat: 1, crash: 1 });
    expect(day.breakdowns.module?.map((b) => b.value).sort()).toEqual([
      'mod00@1',
      'mod01@1',
      'mod02@1',
    ]);
    expect(day.reliability.topFailures).toEqual([{ signature: 'E-1', installs: 1, events: 1 }]);
    expect(day.counters).toEqual([
      { group: 'ports', installs: 1, sum: 42, values: [{ value: 'p1', installs: 1, sum: 42 }] },
    ]);
  });
});
