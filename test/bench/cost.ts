// What a day of events costs at list prices, from the operation counts the benchmark measured.
import { deploymentConfig } from '../../shared/config.ts';
import { lateDays } from '../../functions/src/aggregate/job.ts';
import type { FirestoreOps } from './firestore-ops.ts';

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
} as const;

/** One line of the estimate. */
export interface CostLine {
  item: string;
  quantityPerDay: number;
  unit: string;
  usdPerDay: number;
}

/** The daily cost of `eventsPerDay`, scaled from the measured operations per event. */
export function dailyCost(ops: FirestoreOps, eventsPerDay: number): CostLine[] {
  const scale = eventsPerDay / ops.acceptedEvents;
  const recomputed = lateDays(deploymentConfig);
  // The first computation of a day writes its installs; the reruns of the late window read the
  // same documents again but write only the day document.
  const reads = (ops.aggregationReads + (recomputed - 1) * ops.rerunReads) * scale;
  const writes = (ops.aggregationWrites + (recomputed - 1) * ops.rerunWrites) * scale;
  const retainedGib =
    ((ops.eventDocumentBytes + ops.eventIndexBytes) *
      eventsPerDay *
      deploymentConfig.eventRetentionDays) /
    2 ** 30;
  const requests = eventsPerDay / ASSUMPTIONS.eventsPerRequest;
  const instanceSeconds = requests * ASSUMPTIONS.secondsPerRequest;
  return [
    {
      item: 'ingest writes',
      quantityPerDay: ops.writesPerEvent * eventsPerDay,
      unit: 'writes',
      usdPerDay: ((ops.writesPerEvent * eventsPerDay) / 1e5) * PRICES.writesPer100k,
    },
    {
      item: `aggregation reads (${recomputed} days recomputed)`,
      quantityPerDay: reads,
      unit: 'reads',
      usdPerDay: (reads / 1e5) * PRICES.readsPer100k,
    },
    {
      item: 'aggregation writes',
      quantityPerDay: writes,
      unit: 'writes',
      usdPerDay: (writes / 1e5) * PRICES.writesPer100k,
    },
    {
      item: 'retention deletes (TTL)',
      quantityPerDay: eventsPerDay,
      unit: 'deletes',
      usdPerDay: (eventsPerDay / 1e5) * PRICES.deletesPer100k,
    },
    {
      item: `storage (${deploymentConfig.eventRetentionDays} days of events, with indexes)`,
      quantityPerDay: retainedGib,
      unit: 'GiB',
      usdPerDay: (retainedGib * PRICES.storagePerGibMonth) / 30,
    },
    {
      item: 'function requests and instance time',
      quantityPerDay: requests,
      unit: 'requests',
      usdPerDay:
        (requests / 1e6) * PRICES.requestsPerMillion +
        instanceSeconds * (PRICES.vcpuSecond + ASSUMPTIONS.memoryGib * PRICES.gibSecond),
    },
  ];
}
