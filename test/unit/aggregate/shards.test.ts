// Exactness of the fan-out (issue 14): for random fleets, shard counts, orders of arrival and
// screening rules (issue 18: established days, released or learned versions, the cap of failed
// installs published apart), the sharded tallies equal the single-process ones and so does every
// published day (the same tallies and contributor digests draw the same noise), a rerun is
// identical, and scheduled runs fed the events in several batches publish what one full
// recompute publishes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../../shared/config.ts';
import { addDays, dayRange, startOfDay, type Day } from '../../../shared/dates.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import { toContributors, type Tally } from '../../../functions/src/aggregate/digest.ts';
import { exactFromJson } from '../../../functions/src/aggregate/exact.ts';
import { aggregateRange, runScheduledAggregation } from '../../../functions/src/aggregate/job.ts';
import { pseudonymise } from '../../../functions/src/identity/pseudonym.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import {
  snapshotJson,
  snapshotJsonOf,
  snapshotOf,
} from '../../../functions/src/aggregate/snapshot.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import type { MergeOutcome } from '../../../functions/src/aggregate/merge.ts';
import { exactViews } from '../../support/exact-view.ts';

const config = deploymentConfig;
const FIRST: Day = '2026-06-01';
const DAYS = 8;
const LAST = addDays(FIRST, DAYS - 1);
const TODAY = addDays(LAST, 1);

const eventArbitrary = fc.record({
  install: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null, freq: 8 }),
  day: fc.integer({ min: 0, max: DAYS - 1 }),
  type: fc.constantFrom<EventType>(...EVENT_TYPES),
  version: fc.constantFrom('1.0', '1.1', '2.0', undefined),
  os: fc.constantFrom('debian', 'ubuntu', undefined),
  modules: fc.subarray(['web', 'db', 'gpu']),
  counters: fc.option(
    fc.dictionary(fc.constantFrom('os.linux', 'os.ios', 'os.junos', 'disk.ssd'), fc.nat(50)),
    { nil: undefined },
  ),
  code: fc.constantFrom('F1', 'F2', undefined),
  second: fc.nat(86_000),
  // Now and then an event carries a verified proof of work (its install counts from that day).
  proof: fc.constantFrom(false, false, false, false, false, true),
});

/** Stored events from the generated ones: pseudonymised installs, unique hex ids. */
type Generated = typeof eventArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Stored events from the generated ones. */
function toEvents(generated: Generated[]): StoredEvent[] {
  return generated.map((g, i) => {
    const day = addDays(FIRST, g.day);
    const receivedAt = startOfDay(day) + g.second * 1000;
    const install =
      g.install === null || g.type === 'opt_out' ? null : pseudonymise('p', `i${g.install}`);
    return {
      id: pseudonymise('id', String(i)).slice(0, 40),
      install,
      day,
      type: g.type,
      source: 'v1',
      receivedAt,
      expireAt: receivedAt + 90 * 86_400_000,
      product: g.version ? { version: g.version } : undefined,
      platform: g.os ? { os: g.os } : undefined,
      modules: g.modules.map((name) => ({ name, version: '1' })),
      counters: g.counters,
      failure: g.code || g.type === 'crash' ? { code: g.code, program: 'p', line: 3 } : undefined,
      ...(g.proof && install !== null ? { proof: true as const } : {}),
    };
  });
}

/** One generated event, as a base for the snapshot property. */
const GENERATED_ONE = fc.sample(eventArbitrary, { numRuns: 1, seed: 1 })[0] as Generated;

const dataOf = (days: DayAggregate[]) =>
  days.map(({ run: _run, ...data }) => data).sort((a, b) => a.day.localeCompare(b.day));
/** The published days of a run (final ones), without their run figures. */
const publishedOf = (outcomes: MergeOutcome[]) =>
  dataOf(outcomes.flatMap((o) => (o.aggregate ? [o.aggregate] : [])));

const publicationSecret = () => 'shards-noise';

