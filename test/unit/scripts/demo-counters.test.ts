// What `npm start` shows on the Counters page: the demo fleet, seeded as the local stack seeds
// it and aggregated with the default configuration (ε = 8), publishes its LibreNMS-style counter
// groups on the recent final days. Weekly reports (≈ 40 installs a day) never reached a group's
// noisy threshold, and the page said "no data".
import { beforeAll, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { addDays, dayOf } from '../../../shared/dates.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { DEMO_FLEET, seedFleet } from '../../../scripts/lib/demo.ts';

const GROUPS = ['devices', 'os', 'port_type', 'sensors'];
/** The final days looked at: the latest two weeks the site shows. */
const RECENT = 14;
let recent: DayAggregate[] = [];

beforeAll(async () => {
  const now = Date.parse('2026-11-20T12:00:00Z');
  const store = new MemoryStore();
  await seedFleet(store, 'demo-counters-secret', { demo: DEMO_FLEET, now });
  const today = dayOf(now);
  const days = await store.readDays(addDays(today, -(DEMO_FLEET.days - 1)), today);
  recent = days.filter((d) => d.final).slice(-RECENT);
}, 180_000);

test('the demo fleet publishes its counter groups on most recent final days', () => {
  expect(recent).toHaveLength(RECENT);
  for (const group of GROUPS) {
    const shown = recent.filter((d) => d.counters.some((g) => g.group === group));
    // A group reported by ~170-220 installs stays above its noisy threshold on most days.
    expect(shown.length, `${group} on ${shown.length} of ${RECENT} days`).toBeGreaterThanOrEqual(
      RECENT - 3,
    );
  }
});

test('the latest final day has the groups with values, sums and installs', () => {
  const latest = recent.at(-1) as DayAggregate;
  const os = latest.counters.find((g) => g.group === 'os');
  expect(os, 'os on the latest final day').toBeDefined();
  expect(os?.values.map((v) => v.value)).toEqual(expect.arrayContaining(['linux', 'ios']));
  // Every value shown passed its threshold of installs; a small value's noisy sum may be 0, so
  // only linux's (thousands of devices, σ ≈ 1,800) must show.
  for (const value of os?.values ?? []) expect(value.installs).toBeGreaterThan(0);
  expect(os?.values.find((v) => v.value === 'linux')?.sum).toBeGreaterThan(0);
  expect(latest.counters.length).toBeGreaterThanOrEqual(3);
});
