// A whole day through publishDay: the merged tallies of a simulated fleet (the aggregation's own
// plan, shards and merge, real contributor digests) become a day that the published schema accepts, whose parts add up where
// the site adds them, and that states the parameters it was published with.
import { beforeAll, describe, expect, test } from 'vitest';
import { dayAggregateSchema, OTHER } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import { addDays, dayOf } from '../../../../shared/dates.ts';
import { epsilonFromRho } from '../../../../shared/privacy.ts';
import { aggregateRange, type MergeOutcome } from '../../../../functions/src/aggregate/job.ts';
import { fromTallies } from '../../../../functions/src/aggregate/publication-input.ts';
import { publishDay } from '../../../../functions/src/privacy/publication/publish.ts';
import type { ExactBucket } from '../../../../functions/src/privacy/publication/types.ts';
import { MemoryStore } from '../../../../functions/src/store/memory-store.ts';
import { simulateFleet } from '../../../../scripts/lib/demo.ts';
import { exactView } from '../../../support/exact-view.ts';
import {
  asAggregate,
  bucketOf,
  configWith,
  exactDay,
  names,
} from '../../../support/publication.ts';

const SECRET = 'publish-day-test';
let merged: MergeOutcome[] = [];

beforeAll(async () => {
  const now = Date.parse('2026-05-20T12:00:00Z');
  const today = dayOf(now);
  const first = addDays(today, -39);
  const store = new MemoryStore();
  await store.saveEvents(simulateFleet({ installs: 400, days: 40, seed: 7 }, SECRET, today));
  merged = (
    await aggregateRange(
      { store, clock: () => now, config: deploymentConfig, publicationSecret: () => SECRET },
      first,
      today,
    )
  ).slice(-5);
}, 120_000);