/**
 * The screening rules a run may be configured with: how many days make an install established,
 * released versions listed or learned, and the daily cap of failed installs published apart.
 */
const screeningArbitrary = fc.record({
  establishedDays: fc.constantFrom(1, 2, 3),
  releasedVersions: fc.constantFrom(undefined, ['1.0', '1.1'], ['1.*', '2.0']),
  unestablishedInstallFailuresPerDay: fc.constantFrom(0, 1, 3, 50),
});

async function aggregate(
  events: StoredEvent[],
  eventsPerShard: number,
  runConfig: DeploymentConfig = config,
  from: Day = FIRST,
) {
  const store = new MemoryStore();
  await store.saveEvents(events);
  const deps = {
    store,
    clock: () => startOfDay(TODAY) + 900_000,
    config: runConfig,
    publicationSecret,
    eventsPerShard,
  };
  const days = await aggregateRange(deps, from, LAST, { parallelism: 3 });
  return { store, deps, days };
}

describe('sharded aggregation is exact', () => {
  test('any shard count, order of saving and screening rules give the single-process result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        screeningArbitrary,
        async (generated, perShard, seed, rules) => {
          const { releasedVersions, ...rest } = rules;
          const screening = { ...config.screening, ...rest };
          if (releasedVersions) screening.releasedVersions = [...releasedVersions];
          else delete screening.releasedVersions;
          const runConfig: DeploymentConfig = { ...config, screening };
          const events = toEvents(generated);
          const single = await aggregate(events, Number.MAX_SAFE_INTEGER, runConfig);
          const shuffled = [...events].sort(
            (a, b) => ((a.id.charCodeAt(3) * seed) % 97) - ((b.id.charCodeAt(3) * seed) % 97),
          );
          const sharded = await aggregate(shuffled, perShard, runConfig);
          expect(single.days.length).toBe(DAYS);
          expect(exactViews(sharded.days)).toEqual(exactViews(single.days));
          // Days before the late window are final: published, the same noise either way.
          expect(publishedOf(single.days).map((d) => d.day)).toEqual(
            dayRange(FIRST, addDays(TODAY, -4)),
          );
          expect(publishedOf(sharded.days)).toEqual(publishedOf(single.days));
          // A rerun over the same events computes the same tallies and keeps what is published.
          const rerun = await aggregateRange(sharded.deps, FIRST, LAST);
          expect(exactViews(rerun)).toEqual(exactViews(single.days));
          expect(publishedOf(rerun)).toEqual(publishedOf(single.days));
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  test('scheduled runs over events arriving in batches publish what one full recompute does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary, { minLength: 1, maxLength: 100 }),
        fc.array(fc.nat(2), { minLength: 100, maxLength: 100 }),
        fc.integer({ min: 1, max: 40 }),
        async (generated, batchOf, perShard) => {
          const events = toEvents(generated);
          const lateStart = addDays(TODAY, -4);
          const store = new MemoryStore();
          const deps = {
            store,
            clock: () => startOfDay(TODAY) + 900_000,
            config,
            publicationSecret,
            eventsPerShard: perShard,
          };
          // Batch 0 holds every day up to the one that is final at the runs' time; later batches
          // only the days after it (no event can arrive for a final day), as late events do.
          let last: MergeOutcome[] = [];
          for (let batch = 0; batch < 3; batch += 1) {
            await store.saveEvents(
              events.filter((e, i) => {
                const b = e.day <= lateStart ? 0 : (batchOf[i] ?? 0);
                return b === batch;
              }),
            );
            last = (await runScheduledAggregation(deps)).merged;
          }
          // The full recompute covers the days the scheduled runs publish: every day of
          // retention (those before FIRST are empty, but published with noise, and each day's
          // window figures are smoothed with the day before as published).
          const retentionStart = addDays(TODAY, -config.eventRetentionDays);
          const full = await aggregate(events, Number.MAX_SAFE_INTEGER, config, retentionStart);
          const published = await store.readDays(retentionStart, LAST);
          expect(published.map((d) => d.day)).toEqual(dayRange(retentionStart, lateStart));
          expect(dataOf(published)).toEqual(publishedOf(full.days));
          // The days still open were computed by the last run from every batch's events.
          const open = exactViews(full.days).filter((d) => d.day > lateStart);
          expect(exactViews(last).filter((d) => d.day > lateStart)).toEqual(open);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  test('the stored partials and exact tallies carry a digest that merges across shards', async () => {
    const events = toEvents(
      fc
        .sample(eventArbitrary, { numRuns: 80, seed: 42 })
        .map((e) => ({ ...e, install: e.install ?? 1 })),
    );
    const many = await aggregate(events, 1);
    const one = await aggregate(events, Number.MAX_SAFE_INTEGER);
    const digests = (store: MemoryStore, day: Day) => {
      let hi = 0n;
      for (const p of store.partials.values()) {
        if (p.day !== day) continue;
        const exact = JSON.parse(p.exact) as { d28: { digest: string } };
        hi ^= BigInt(`0x${exact.d28.digest}`);
      }
      return hi;
    };
    const shards = new Set([...many.store.partials.values()].map((p) => p.shard));
    expect(shards.size).toBeGreaterThan(1);
    // The XOR of the shards' digests is the single process's digest: the same installs.
    for (const day of dayRange(FIRST, LAST))
      expect(digests(many.store, day)).toBe(digests(one.store, day));
    // And it is the XOR of the contributors' first 64 bits, computed here from scratch.
    const active = new Set(
      events
        .filter((e) => e.day === LAST && e.install !== null)
        .map((e) => (e.install as string).slice(0, 16)),
    );
    const anonymous = events.filter(
      (e) => e.day === LAST && e.install === null && e.type !== 'opt_out',
    );
    let expected = 0n;
    for (const key of active) expected ^= BigInt(`0x${key}`);
    for (const e of anonymous) expected ^= BigInt(`0x${e.id.slice(0, 16)}`);
    // Every install active on the day is counted (d1), waits to be established (pending), or
    // (counted by a proof of work, versions learned) waits in the partial for the merge to know
    // its version: together their digests are every contributor's.
    const digestOf = (t: Tally) => BigInt(`0x${toContributors(t).digest}`);
    const d1 = [...one.store.partials.values()]
      .filter((p) => p.day === LAST)
      .map((p) => exactFromJson(p.exact))
      .map((e) =>
        [...e.provisional.values()].reduce(
          (x, waiting) => x ^ digestOf(waiting.d1),
          digestOf(e.d1) ^ digestOf(e.screening.pendingD1),
        ),
      )
      .reduce((a, b) => a ^ b, 0n);
    expect(d1).toBe(expected);
  });
});

describe('snapshots written straight from events', () => {
  test('equal the canonical JSON of snapshotOf for any events in receipt order', () => {
    const part = fc.option(fc.constantFrom('a', 'b', 'é"\\'), { nil: undefined });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            product: fc.option(fc.record({ version: part, channel: part, installMethod: part }), {
              nil: undefined,
            }),
            platform: fc.option(
              fc.record({ os: part, kernel: part, kernelVersion: part, arch: part }),
              {
                nil: undefined,
              },
            ),
            modules: fc.option(
              fc.array(fc.record({ name: fc.constantFrom('x', 'y'), version: part })),
              {
                nil: undefined,
              },
            ),
            attributes: fc.option(
              fc.dictionary(
                fc.constantFrom('z', 'a', 'm"'),
                fc.oneof(fc.integer(), fc.boolean(), fc.string()),
              ),
              { nil: undefined },
            ),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (partial) => {
          const events = partial.map(
            (p, i) => ({ ...toEvents([GENERATED_ONE])[0], ...p, id: String(i) }) as StoredEvent,
          );
          const snapshot = snapshotOf(events);
          expect(snapshotJsonOf(events)).toEqual({
            json: snapshotJson(snapshot),
            version: snapshot.version,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
