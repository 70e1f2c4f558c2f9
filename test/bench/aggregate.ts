// Aggregation compute: the fold over N synthetic events of one day. Each size runs in a child
// process (`node aggregate.ts <n> <fold|job>`) so its peak RSS is its own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { deploymentConfig } from '../../shared/config.ts';
import { buildDayAggregate } from '../../functions/src/aggregate/day.ts';
import { eventsByInstall, recordDay } from '../../functions/src/aggregate/installs.ts';
import { aggregateDay } from '../../functions/src/aggregate/job.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/store/types.ts';

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
const TYPES = ['heartbeat', 'heartbeat', 'heartbeat', 'install', 'upgrade', 'crash'] as const;
const VERSIONS = ['1.4.0', '1.5.0', '1.5.1', '1.6.0'];
const OSES = ['debian', 'ubuntu', 'alpine', 'rhel', 'macos'];

/** Four events per install on average, one in fifty without identity. */
export function syntheticEvents(n: number): StoredEvent[] {
  const receivedAt = Date.parse(`${DAY}T12:00:00Z`);
  const events: StoredEvent[] = [];
  for (let i = 0; i < n; i += 1) {
    const install = i % 50 === 0 ? null : `install-${i % Math.max(1, Math.floor(n / 4))}`;
    events.push({
      id: `event-${i}`,
      install,
      day: DAY,
      type: TYPES[i % TYPES.length] ?? 'heartbeat',
      source: 'v1',
      receivedAt,
      expireAt: receivedAt + 90 * 86_400_000,
      product: { version: VERSIONS[i % VERSIONS.length], channel: 'stable' },
      platform: { os: OSES[i % OSES.length], osVersion: '12', arch: 'x86_64' },
      modules: [{ name: `mod-${i % 7}`, version: '1.0' }],
      attributes: { cpu_cores: 1 + (i % 16), database: i % 2 ? 'postgres' : 'mysql' },
      ...(i % 6 === 5 ? { failure: { message: `boom ${i % 20}`, line: i % 100 } } : {}),
    });
  }
  return events;
}

/** The pure fold: group by install, record the day, build the aggregate. */
function fold(events: StoredEvent[]): void {
  const installs = [...eventsByInstall(events)].map(([id, list]) =>
    recordDay(undefined, id, DAY, list, deploymentConfig.installRetentionDays),
  );
  buildDayAggregate({
    day: DAY,
    events,
    installs,
    final: true,
    config: deploymentConfig,
    run: { computedAt: new Date().toISOString(), documentsRead: 0, documentsWritten: 0 },
  });
}

async function measure(n: number, kind: 'fold' | 'job'): Promise<AggregateRun> {
  const events = syntheticEvents(n);
  const store = new MemoryStore();
  if (kind === 'job') for (const e of events) store.events.set(e.id, e);
  globalThis.gc?.();
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  if (kind === 'fold') fold(events);
  else
    await aggregateDay(
      { store, clock: () => Date.parse('2026-01-20T00:00:00Z'), config: deploymentConfig },
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