describe('a published day', { timeout: 60_000 }, () => {
  test('passes the published schema and states its parameters', () => {
    for (const { day: d, exact } of merged) {
      const published = publishDay(fromTallies(exact), deploymentConfig, SECRET);
      const day = dayAggregateSchema.parse(asAggregate(d, published));
      expect(day.privacy).toMatchObject({
        mechanism: 'discrete-gaussian-zcdp',
        epsilon: deploymentConfig.privacy.epsilon,
        delta: deploymentConfig.privacy.delta,
        eventClip: deploymentConfig.privacy.eventClip,
      });
      expect(epsilonFromRho(day.privacy?.rho ?? 0, deploymentConfig.privacy.delta / 2)).toBeCloseTo(
        deploymentConfig.privacy.epsilon,
        3,
      );
      expect(day.privacy?.noise.breakdowns?.threshold).toBeGreaterThan(1);
    }
  });

  test('adds up where the site adds up, with non-negative integers', () => {
    for (const { exact } of merged) {
      const p = publishDay(fromTallies(exact), deploymentConfig, SECRET);
      const { d1, d7, d28 } = p.activeInstalls;
      expect(d1).toBeLessThanOrEqual(d7);
      expect(d7).toBeLessThanOrEqual(d28);
      // New installs are no part of d1 (an install counts once established): a day may have
      // more of them than actives, so there is nothing to add up; they stay close to the exact
      // count instead (σ ≈ 4).
      expect(p.established).toBeDefined();
      expect(Math.abs(p.newInstalls - exactView(exact).newInstalls)).toBeLessThan(20);
      expect(p.optOuts).toBe(p.events.opt_out ?? 0);
      for (const [name, buckets] of Object.entries(p.breakdowns)) {
        for (const b of buckets) expect(Number.isInteger(b.installs) && b.installs > 0).toBe(true);
        if (name === 'module') continue;
        expect(buckets.reduce((s, b) => s + b.installs, 0)).toBe(d28);
        expect(buckets.filter((b) => b.value === OTHER).length).toBeLessThanOrEqual(1);
      }
      const rows = p.reliability.versions;
      if (rows.length > 0) expect(rows.reduce((s, r) => s + r.activeInstalls, 0)).toBe(d1);
      for (const r of rows) {
        expect(r.crashedInstalls).toBeLessThanOrEqual(r.activeInstalls);
        expect(r.crashFreeRate).toBeGreaterThanOrEqual(0);
        expect(r.crashFreeRate).toBeLessThanOrEqual(1);
      }
      for (const g of p.counters) {
        expect(g.sum).toBe(g.values.reduce((s, v) => s + v.sum, 0));
        for (const v of g.values) expect(v.installs).toBeLessThanOrEqual(g.installs);
      }
    }
  });

  test('stays close to the exact figures the fleet had', () => {
    for (const outcome of merged) {
      const p = publishDay(fromTallies(outcome.exact), deploymentConfig, SECRET);
      const exact = exactView(outcome.exact);
      // d28 noise σ ≈ 4.4: 6σ is a generous bound for five days.
      expect(Math.abs(p.activeInstalls.d28 - exact.activeInstalls.d28)).toBeLessThan(27);
      const version = new Map(exact.breakdowns.version?.map((b) => [b.value, b.installs]));
      for (const b of p.breakdowns.version ?? []) {
        if (b.value === OTHER) continue;
        expect(Math.abs(b.installs - (version.get(b.value) ?? -1000))).toBeLessThan(40);
      }
    }
  });

  test('tallies from before the screening rules cap new installs at d1, as they were part of it', () => {
    const exact = fromTallies((merged[0] as MergeOutcome).exact);
    const { screening, ...old } = exact;
    expect(screening).toBeDefined();
    const crowded = { ...old, newInstalls: { count: 5000, digest: 'new' } };
    const p = publishDay(crowded, deploymentConfig, SECRET);
    expect(p.established).toBeUndefined();
    expect(p.newInstalls).toBe(p.activeInstalls.d1);
    const now = publishDay({ ...crowded, screening }, deploymentConfig, SECRET);
    expect(now.newInstalls).toBeGreaterThan(4900);
  });

  test('a rerun is identical; another ε is another day', () => {
    const exact = fromTallies((merged[0] as MergeOutcome).exact);
    expect(publishDay(exact, deploymentConfig, SECRET)).toEqual(
      publishDay(exact, deploymentConfig, SECRET),
    );
    const tighter = publishDay(exact, configWith({ epsilon: 1 }), SECRET);
    expect(tighter.privacy.epsilon).toBe(1);
    expect(tighter.privacy.rho).toBeLessThan(0.1);
  });

  test('what is held out re-draws only the figures that say so; what counts re-draws them all', () => {
    const exact = fromTallies((merged[0] as MergeOutcome).exact);
    const before = publishDay(exact, deploymentConfig, SECRET);
    const counted = ({ newInstalls, established, heldOut, ...rest }: typeof before) => rest;
    const said = ({ newInstalls, established, heldOut }: typeof before) => ({
      newInstalls,
      established,
      heldOut,
    });
    // 40 one-shot ids more: new, pending, held out as not established.
    const shift = (c: { count: number; digest: string }, n: number) => ({
      count: c.count + n,
      digest: `${c.digest}+${n}`,
    });
    const screening = exact.screening as NonNullable<typeof exact.screening>;
    const flooded = publishDay(
      {
        ...exact,
        newInstalls: shift(exact.newInstalls, 40),
        screening: {
          ...screening,
          pendingD1: shift(screening.pendingD1, 40),
          pendingD28: shift(screening.pendingD28, 40),
        },
      },
      deploymentConfig,
      SECRET,
    );
    expect(counted(flooded)).toEqual(counted(before));
    expect(said(flooded)).not.toEqual(said(before));
    // One more install in one breakdown bucket: every counted number draws fresh noise, so the
    // actives move although their exact counts did not.
    const [first, ...rest] = exact.breakdowns.os ?? [];
    const moved = publishDay(
      {
        ...exact,
        breakdowns: {
          ...exact.breakdowns,
          os: [
            { ...(first as ExactBucket), installs: (first as ExactBucket).installs + 1 },
            ...rest,
          ],
        },
      },
      deploymentConfig,
      SECRET,
    );
    expect(moved.activeInstalls).not.toEqual(before.activeInstalls);
    expect(moved.events).not.toEqual(before.events);
  });
});

describe('input the aggregation must never hand over', () => {
  test.each([
    [
      'a breakdown the config does not publish',
      exactDay('2026-01-01', { breakdowns: { hostname: [bucketOf('h', names('a', 3))] } }),
      /hostname is not published/,
    ],
    [
      'the same bucket twice (shards not merged)',
      exactDay('2026-01-01', {
        breakdowns: { os: [bucketOf('debian', names('a', 3)), bucketOf('debian', names('b', 3))] },
      }),
      /appears twice/,
    ],
    [
      'a negative count',
      exactDay('2026-01-01', {
        breakdowns: { os: [{ key: 'debian', installs: -1, digest: '0000000000000000' }] },
      }),
      /-1 installs/,
    ],
    [
      'an unknown event type',
      exactDay('2026-01-01', {
        events: [{ key: 'pageview', installs: 1, digest: '0000000000000000' }],
      }),
      /unknown event type/,
    ],
  ])('%s is refused', (_name, exact, message) => {
    expect(() => publishDay(exact, deploymentConfig, SECRET)).toThrow(message);
  });
});
