/**
 * The aggregation as Cloud Tasks: the payloads, and what each task does. The queues are passed in
 * (firebase-admin's in production and under the tasks emulator), so this stays testable.
 */
import type { Day } from '../../../shared/dates.ts';
import type { RunPlan } from '../model/stored.ts';
import { mergeDay, missingShards } from './merge.ts';
import type { AggregationDependencies } from './plan.ts';
import { runShard } from './shard.ts';

/** Payload of a shard task. */
export interface ShardTask {
  run: string;
  shard: number;
}

/** Payload of a merge task. */
export interface MergeTask {
  run: string;
  day: Day;
}

/** Where tasks go. `id` names a merge task, so enqueuing it twice runs it once. */
export interface TaskQueues {
  shard: (task: ShardTask) => Promise<void>;
  merge: (task: MergeTask, id: string) => Promise<void>;
}

/** Where a task reports what it did: counts and ids of the run only, nothing about installs. */
export type RunLog = (message: string, fields: Record<string, string | number | boolean>) => void;

/** Enqueues one task per shard of `plan` (none when it publishes nothing). */
export async function enqueueRun(queues: TaskQueues, plan: RunPlan): Promise<void> {
  if (plan.days.length === 0) return;
  await Promise.all(
    Array.from({ length: plan.shards }, (_, shard) => queues.shard({ run: plan.id, shard })),
  );
}

async function readPlan(deps: AggregationDependencies, run: string): Promise<RunPlan> {
  const plan = await deps.store.readRun(run);
  // A task of a run whose plan is gone belongs to a run a later one replaced: nothing to do.
  if (!plan) throw new Error(`run ${run}: no plan stored`);
  return plan;
}

/**
 * Runs one shard, then enqueues the merge of every day whose partials are all stored: the last
 * shard to finish sees them all (a partial is stored before its shard looks), so each day's merge
 * is enqueued at least once; the task id makes repeats harmless. Merges are enqueued oldest day
 * first.
 */
export async function shardTask(
  deps: AggregationDependencies,
  queues: TaskQueues,
  task: ShardTask,
  log: RunLog,
): Promise<void> {
  const started = Date.now();
  const plan = await readPlan(deps, task.run);
  await runShard(deps, plan, task.shard);
  const ready: Day[] = [];
  for (const day of plan.days)
    if ((await missingShards(deps, plan, day)).length === 0) ready.push(day);
  // Oldest day first, one after another: a day's window figures are smoothed with the day before
  // as published, so a queue that dispatches in order (the emulator's does) finds each day before
  // stored; out of order (a retry), a merge publishes the run's unpublished days before its own
  // in memory first (merge.ts), which costs it their partials' reads and their publication.
  for (const day of ready.sort())
    await queues.merge({ run: plan.id, day }, `merge-${plan.id}-${day}`);
  log('aggregation shard done', {
    run: plan.id,
    shard: task.shard,
    shards: plan.shards,
    mergesEnqueued: ready.length,
    durationMs: Date.now() - started,
  });
}

/** Merges one day and publishes it when final and new; throws (the queue retries) while a partial is missing. */
export async function mergeTask(
  deps: AggregationDependencies,
  task: MergeTask,
  log: RunLog,
): Promise<void> {
  const plan = await readPlan(deps, task.run);
  const outcome = await mergeDay(deps, plan, task.day);
  log(`aggregation day ${outcome.status}`, { run: plan.id, day: outcome.day });
}
