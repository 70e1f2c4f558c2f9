/**
 * The aggregation run in one process: the same plan, shards and merges the deployed functions run
 * as separate tasks (index.ts), here called in turn. Used by `npm run aggregate`, `npm start`'s
 * demo data and the tests.
 */
import { dayRange, type Day } from '../../../shared/dates.ts';
import type { PurgeResult } from '../store/types.ts';
import type { RunPlan } from '../model/stored.ts';
import { mergeDay, type MergeOutcome } from './merge.ts';
import { planDays, planScheduled, type AggregationDependencies } from './plan.ts';
import { runShard } from './shard.ts';

export { isFinal, lateDays, type AggregationDependencies } from './plan.ts';
export type { MergeOutcome } from './merge.ts';

/** Progress of a run, reported after each shard and each merge. */
export type ProgressListener = (done: number, total: number, label: string) => void;

/** How a run executes in this process. */
export interface RunOptions {
  /** Shards computed at the same time (default 2). */
  parallelism?: number;
  onProgress?: ProgressListener;
}

/**
 * Computes every shard of `plan`, then merges each of its days in order: what each merge did
 * (published, provisional, kept) with its day.
 */
export async function executePlan(
  deps: AggregationDependencies,
  plan: RunPlan,
  options: RunOptions = {},
): Promise<MergeOutcome[]> {
  if (plan.days.length === 0) return [];
  const total = plan.shards + plan.days.length;
  let done = 0;
  const report = (label: string) => options.onProgress?.((done += 1), total, label);
  let next = 0;
  const worker = async () => {
    for (let shard = next++; shard < plan.shards; shard = next++) {
      await runShard(deps, plan, shard);
      report(`shard ${shard + 1}/${plan.shards}`);
    }
  };
  const parallelism = Math.max(1, Math.min(options.parallelism ?? 2, plan.shards));
  await Promise.all(Array.from({ length: parallelism }, worker));
  const results: MergeOutcome[] = [];
  for (const day of plan.days) {
    results.push(await mergeDay(deps, plan, day));
    report(day);
  }
  return results;
}

/** Recomputes every day from `from` to `to` from its events; publishes those final and new. */
export async function aggregateRange(
  deps: AggregationDependencies,
  from: Day,
  to: Day,
  options: RunOptions = {},
): Promise<MergeOutcome[]> {
  const plan = await planDays(deps, dayRange(from, to));
  return executePlan(deps, plan, options);
}

/** Recomputes one day from its events. */
export async function aggregateDay(deps: AggregationDependencies, day: Day): Promise<MergeOutcome> {
  const [outcome] = await aggregateRange(deps, day, day);
  return outcome as MergeOutcome;
}

/** What a scheduled run did. */
export interface ScheduledRunSummary {
  recomputed: Day[];
  backfilled: Day[];
  purged: PurgeResult;
  shards: number;
  /** What each merge did with its day (published, provisional, kept). */
  merged: MergeOutcome[];
}

/**
 * The daily run in one process: purges what is past retention, backfills days never published,
 * and publishes again the days of the late window that changed (see planScheduled).
 */
export async function runScheduledAggregation(
  deps: AggregationDependencies,
  options: RunOptions = {},
): Promise<ScheduledRunSummary> {
  const { plan, backfilled, recomputed, purged } = await planScheduled(deps);
  const merged = await executePlan(deps, plan, options);
  return { recomputed, backfilled, purged, shards: plan.shards, merged };
}
