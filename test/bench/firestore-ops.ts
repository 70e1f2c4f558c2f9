// Firestore operations: the ingest handler on FirestoreStore against the Node emulator, counting
// the documents each commit writes (writes per accepted event), then reads and writes of
// aggregating that day.
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

/** Counts documents read: one per returned document, one per looked-up id, one per empty query. */
function countReads(store: FirestoreStore): { reads: number } {
  const counter = { reads: 0 };
  const add = (n: number) => (counter.reads += Math.max(1, n));
  const readDayEvents = store.readDayEvents.bind(store);
  const readInstalls = store.readInstalls.bind(store);
  const readSince = store.readInstallsSeenSince.bind(store);
  store.readDayEvents = async (day) => {
    const found = await readDayEvents(day);
    add(found.length);
    return found;
  };
  store.readInstalls = async (ids) => {
    add(ids.length);
    return readInstalls(ids);
  };
  store.readInstallsSeenSince = async (day) => {
    const found = await readSince(day);
    add(found.length);
    return found;
  };
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
        installId: `install-${(r * size + i) % 50}`,
        eventId: `ops-${r}-${i}`,
        type: 'heartbeat',
        product: { version: '1.6.0' },
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
    const aggregate = await aggregateDay(
      { store, clock: () => now, config: deploymentConfig },
      dayOf(now),
    );
    return {
      acceptedEvents: accepted,
      ingestWrites,
      writesPerEvent: ingestWrites / accepted,
      retryWrites,
      jobReportedReads: aggregate.run.documentsRead,
      aggregationReads: reads.reads,
      aggregationWrites: writes.writes,
    };
  } finally {
    await db.terminate();
    await emulator.stop();
  }
}
