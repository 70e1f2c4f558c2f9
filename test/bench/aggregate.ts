// Aggregation compute: the fold over N synthetic events of one day (four per install, hex
// pseudonyms spread over every bucket). Each size runs in a child process
// (`node aggregate.ts <n> <fold|job>`) so its peak RSS is its own.
//   fold: what a shard does with the events once read — a page per bucket, its history, the
//         exact tallies summed, and the publication of the day;
//   job:  the whole in-process run (plan, shard, merge) on a MemoryStore holding the events.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { deploymentConfig } from '../../shared/config.ts';
import { BUCKETS, bucketId } from '../../functions/src/model/buckets.ts';
import { addExact, emptyExact } from '../../functions/src/aggregate/exact.ts';
import { bucketHistory } from '../../functions/src/aggregate/history.ts';
import { aggregateDay } from '../../functions/src/aggregate/job.ts';
import { buildPage, pageLocal, type Page } from '../../functions/src/aggregate/page.ts';
import { publishMerged } from '../../functions/src/aggregate/merge.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import { eventsOfBucket, type FleetSpec } from './fleet.ts';

/** One measured size. */
export interface AggregateRun {
  kind: 'fold' | 'job';
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMb: number;
  baselineRssMb: number;
}

const DAY = '2026-01-15';

/** The events of a day of `n` events from n / 4 installs, by bucket. */
export function syntheticDay(n: number): StoredEvent[][] {
  const spec: FleetSpec = {
    day: DAY,
    events: n,
    installs: Math.max(1, Math.floor(n / 4)),
    historyDays: 0,
  };
  return Array.from({ length: BUCKETS }, (_, b) => eventsOfBucket(spec, b));
}

/** The fold of a shard over every bucket's events of the day. */
function fold(byBucket: StoredEvent[][]): void {
  const total = emptyExact(DAY);
  byBucket.forEach((events, b) => {
    const page: Page = buildPage(DAY, bucketId(b), events, deploymentConfig);
    addExact(total, pageLocal(page));
    const history = bucketHistory(new Map([[DAY, page]]), [DAY], deploymentConfig).get(DAY);
    if (history) addExact(total, history);
  });
  publishMerged(total, { config: deploymentConfig, publicationSecret: () => 'bench' }, true, {
    computedAt: new Date().toISOString(),
    documentsRead: 0,
    documentsWritten: 0,
  });
}

async function measure(n: number, kind: 'fold' | 'job'): Promise<AggregateRun> {
  const byBucket = syntheticDay(n);
  const store = new MemoryStore();
  if (kind === 'job')
    for (const events of byBucket) for (const e of events) store.events.set(e.id, e);
  globalThis.gc?.();
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  if (kind === 'fold') fold(byBucket);
  else
    await aggregateDay(
      {
        store,
        clock: () => Date.parse('2026-01-20T00:00:00Z'),
        config: deploymentConfig,
        publicationSecret: () => 'bench',
      },
      DAY,
    );
  const seconds = (performance.now() - started) / 1000;
  return {
    kind,
    events: n,
    seconds,
    eventsPerSecond: n / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb,
  };
}

/** Measures one size in a fresh child process. */
export async function benchAggregate(n: number, kind: 'fold' | 'job'): Promise<AggregateRun> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=4096',
      new URL(import.meta.url).pathname,
      String(n),
      kind,
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as AggregateRun;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const kind = process.argv[3] === 'job' ? 'job' : 'fold';
  console.log(JSON.stringify(await measure(Number(process.argv[2]), kind)));
}
