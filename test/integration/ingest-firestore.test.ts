// The ingest handler on the real Firestore client against the emulator: exactly what a request
// leaves in Firestore, document by document.
import { randomUUID } from 'node:crypto';
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { createRateLimiter } from '../../functions/src/http/rate-limit.ts';
import { createIngestHandler } from '../../functions/src/ingest/handler.ts';
import { pseudonymise } from '../../functions/src/identity/pseudonym.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { emulatorFirestore } from '../support/emulator-firestore.ts';
import { FakeResponse, fakeClock, jsonRequest, recordingLogger } from '../support/http-fakes.ts';

const SECRET = 'integration-secret';
const NOW = '2026-11-20T10:00:00.000Z';
let firestore: Firestore;

beforeEach(() => {
  firestore = emulatorFirestore(inject('firestoreEmulatorHost'));
});

afterEach(async () => {
  await firestore.terminate();
});

function handler() {
  const clock = fakeClock(NOW);
  return createIngestHandler({
    store: new FirestoreStore(firestore),
    secret: () => SECRET,
    clock: clock.now,
    config: deploymentConfig,
    log: recordingLogger().log,
    rateLimiter: createRateLimiter({ perSecond: 1000, burst: 1000 }),
  });
}

describe('ingest on Firestore', () => {
  test('a canonical event is stored as exactly one scrubbed, pseudonymous document', async () => {
    const res = new FakeResponse();
    await handler()(
      jsonRequest('/v1/events', {
        schema: 1,
        installId: 'raw-install-id-42',
        eventId: 'evt-1',
        type: 'crash',
        product: { version: '1.6.0', channel: 'stable' },
        platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
        failure: { message: 'cannot reach 10.20.30.40 as bob@example.com', line: 12 },
        attributes: { cpu_cores: 8, secret_thing: 'x' },
        unknownTopLevel: true,
      }),
      res,
    );
    expect(res.statusCode).toBe(202);
    expect(res.body).toEqual({
      accepted: 1,
      duplicates: 0,
      ignoredFields: ['attributes.secret_thing', 'unknownTopLevel'],
    });

    const snapshot = await firestore.collection('events').get();
    expect(snapshot.size).toBe(1);
    const doc = snapshot.docs[0];
    const data = doc?.data() ?? {};
    expect(data).toEqual({
      install: pseudonymise(SECRET, 'raw-install-id-42'),
      day: '2026-11-20',
      type: 'crash',
      source: 'v1',
      receivedAt: Timestamp.fromMillis(Date.parse(NOW)),
      expireAt: Timestamp.fromMillis(Date.parse(NOW) + 90 * 86_400_000),
      product: { version: '1.6.0', channel: 'stable' },
      platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
      failure: { message: 'cannot reach <ip> as <email>', line: 12 },
      attributes: { cpu_cores: 8 },
    });
    expect(JSON.stringify(data)).not.toContain('raw-install-id-42');
    expect(await firestore.collection('installs').get()).toHaveProperty('size', 0);
  });

  test('a retried batch is stored once', async () => {
    const batch = {
      events: [
        { schema: 1, installId: 'a', eventId: '1', type: 'start' },
        { schema: 1, installId: 'b', type: 'heartbeat' },
      ],
    };
    const first = new FakeResponse();
    const second = new FakeResponse();
    const ingest = handler();
    await ingest(jsonRequest('/v1/events', batch), first);
    await ingest(jsonRequest('/v1/events', batch), second);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(second.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect((await firestore.collection('events').get()).size).toBe(2);
  });

  test('an opt-out is stored without any link to the install', async () => {
    const res = new FakeResponse();
    await handler()(
      jsonRequest('/v1/events', { schema: 1, installId: 'leaving', type: 'opt_out' }),
      res,
    );
    expect(res.statusCode).toBe(202);
    const snapshot = await firestore.collection('events').get();
    const doc = snapshot.docs[0];
    expect(doc?.get('install')).toBeNull();
    expect(doc?.id).not.toContain(pseudonymise(SECRET, 'leaving').slice(0, 16));
  });

  test('erase deletes exactly that install', async () => {
    const ingest = handler();
    for (const installId of ['keep', 'erase-me', 'erase-me']) {
      await ingest(
        jsonRequest('/v1/events', {
          schema: 1,
          installId,
          eventId: randomUUID(),
          type: 'heartbeat',
        }),
        new FakeResponse(),
      );
    }
    const res = new FakeResponse();
    // Any form of the id ingest accepts finds what ingest stored.
    await ingest(jsonRequest('/v1/erase', { installId: ' ERASE-ME ' }), res);
    expect(res.body).toEqual({ erased: true });
    const left = await firestore.collection('events').get();
    expect(left.docs.map((d) => d.get('install') as string)).toEqual([
      pseudonymise(SECRET, 'keep'),
    ]);
  });
});
