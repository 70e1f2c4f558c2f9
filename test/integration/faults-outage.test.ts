// A Firestore outage between the functions and the store, with the data kept: a TCP proxy in
// front of the emulator is cut (connections destroyed; new ones refused or left hanging) and
// restored. Requests during the cut must get 503 + Retry-After from homecall itself (its store
// deadline), never the platform's timeout; nothing acknowledged before is lost; retries afterwards
// store every event once.
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { STORE_DEADLINE_MS } from '../../functions/src/store/deadline.ts';
import type { Store } from '../../functions/src/store/types.ts';
import {
  batchOf,
  expectUnavailable,
  faultHarness,
  heartbeat,
  retryUntil,
  watchUnhandledRejections,
  type TimedResponse,
} from '../support/fault-harness.ts';
import { startTcpProxy, type CutMode, type TcpProxy } from '../support/tcp-proxy.ts';

const DEADLINE_MS = 1_500;
const NOW = '2026-11-20T10:00:00.000Z';
const emulatorHost = inject('firestoreEmulatorHost');
const previousHost = process.env.FIRESTORE_EMULATOR_HOST;
process.env.METADATA_SERVER_DETECTION ??= 'none';

let proxy: TcpProxy;
let unhandled: ReturnType<typeof watchUnhandledRejections>;
const clients: Firestore[] = [];

beforeAll(async () => {
  proxy = await startTcpProxy(emulatorHost);
  // createFirestore (the production client factory) reads this when a client is constructed.
  process.env.FIRESTORE_EMULATOR_HOST = proxy.host;
  unhandled = watchUnhandledRejections();
});

afterEach(async () => {
  await proxy.restore();
  await Promise.all(clients.splice(0).map((client) => client.terminate()));
  expect(unhandled.reasons.splice(0)).toEqual([]);
});

afterAll(async () => {
  unhandled.stop();
  await proxy.close();
  process.env.FIRESTORE_EMULATOR_HOST = previousHost;
});

/**
 * A fresh project: a store behind the proxy, and a direct line to the emulator to look at it.
 * Outside an outage the handlers get the production store deadline (`healthy`), so a machine
 * slowed by other work is not mistaken for an outage.
 */
function project() {
  const projectId = `faults-${randomUUID()}`;
  const viaProxy = createFirestore({ projectId });
  const [host, port] = emulatorHost.split(':');
  const direct = new Firestore({ projectId, host, port: Number(port), ssl: false });
  clients.push(viaProxy, direct);
  const eventIds = async () =>
    (await direct.collection('events').get()).docs.map((doc) => doc.id).sort();
  return { store: new FirestoreStore(viaProxy), eventIds };
}

/** Sends `send` again, as an agent would after a 503, until it is accepted. */
const retryUntilAccepted = (send: () => Promise<TimedResponse>) => retryUntil(202, send);

const counts = (answer: TimedResponse) =>
  answer.res.body as { accepted: number; duplicates: number };

describe.each<CutMode>(['refuse', 'hang'])('Firestore unreachable (%s)', (mode) => {
  test('503 + Retry-After from homecall; nothing acked is lost; retries store every event once', async () => {
    const { store, eventIds } = project();
    const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
    const healthy = faultHarness(store, { deadlineMs: STORE_DEADLINE_MS, now: NOW });

    const before = [
      heartbeat('acked-a', 'acked-1'),
      heartbeat('acked-b', 'acked-2'),
      heartbeat('acked-c', 'acked-3'),
      batchOf('acked-batch', 10),
    ];
    for (const body of before)
      expect((await healthy.post('/v1/events', body)).res.statusCode).toBe(202);
    const acked = await eventIds();
    expect(acked).toHaveLength(13);

    await proxy.cut(mode);
    const single = heartbeat('outage-a', 'outage-1');
    const batch = batchOf('outage-batch', 8);
    expectUnavailable(await h.post('/v1/events', single));
    expectUnavailable(await h.post('/v1/events', batch));
    expect(await eventIds()).toEqual(acked);
    await proxy.restore();

    const retriedSingle = await retryUntilAccepted(() => h.post('/v1/events', single));
    const retriedBatch = await retryUntilAccepted(() => h.post('/v1/events', batch));
    // A write the client library completed after the 503 is reported as a duplicate.
    expect(counts(retriedSingle.answer).accepted + counts(retriedSingle.answer).duplicates).toBe(1);
    expect(counts(retriedBatch.answer).accepted + counts(retriedBatch.answer).duplicates).toBe(8);

    const stored = await eventIds();
    expect(stored).toHaveLength(13 + 1 + 8);
    expect(stored).toEqual(expect.arrayContaining(acked));
    const again = await healthy.post('/v1/events', batch);
    expect(again.res.body).toMatchObject({ accepted: 0, duplicates: 8 });
    expect(await eventIds()).toEqual(stored);
  });

  test('the stats API answers 503 + Retry-After itself, and 200 after recovery', async () => {
    const { store } = project();
    const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
    const healthy = faultHarness(store, { deadlineMs: STORE_DEADLINE_MS, now: NOW });
    expect((await healthy.getDays('2026-11-01', '2026-11-20')).res.statusCode).toBe(200);
    await proxy.cut(mode);
    expectUnavailable(await h.getDays('2026-11-01', '2026-11-20'));
    await proxy.restore();
    await retryUntil(200, () => h.getDays('2026-11-01', '2026-11-20'));
  });
});

test('a batch cut halfway: the retry reports the events that landed as duplicates', async () => {
  const { store, eventIds } = project();
  // The outage begins after the first half of the batch was written.
  let cutOnce = true;
  let cutDone: Promise<void> = Promise.resolve();
  const cutHalfway: Store = Object.create(store, {
    saveEvents: {
      value: async (events: Parameters<Store['saveEvents']>[0]) => {
        if (!cutOnce) return store.saveEvents(events);
        cutOnce = false;
        cutDone = store.saveEvents(events.slice(0, 5)).then(() => proxy.cut('refuse'));
        await cutDone;
        return store.saveEvents(events);
      },
    },
  }) as Store;
  const h = faultHarness(cutHalfway, { deadlineMs: DEADLINE_MS, now: NOW });
  const batch = batchOf('halfway', 12);

  expectUnavailable(await h.post('/v1/events', batch));
  // On a busy machine the store deadline may pass before the first half is written: wait for it.
  await cutDone;
  expect(await eventIds()).toHaveLength(5);
  await proxy.restore();

  const { answer } = await retryUntilAccepted(() => h.post('/v1/events', batch));
  expect(counts(answer).duplicates).toBeGreaterThanOrEqual(5);
  expect(counts(answer).accepted + counts(answer).duplicates).toBe(12);
  expect(await eventIds()).toHaveLength(12);
});
