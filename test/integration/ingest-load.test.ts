// The load ledger of the e2e load suite (test/support/load-ledger.ts) against the ingest handler
// on Firestore with a small token bucket, so 429s happen: the functions emulator never answers
// 429 (each of its workers has a bucket of its own and serves one request at a time), and this
// proves the ledger counts them, retries refused bodies, and would see a refused event stored.
// The bucket's clock advances a fixed step per request instead of with the wall clock, so the
// same share of requests is refused however fast the machine answers.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Firestore } from '@google-cloud/firestore';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { createRateLimiter, type RateLimiter } from '../../functions/src/http/rate-limit.ts';
import type { HttpRequest, HttpResponse } from '../../functions/src/http/types.ts';
import { createIngestHandler } from '../../functions/src/ingest/handler.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { formatLoadRun, runIngestLoad } from '../support/ingest-load.ts';
import { CLEAN_VERDICT, formatLedger, loadVerdict } from '../support/load-ledger.ts';
import { emulatorFirestore } from '../support/emulator-firestore.ts';

const SECRET = 'load-ledger-secret';
// 40 tokens a second and 1/80 s per request: after the burst of 20, every other request is
// refused (half a token comes back with each).
const PER_SECOND = 40;
const STEP_MS = 1000 / 80;
let firestore: Firestore;
let server: ReturnType<typeof getTestServer>;
let baseUrl: string;

beforeAll(async () => {
  firestore = emulatorFirestore(inject('firestoreEmulatorHost'));
  const ingest = createIngestHandler({
    store: new FirestoreStore(firestore),
    secret: () => SECRET,
    clock: () => Date.now(),
    config: deploymentConfig,
    log: () => {},
    rateLimiter: requestClockLimiter(),
  });
  http('ingest', (req, res) =>
    ingest(req as unknown as HttpRequest, res as unknown as HttpResponse),
  );
  server = getTestServer('ingest');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** The handler's token bucket, with a clock that moves STEP_MS per request. */
function requestClockLimiter(): RateLimiter {
  const bucket = createRateLimiter({ perSecond: PER_SECOND, burst: 20 });
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  return { take: () => bucket.take((now += STEP_MS)) };
}

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await firestore?.terminate();
});

test('429s are counted, refused bodies retried, and every acknowledged event is stored once', async () => {
  const { ledger, run } = await runIngestLoad({
    baseUrl,
    connections: 10,
    requests: 300,
    rampUp: false,
    runId: `ledger-${randomUUID().slice(0, 8)}`,
    retryEvery: 3,
  });
  const store = await ledger.checkStore(firestore, SECRET);
  const { report } = ledger;
  console.log(`${formatLoadRun(run)}; ${formatLedger(report, store)}`);
  expect(report.rateLimited).toBeGreaterThan(0);
  expect(report.retries.refused).toBeGreaterThan(0);
  expect(report.refusedEvents).toBeGreaterThan(0);
  expect(store.stored).toBeGreaterThan(0);
  expect(loadVerdict(report, store)).toEqual(CLEAN_VERDICT);
});
