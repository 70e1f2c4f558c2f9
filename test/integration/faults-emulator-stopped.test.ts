// The Firestore emulator really stopped under a running ingest/stats function: every request
// gets 503 + Retry-After from homecall (its store deadline), nothing crashes and no promise
// rejection goes unhandled; once a store listens again, the same handlers (and the same client) work again.
// The Node emulator keeps its data in memory, so what was stored before is gone: the outage
// test with the TCP proxy is the one that checks that nothing acknowledged is lost.
import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { STORE_DEADLINE_MS } from '../../functions/src/store/deadline.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import {
  startFirestoreEmulator,
  type RunningEmulator,
} from '../../scripts/lib/firestore-emulator.ts';
import {
  batchOf,
  expectUnavailable,
  faultHarness,
  heartbeat,
  retryUntil,
  watchUnhandledRejections,
} from '../support/fault-harness.ts';

const DEADLINE_MS = 1_500;
const NOW = '2026-11-20T10:00:00.000Z';
const previousHost = process.env.FIRESTORE_EMULATOR_HOST;
process.env.METADATA_SERVER_DETECTION ??= 'none';

let emulator: RunningEmulator;
let firestore: Firestore;
const unhandled = watchUnhandledRejections();

beforeAll(async () => {
  // An emulator of this file's own, on a free port, so stopping it disturbs no other test.
  emulator = await startFirestoreEmulator({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  firestore = createFirestore({ projectId: `faults-stopped-${randomUUID()}` });
});

afterAll(async () => {
  // terminate() waits for operations still retrying, which the restarted emulator completes.
  await firestore.terminate();
  await emulator.stop();
  unhandled.stop();
  expect(unhandled.reasons).toEqual([]);
  process.env.FIRESTORE_EMULATOR_HOST = previousHost;
});

test('a stopped emulator: 503 + Retry-After from homecall, no crash, no unhandled rejection', async () => {
  const store = new FirestoreStore(firestore);
  const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
  // Before the stop, the production deadline: a machine slowed by other work is not an outage.
  const healthy = faultHarness(store, { deadlineMs: STORE_DEADLINE_MS, now: NOW });
  expect(
    (await healthy.post('/v1/events', heartbeat('before-stop', 'before-1'))).res.statusCode,
  ).toBe(202);

  await emulator.stop();
  expectUnavailable(await h.post('/v1/events', heartbeat('stopped', 'stopped-1')));
  expectUnavailable(await h.post('/v1/events', batchOf('stopped-batch', 20)));
  expectUnavailable(await h.post('/v1/erase', { installId: 'before-stop' }));
  expectUnavailable(await h.getDays('2026-11-01', '2026-11-20'));
  const failures = h.logger.lines.filter((l) => l.fields.status === 503);
  expect(failures.map((l) => l.severity)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR']);

  // The emulator comes back on the same address (empty): the same handlers recover by themselves.
  const port = Number(emulator.host.split(':')[1]);
  emulator = await startFirestoreEmulator({ port });
  await retryUntil(202, () => h.post('/v1/events', batchOf('after-restart', 5)));
  await retryUntil(200, () => h.getDays('2026-11-01', '2026-11-20'));
  expect(unhandled.reasons).toEqual([]);
});
