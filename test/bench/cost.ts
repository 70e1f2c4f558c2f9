// What a day of events costs at list prices, from the operations the benchmarks counted: ingest
// on the Firestore emulator (writes per event, stored bytes) and the aggregation of a simulated
// day with 90 days of history (SimStore counts what Firestore would bill).
import { deploymentConfig } from '../../shared/config.ts';
import { pageRetentionDays } from '../../functions/src/aggregate/plan.ts';
import type { FirestoreOps } from './firestore-ops.ts';
import type { ScaleRun } from './scale.ts';

/** List prices used (USD; free tiers ignored), as the README's cost section states them. */
export const PRICES = {
  source:
    'Firestore Standard edition, multi-region (nam5); Cloud Run functions, tier 1 region; 2026 list prices',
  readsPer100k: 0.06,
  writesPer100k: 0.18,
  deletesPer100k: 0.02,
  storagePerGibMonth: 0.18,
  requestsPerMillion: 0.4,
  vcpuSecond: 0.000024,
  gibSecond: 0.0000025,
} as const;

/** Assumptions the counts cannot give: how clients send, and how long a request keeps an instance. */
export const ASSUMPTIONS = {
  eventsPerRequest: 1,
  /** Billed instance time per request (Firestore round trip included), at concurrency 1. */
  secondsPerRequest: 0.01,
  memoryGib: 0.25,
  /** A shard task's instance: 1 vCPU, 1 GiB. */
  shardMemoryGib: 1,
  /**
   * Share of events arriving after their day was first computed. Netdata, LibreNMS and Clean
   * Insights bodies carry no time (the server decides the day), so they never arrive late; only
   * canonical clients that send `time` do. The table assumes none; run.ts prints what 1% costs.
   */
  lateShare: 0,
} as const;

/** One line of the estimate. */
export interface CostLine {
  item: string;
  quantityPerDay: number;
  unit: string;
  usdPerDay: number;
}

/**
 * The daily cost of `eventsPerDay`, from the ingest counts and an aggregation run of a simulated
 * day: reads and writes that follow the events are scaled to `eventsPerDay`; page reads and
 * writes follow the 256 buckets and the days of history, not the events, and are taken as counted.
 */
export function dailyCost(
  ops: FirestoreOps,
  day: ScaleRun,
  eventsPerDay: number,
  lateShare: number = ASSUMPTIONS.lateShare,
): CostLine[] {
  const scale = eventsPerDay / day.events;
  const eventReads = day.counted.eventReads * scale;
  // A late event makes its bucket's day read again: late events spread over the 3 days after
  // the first computation and 256 buckets dirty `cells·(1 − e^(−late/cells))` of them.
  const cells = 3 * 256;
  const dirty = cells * (1 - Math.exp(-(lateShare * eventsPerDay) / cells));
  const lateReads = dirty * (eventsPerDay / 256);
  const countReads = Math.max(
    day.counted.countQueries,
    (day.counted.reads - day.counted.eventReads - day.counted.pageReads) * scale,
  );
  const reads = eventReads + lateReads + countReads + day.counted.pageReads;
  const writes = day.counted.writes;
  const pageBytesPerDay = day.counted.pageBytes * Math.max(1, scale);
  const retainedGib =
    ((ops.eventDocumentBytes + ops.eventIndexBytes) *
      eventsPerDay *
      deploymentConfig.eventRetentionDays +
      pageBytesPerDay * pageRetentionDays(deploymentConfig)) /
    2 ** 30;
  const requests = eventsPerDay / ASSUMPTIONS.eventsPerRequest;
  const instanceSeconds = requests * ASSUMPTIONS.secondsPerRequest;
  const shardSeconds =
    day.perShard.reduce((sum, s) => sum + s.seconds, 0) * scale + day.mergeSeconds;
  return [
    {
      item: 'ingest writes',
      quantityPerDay: ops.writesPerEvent * eventsPerDay,
      unit: 'writes',
      usdPerDay: ((ops.writesPerEvent * eventsPerDay) / 1e5) * PRICES.writesPer100k,
    },
    {
      item: 'aggregation reads (events once, pages of 90 days)',
      quantityPerDay: reads,
      unit: 'reads',
      usdPerDay: (reads / 1e5) * PRICES.readsPer100k,
    },
    {
      item: 'aggregation writes (pages, partials, days)',
      quantityPerDay: writes,
      unit: 'writes',
      usdPerDay: (writes / 1e5) * PRICES.writesPer100k,
    },
    {
      item: 'retention deletes (TTL events, purged pages)',
      quantityPerDay: eventsPerDay + day.counted.pageWrites,
      unit: 'deletes',
      usdPerDay: ((eventsPerDay + day.counted.pageWrites) / 1e5) * PRICES.deletesPer100k,
    },
    {
      item: `storage (${deploymentConfig.eventRetentionDays} days of events, ${pageRetentionDays(deploymentConfig)} of pages)`,
      quantityPerDay: retainedGib,
      unit: 'GiB',
      usdPerDay: (retainedGib * PRICES.storagePerGibMonth) / 30,
    },
    {
      item: 'ingest requests and instance time',
      quantityPerDay: requests,
      unit: 'requests',
      usdPerDay:
        (requests / 1e6) * PRICES.requestsPerMillion +
        instanceSeconds * (PRICES.vcpuSecond + ASSUMPTIONS.memoryGib * PRICES.gibSecond),
    },
    {
      item: 'aggregation instance time (shards + merge)',
      quantityPerDay: shardSeconds,
      unit: 'seconds',
      usdPerDay: shardSeconds * (PRICES.vcpuSecond + ASSUMPTIONS.shardMemoryGib * PRICES.gibSecond),
    },
  ];
}
