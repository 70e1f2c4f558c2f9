// The aggregation as Cloud Tasks, with the queues faked: shard tasks in any order, the merge
// enqueued once every shard's partial is stored, a merge that refuses while one is missing, and a
// retried shard or merge that changes nothing.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { startOfDay } from '../../../shared/dates.ts';
import { runScheduledAggregation } from '../../../functions/src/aggregate/job.ts';
import { PartialsMissingError } from '../../../functions/src/aggregate/merge.ts';
import { planScheduled } from '../../../functions/src/aggregate/plan.ts';
import {
  enqueueRun,
  mergeTask,
  shardTask,
  type MergeTask,
  type ShardTask,
} from '../../../functions/src/aggregate/tasks.ts';
import { pseudonymise } from '../../../functions/src/identity/pseudonym.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';

// The run is the first after the late-arrival window: DAY is final, so its merge publishes it.
const TODAY = '2026-05-13';
const DAY = '2026-05-09';
const BEFORE = '2026-05-08';

/**
 * 13 installs reporting on the day and the day before (install i % 13 on both parities of i), so
 * all 13 are established on the day: an install counts from its second day.
 */
function events(): StoredEvent[] {
  return Array.from({ length: 80 }, (_, i) => {
    const day = i % 2 ? DAY : BEFORE;
    const receivedAt = startOfDay(day) + i * 60_000;
    return {
      id: pseudonymise('id', String(i)).slice(0, 40),
      install: pseudonymise('install', String(i % 13)),
      day,
      type: 'heartbeat',
      source: 'v1',
      receivedAt,
      expireAt: receivedAt + 90 * 86_400_000,
      product: { version: i % 2 ? '1.0' : '2.0' },
    } satisfies StoredEvent;
  });
}

async function setup() {
  const store = new MemoryStore();
  await store.saveEvents(events());
  const deps = {
    store,
    clock: () => startOfDay(TODAY) + 900_000,
    config: deploymentConfig,
    publicationSecret: () => 'tasks-noise',
    eventsPerShard: 5,
  };
  const shards: ShardTask[] = [];
  const merges = new Map<string, MergeTask>();
  const queues = {
    shard: async (task: ShardTask) => void shards.push(task),
    merge: async (task: MergeTask, id: string) => void merges.set(id, task),
  };
  return { store, deps, shards, merges, queues };
}

const log = () => {};

describe('aggregation tasks', () => {
  // Every day of the scheduled plan is published twice (fan-out and in process), each with its
  // days before: about 25 s alone, past the unit default of 30 s on a loaded machine.
  test(
    'shards in any order; the last enqueues the merges; the day equals the in-process run',
    { timeout: 120_000 },
    async () => {
      const { store, deps, shards, merges, queues } = await setup();
      const { plan } = await planScheduled(deps);
      expect(plan.shards).toBe(8);
      await enqueueRun(queues, plan);
      expect(shards.map((t) => t.shard)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // Backwards, with shard 3 failing once (it is retried by the queue).
      const order = [...shards].reverse();
      for (const [i, task] of order.entries()) {
        if (task.shard === 3 && i < order.length - 1) {
          store.failWith = new Error('outage');
          await expect(shardTask(deps, queues, task, log)).rejects.toThrow('outage');
          store.failWith = undefined;
          order.push(task);
          continue;
        }
        await shardTask(deps, queues, task, log);
        // No merge while any shard has not stored its partials.
        if (i < order.length - 1) expect(merges.size).toBe(0);
      }
      expect(plan.days.length).toBeGreaterThan(1);
      // Oldest day first, so an in-order queue finds the day before each day published (smoothing).
      expect([...merges.values()].map((m) => m.day)).toEqual([...plan.days].sort());
      // Run newest first (as a retried queue may): each merge publishes the days before it in
      // memory exactly as their own merges then do, so the day equals the in-process run's.
      for (const merge of [...merges.values()].reverse()) await mergeTask(deps, merge, log);
      const published = (await store.readDays(DAY, DAY))[0];
      // A retried merge finds its day published and leaves it as it is.
      for (const merge of merges.values()) await mergeTask(deps, merge, log);
      expect((await store.readDays(DAY, DAY))[0]).toEqual(published);

      const single = new MemoryStore();
      await single.saveEvents(events());
      // The same scheduled plan in one process (each day's window figures are smoothed with the
      // day before as published, so both runs publish the same days before it too).
      const { merged } = await runScheduledAggregation({
        ...deps,
        store: single,
        eventsPerShard: 1e9,
      });
      const expected = merged.find((m) => m.day === DAY);
      expect(merged.find((m) => m.day === BEFORE)?.status).toBe('published');
      // 8 shards or one: the same tallies (13 installs), hence the same noise and the same day.
      expect(expected?.exact.d1.n).toBe(13);
      const { run: _a, ...data } = published ?? ({} as never);
      const { run: _b, ...want } = expected?.aggregate ?? ({} as never);
      expect(data).toEqual(want);
      expect(data.final).toBe(true);
      expect(data.privacy?.epsilon).toBe(deploymentConfig.privacy.epsilon);
    },
  );

  test('without an override the shard count follows aggregation.eventsPerShard of the configuration', async () => {
    const sized = async (eventsPerShard: number) => {
      const { deps } = await setup();
      const config = { ...deploymentConfig, aggregation: { eventsPerShard, shardParallelism: 2 } };
      const { eventsPerShard: _override, ...rest } = deps;
      return (await planScheduled({ ...rest, config })).plan.shards;
    };
    // 40 events of the day: 1 shard at the default size, 4 at 10 per shard, 8 at 5.
    expect(await sized(deploymentConfig.aggregation.eventsPerShard)).toBe(1);
    expect(await sized(10)).toBe(4);
    expect(await sized(5)).toBe(8);
  });

  test('a merge refuses to publish while a shard is missing, and publishes nothing', async () => {
    const { store, deps, shards, queues } = await setup();
    const { plan } = await planScheduled(deps);
    await enqueueRun(queues, plan);
    for (const task of shards.filter((t) => t.shard !== 5))
      await shardTask(deps, queues, task, log);
    const error = await mergeTask(deps, { run: plan.id, day: DAY }, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialsMissingError);
    expect((error as PartialsMissingError).missing).toEqual([5]);
    expect(await store.readDays(DAY, DAY)).toEqual([]);
  });
});
