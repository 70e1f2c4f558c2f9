// The scale benchmark: one simulated day (default 10 M events from 3 M active installs, with 90
// days of history pages) computed as the deployed functions compute it — each shard in its own
// child process (its peak memory measured alone), then the merge — and a smaller day computed
// sharded and in one shard in-process, compared.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays } from '../../shared/dates.ts';
import { shardCount } from '../../functions/src/model/buckets.ts';
import { addExact, emptyExact, exactFromJson } from '../../functions/src/aggregate/exact.ts';
import { publishMerged } from '../../functions/src/aggregate/merge.ts';
import { runShard } from '../../functions/src/aggregate/shard.ts';
import type { RunPlan, StoredPartial } from '../../functions/src/model/stored.ts';
import type { FleetSpec } from './fleet.ts';
import { SimStore, type Counted } from './sim-store.ts';

/** One shard's figures. */
export interface ShardRun {
  shard: number;
  seconds: number;
  /** CPU time the shard used: what it takes on a machine nobody else is using. */
  cpuSeconds: number;
  peakRssMb: number;
}

/** What one simulated day cost. */
export interface ScaleRun {
  events: number;
  installs: number;
  historyDays: number;
  shards: number;
  parallelism: number;
  perShard: ShardRun[];
  mergeSeconds: number;
  wallSeconds: number;
  counted: Counted;
  activeInstalls: { d1: number; d7: number; d28: number };
}

function planFor(spec: FleetSpec, shards: number): RunPlan {
  return {
    id: 'bench',
    createdAt: Date.parse(`${addDays(spec.day, 1)}T00:15:00Z`),
    today: addDays(spec.day, 1),
    days: [spec.day],
    rebuild: [],
    changed: [spec.day],
    shards,
    erasures: [],
  };
}

function mergePartials(spec: FleetSpec, partials: StoredPartial[]) {
  const exact = emptyExact(spec.day);
  for (const p of partials) addExact(exact, exactFromJson(p.exact));
  return publishMerged(
    exact,
    { config: deploymentConfig, publicationSecret: () => 'bench' },
    true,
    {
      computedAt: '2026-01-01T00:00:00.000Z',
      documentsRead: 0,
      documentsWritten: 0,
    },
  );
}

const ZERO: Counted = {
  reads: 0,
  eventReads: 0,
  pageReads: 0,
  countQueries: 0,
  writes: 0,
  pageWrites: 0,
  pageBytes: 0,
};

/** Computes the day of `spec` with each shard in a child process, `parallelism` at a time. */
export async function benchScale(spec: FleetSpec, parallelism: number): Promise<ScaleRun> {
  const shards = shardCount(spec.events, deploymentConfig.aggregation.eventsPerShard);
  const plan = planFor(spec, shards);
  const started = performance.now();
  const results: (ShardRun & { counted: Counted; partials: StoredPartial[] })[] = [];
  let next = 0;
  const worker = async () => {
    for (let shard = next++; shard < shards; shard = next++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          new URL('./shard-child.ts', import.meta.url).pathname,
          JSON.stringify({ spec, plan, shard }),
        ],
        { maxBuffer: 64 << 20 },
      );
      results.push(JSON.parse(stdout) as (typeof results)[number]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, shards) }, worker));
  const mergeStarted = performance.now();
  const day = mergePartials(
    spec,
    results.flatMap((r) => r.partials),
  );
  const ended = performance.now();
  const counted = { ...ZERO };
  for (const r of results)
    for (const key of Object.keys(counted) as (keyof Counted)[]) counted[key] += r.counted[key];
  // The merge reads one partial per shard and writes the day.
  counted.reads += shards;
  counted.writes += 1;
  return {
    events: spec.events,
    installs: spec.installs,
    historyDays: spec.historyDays,
    shards,
    parallelism,
    perShard: results
      .map(({ shard, seconds, cpuSeconds, peakRssMb }) => ({
        shard,
        seconds,
        cpuSeconds,
        peakRssMb,
      }))
      .sort((a, b) => a.shard - b.shard),
    mergeSeconds: (ended - mergeStarted) / 1000,
    wallSeconds: (ended - started) / 1000,
    counted,
    activeInstalls: day.activeInstalls,
  };
}

/** Whether `shards` shards and one shard publish the same day of `spec` (computed in-process). */
export async function benchIdentical(spec: FleetSpec, shards: number): Promise<boolean> {
  const publish = async (n: number) => {
    const store = new SimStore(spec);
    const deps = {
      store,
      clock: () => 0,
      config: deploymentConfig,
      publicationSecret: () => 'bench',
      prefetchEvents: 0,
    };
    const plan = planFor(spec, n);
    for (let shard = 0; shard < n; shard += 1) await runShard(deps, plan, shard);
    return JSON.stringify(mergePartials(spec, store.partials));
  };
  return (await publish(shards)) === (await publish(1));
}
