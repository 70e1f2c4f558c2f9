// Firestore operations: the ingest handler on FirestoreStore against the Node emulator, counting
// the documents each commit writes (writes per accepted event), then reads and writes of
// aggregating that day against the cost bound, and the stored size of what was written. Two
// events per install, as a fleet that sends a heartbeat twice a day would.
import { readFileSync } from 'node:fs';
import type { Firestore } from '@google-cloud/firestore';
import { deploymentConfig } from '../../shared/config.ts';
import { dayOf } from '../../shared/dates.ts';
import { aggregateDay } from '../../functions/src/aggregate/job.ts';
import { createRateLimiter } from '../../functions/src/http/rate-limit.ts';
import type { HttpRequest, HttpResponse } from '../../functions/src/http/types.ts';
import { createIngestHandler } from '../../functions/src/ingest/handler.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { startFirestoreEmulator } from '../../scripts/lib/firestore-emulator.ts';
import { documentSize, indexEntriesSize } from './firestore-size.ts';

/** Fields of the `events` collection that firestore.indexes.json exempts from indexing. */
const UNINDEXED_EVENT_FIELDS = new Set(
  (
    JSON.parse(readFileSync(new URL('../../firestore.indexes.json', import.meta.url), 'utf8')) as {
      fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[] }[];
    }
  ).fieldOverrides
    .filter((o) => o.collectionGroup === 'events' && o.indexes.length === 0)
    .map((o) => o.fieldPath),
);

/** What was counted. */
export interface FirestoreOps {
  acceptedEvents: number;
  ingestWrites: number;
  writesPerEvent: number;
  /** Create attempts a retried (duplicate) batch sends; each fails its precondition. */
  retryWrites: number;
  jobReportedReads: number;
  aggregationReads: number;
  aggregationWrites: number;
  installs: number;
  /**
   * The bound: reads <= events of the day + one count per bucket + one per shard and partial +
   * a constant for the plan's queries (a query that finds nothing is billed one read).
   */
  readBound: number;
  /** Writes <= one page per bucket with events (+ anonymous) + partials + plan + day. */
  writeBound: number;
  /** A recompute of the same day: reads, and writes (no page: nothing changed). */
  rerunReads: number;
  rerunWrites: number;
  /** Mean stored bytes per event document, and of its automatic index entries (approximate). */
  eventDocumentBytes: number;
  eventIndexBytes: number;
  /** The same, were every field indexed (no exemptions). */
  eventIndexBytesAllIndexed: number;
}

type Request = (method: string, request: { writes?: unknown[] }, ...rest: unknown[]) => unknown;

/** Counts the documents written by every commit the client sends. */
function countWrites(db: Firestore): { writes: number } {
  const counter = { writes: 0 };
  const client = db as unknown as { request: Request };
  const original = client.request.bind(db);
  client.request = (method, request, ...rest) => {
    if (method === 'commit' || method === 'batchWrite')
      counter.writes += request.writes?.length ?? 0;
    return original(method, request, ...rest);
  };
  return counter;
}

/** The constant of the read bound: the plan's and the merge's own queries. */
const QUERY_ALLOWANCE = 10;

/** Counts documents read as Firestore bills them: each returned, at least one per query. */
function countReads(store: FirestoreStore): { reads: number } {
  const counter = { reads: 0 };
  const add = (n: number) => (counter.reads += Math.max(1, n));
  const wrap = <A extends unknown[], R>(
    fn: (...args: A) => Promise<R>,
    size: (result: R, args: A) => number,
  ) => {
    const bound = fn.bind(store);
    return async (...args: A) => {
      const result = await bound(...args);
      add(size(result, args));
      return result;
    };
  };
  store.readRangeEvents = wrap(store.readRangeEvents, (r) => r.length);
  store.readPages = wrap(store.readPages, (r) => r.length);
  store.countEvents = wrap(store.countEvents, (n) => Math.ceil(n / 1000));
  store.readPartials = wrap(store.readPartials, (_r, [ids]) => ids.length);
  store.readErasures = wrap(store.readErasures, (r) => r.length);
  return counter;
}

class Res {
  statusCode = 0;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  set(): this {
    return this;
  }
  json(): void {}
  send(): void {}
  end(): void {}
}

