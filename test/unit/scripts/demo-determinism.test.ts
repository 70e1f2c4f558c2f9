// Reproducible demo data: `npm start` seeds the demo fleet (scripts/lib/demo.ts) and publishes
// it; two runs on the same day with the same local secret must publish the same figures. The
// publication draws its noise from the exact data (who is behind each count), so any difference in
// the stored events — a random document id is enough — changes every number of the day. Before
// the demo keyed its identity-less (Clean Insights) reports like ingest keys a request, each run
// gave them random ids and published different noise.
import { expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { addDays, dayOf } from '../../../shared/dates.ts';
import { aggregateRange } from '../../../functions/src/aggregate/job.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { seedFleet, simulateFleet, type DemoOptions } from '../../../scripts/lib/demo.ts';

const SECRET = 'demo-determinism-secret';
const FLEET: DemoOptions = { installs: 60, days: 14, seed: 20261122 };
const NOW = Date.parse('2026-11-20T12:00:00Z');
const TODAY = dayOf(NOW);

/** Every day the store holds, as the site reads them. */
async function publishedDays(store: MemoryStore): Promise<DayAggregate[]> {
  return store.readDays(addDays(TODAY, -(FLEET.days - 1)), TODAY);
}

test('the simulated fleet is the same event for event, identity-less reports included', () => {
  const first = simulateFleet(FLEET, SECRET, TODAY);
  const second = simulateFleet(FLEET, SECRET, TODAY);
  const anonymous = first.filter((e) => e.source === 'cleaninsights');
  expect(anonymous.length).toBe(6 * FLEET.days);
  // Six reports a day, each its own document: keyed, not collapsed into one.
  expect(new Set(anonymous.map((e) => e.id)).size).toBe(anonymous.length);
  expect(second).toEqual(first);
});

test('two seedings with the same secret publish identical days', { timeout: 120_000 }, async () => {
  const stores = [new MemoryStore(), new MemoryStore()];
  for (const store of stores) await seedFleet(store, SECRET, { demo: FLEET, now: NOW });
  const [first = [], second = []] = await Promise.all(stores.map(publishedDays));
  expect(first.length).toBeGreaterThan(5);
  expect(first.every((d) => d.privacy !== undefined && d.final)).toBe(true);
  expect(second).toEqual(first);
});

test(
  'the published figures depend on the stored events alone: not on the order they were stored in, nor on when the run happens',
  { timeout: 120_000 },
  async () => {
    const events = simulateFleet({ ...FLEET, days: FLEET.days + 30 }, SECRET, TODAY);
    const first = addDays(TODAY, -(FLEET.days + 29));
    const publish = async (stored: typeof events, clock: number) => {
      const store = new MemoryStore();
      await store.saveEvents(stored);
      const outcomes = await aggregateRange(
        { store, clock: () => clock, config: deploymentConfig, publicationSecret: () => SECRET },
        first,
        TODAY,
      );
      // The figures, without `run` (when it was computed and what that cost).
      return outcomes.flatMap((o) => {
        if (o.status !== 'published' || !o.aggregate) return [];
        const { run: _run, ...figures } = o.aggregate;
        return [figures];
      });
    };
    const inOrder = await publish(events, NOW);
    // Stored newest first, by a run an hour later: the same days, the same noise.
    const reversed = await publish([...events].reverse(), NOW + 3_600_000);
    expect(inOrder.length).toBeGreaterThan(30);
    expect(reversed).toEqual(inOrder);
  },
);