/** Ingests `requests` batches of `size` events (plus one retry of the first) and aggregates the day. */
export async function benchFirestoreOps(requests: number, size: number): Promise<FirestoreOps> {
  const emulator = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  // No metadata server to look for on an emulator run (the lookup only prints a warning).
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const db = createFirestore({ projectId: 'demo-homecall-bench' });
  try {
    const writes = countWrites(db);
    const store = new FirestoreStore(db);
    const ingest = createIngestHandler({
      store,
      secret: () => 'bench',
      clock: () => Date.now(),
      config: deploymentConfig,
      log: () => {},
      rateLimiter: createRateLimiter({ perSecond: 1e9, burst: 1e9 }),
    });
    const bodies = Array.from({ length: requests }, (_, r) => ({
      events: Array.from({ length: size }, (_, i) => ({
        schema: 1,
        installId: `install-${Math.floor((r * size + i) / 2)}`,
        eventId: `ops-${r}-${i}`,
        type: 'heartbeat',
        // A typical heartbeat of a monitoring agent.
        product: { version: '1.6.0', channel: 'stable', installMethod: 'kickstart' },
        platform: {
          os: 'debian',
          osVersion: '12',
          kernel: 'Linux',
          kernelVersion: '6.1.0-18-amd64',
          arch: 'x86_64',
          virtualization: 'kvm',
          container: 'none',
        },
        modules: [
          { name: 'go.d', version: '0.58.0' },
          { name: 'python.d', version: '1.6.0' },
          { name: 'ebpf', version: '1.6.0' },
        ],
        attributes: { cpu_cores: 8 },
      })),
    }));
    let ingestWrites = 0;
    for (const [i, body] of [...bodies, bodies[0]].entries()) {
      if (i === requests) ingestWrites = writes.writes;
      const res = new Res();
      const req = {
        method: 'POST',
        path: '/v1/events',
        headers: { 'content-type': 'application/json' },
        rawBody: Buffer.from(JSON.stringify(body)),
        query: {},
      } satisfies HttpRequest;
      await ingest(req, res as unknown as HttpResponse);
      if (res.statusCode !== 202) throw new Error(`ingest answered ${res.statusCode}`);
    }
    const accepted = requests * size;
    const retryWrites = writes.writes - ingestWrites;
    const reads = countReads(store);
    writes.writes = 0;
    const now = Date.now();
    // The run is timed after the late window, so the day is final and published.
    const deps = {
      store,
      clock: () => now + 5 * 86_400_000,
      config: deploymentConfig,
      publicationSecret: () => 'bench',
    };
    const { aggregate } = await aggregateDay(deps, dayOf(now));
    if (!aggregate) throw new Error('the day was not published');
    const aggregationReads = reads.reads;
    const aggregationWrites = writes.writes;
    reads.reads = 0;
    writes.writes = 0;
    await aggregateDay(deps, dayOf(now));
    const installs = accepted / 2;
    const stored = await db.collection('events').get();
    let documentBytes = 0;
    let indexBytes = 0;
    let allIndexedBytes = 0;
    for (const doc of stored.docs) {
      documentBytes += documentSize('events', doc.id, doc.data());
      indexBytes += indexEntriesSize('events', doc.id, doc.data(), UNINDEXED_EVENT_FIELDS);
      allIndexedBytes += indexEntriesSize('events', doc.id, doc.data(), new Set());
    }
    return {
      acceptedEvents: accepted,
      ingestWrites,
      writesPerEvent: ingestWrites / accepted,
      retryWrites,
      jobReportedReads: aggregate.run.documentsRead,
      aggregationReads,
      aggregationWrites,
      installs,
      readBound: accepted + 257 + 2 + QUERY_ALLOWANCE,
      writeBound: 257 + 1 + 1 + 1,
      rerunReads: reads.reads,
      rerunWrites: writes.writes,
      eventDocumentBytes: documentBytes / stored.size,
      eventIndexBytes: indexBytes / stored.size,
      eventIndexBytesAllIndexed: allIndexedBytes / stored.size,
    };
  } finally {
    await db.terminate();
    await emulator.stop();
  }
}
