// FirestoreStore against the Firestore emulator: the shared Store contract, plus what only
// Firestore has (document shapes, timestamps, one write per event).
import { emptySections } from '../support/day-fixture.ts';
import { randomUUID } from 'node:crypto';
import {
  DocumentReference,
  Firestore,
  Query,
  Timestamp,
  type DocumentData,
} from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { DELETE_BATCH_SIZE, FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import {
  describeStoreContract,
  heartbeat,
  pagePart,
  PURGE_EVENT_COUNT,
  pseudonym,
} from '../support/store-contract.ts';

// The client library reads this when a Firestore is constructed, so set it before any is.
process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
// The client still asks google-auth for a universe domain; no metadata server here, so skip the
// lookup (and its MetadataLookupWarning) unless the caller chose otherwise.
process.env.METADATA_SERVER_DETECTION ??= 'none';

/** A client on a project of its own, so every test starts from empty collections. */
function isolatedFirestore(): Firestore {
  return createFirestore({ projectId: `test-${randomUUID()}` });
}

describeStoreContract('FirestoreStore', async () => {
  const db = isolatedFirestore();
  return { store: new FirestoreStore(db), cleanup: () => db.terminate() };
});

describe('FirestoreStore on Firestore', () => {
  let db: Firestore;
  let store: FirestoreStore;

  beforeEach(() => {
    db = isolatedFirestore();
    store = new FirestoreStore(db);
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await db.terminate();
  });

  async function rawDocument(path: string): Promise<DocumentData> {
    const snapshot = await db.doc(path).get();
    expect(snapshot.exists).toBe(true);
    return snapshot.data() ?? {};
  }

  it('purges more than one delete batch in the contract test', () => {
    expect(PURGE_EVENT_COUNT).toBeGreaterThan(DELETE_BATCH_SIZE);
  });

  it('stores an event under its id with Timestamps and no raw install id', async () => {
    const event = heartbeat(pseudonym('alice'), '2026-11-20', 1);
    await store.saveEvents([event]);
    const data = await rawDocument(`events/${event.id}`);

    expect(data.receivedAt).toBeInstanceOf(Timestamp);
    expect(data.expireAt).toBeInstanceOf(Timestamp);
    expect((data.receivedAt as Timestamp).toMillis()).toBe(event.receivedAt);
    expect((data.expireAt as Timestamp).toMillis()).toBe(event.expireAt);
    expect(data.install).toBe(event.install);
    expect(data.day).toBe('2026-11-20');
    // The id is the document's name; a stored field named like an install id would invite
    // someone to put a raw one there.
    expect(Object.keys(data).filter((key) => /^id$|install_?id/i.test(key))).toEqual([]);
  });

  it('stores a page part under buckets/{bucket}/pages/{day}_{bucket}_{part}, queried fields top-level, and a day with its day field', async () => {
    const part = pagePart(
      '2026-11-20',
      ['alice', 'bob'].filter((n) => pseudonym(n).slice(0, 2) === pseudonym('alice').slice(0, 2)),
    );
    await store.writePages([part]);
    const page = await rawDocument(`buckets/${part.bucket}/pages/2026-11-20_${part.bucket}_0`);
    expect(page.day).toBe('2026-11-20');
    expect(page.bucket).toBe(pseudonym('alice').slice(0, 2));
    expect(page.keys).toBe(pseudonym('alice').slice(0, 16));
    // No full pseudonym anywhere in a page: 64 bits of it at most.
    expect(JSON.stringify(page)).not.toContain(pseudonym('alice'));

    await store.writeDays([
      {
        day: '2026-11-20',
        final: false,
        activeInstalls: { d1: 1, d7: 1, d28: 1 },
        newInstalls: 0,
        optOuts: 0,
        events: { heartbeat: 1 },
        ...emptySections(),
        run: { computedAt: '2026-11-21T02:15:00.000Z', documentsRead: 2, documentsWritten: 2 },
      },
    ]);
    expect((await rawDocument('days/2026-11-20')).day).toBe('2026-11-20');
  });

  it('saves 100 events in one call with one parallel create each and no read', async () => {
    const install = pseudonym('busy');
    const events = Array.from({ length: 100 }, (_, n) => heartbeat(install, '2026-11-20', n));
    const originalCreate = DocumentReference.prototype.create;
    let inFlight = 0;
    let maxInFlight = 0;
    const create = vi
      .spyOn(DocumentReference.prototype, 'create')
      .mockImplementation(async function (this: DocumentReference, data) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await originalCreate.call(this, data);
        } finally {
          inFlight -= 1;
        }
      });
    const reads = [
      vi.spyOn(DocumentReference.prototype, 'get'),
      vi.spyOn(Query.prototype, 'get'),
      vi.spyOn(Firestore.prototype, 'getAll'),
    ];

    const started = performance.now();
    expect(await store.saveEvents(events)).toEqual({ created: 100, duplicates: 0 });
    const elapsed = performance.now() - started;

    expect(create).toHaveBeenCalledTimes(100);
    expect(maxInFlight).toBe(100);
    for (const read of reads) expect(read).not.toHaveBeenCalled();
    console.info(`saveEvents(100 events) on the emulator: ${elapsed.toFixed(0)} ms`);

    vi.restoreAllMocks();
    expect(await store.readDayEvents('2026-11-20')).toHaveLength(100);
    expect(await store.saveEvents(events)).toEqual({ created: 0, duplicates: 100 });
  });

  it('passes through errors that are not a duplicate', async () => {
    const failure = Object.assign(new Error('14 UNAVAILABLE: connection reset'), { code: 14 });
    const originalCreate = DocumentReference.prototype.create;
    vi.spyOn(DocumentReference.prototype, 'create').mockImplementation(async function (
      this: DocumentReference,
      data,
    ) {
      if (this.id === events[1]?.id) throw failure;
      return await originalCreate.call(this, data);
    });
    const events = [1, 2, 3].map((n) => heartbeat(pseudonym('flaky'), '2026-11-20', n));

    await expect(store.saveEvents(events)).rejects.toBe(failure);
    vi.restoreAllMocks();
    // The others landed, so a retry of the whole request stores the missing one only.
    expect(await store.saveEvents(events)).toEqual({ created: 1, duplicates: 2 });
  });
});

describe('createFirestore', () => {
  it('uses the emulator host and the given project id', async () => {
    const projectId = `test-${randomUUID()}`;
    const db = createFirestore({ projectId });
    try {
      expect(db.databaseId).toBe('(default)');
      await db.doc('probe/one').set({ ok: true });
      expect((await db.doc('probe/one').get()).data()).toEqual({ ok: true });
      // ignoreUndefinedProperties: an undefined field is dropped instead of rejected.
      await db.doc('probe/two').set({ ok: true, missing: undefined });
      expect((await db.doc('probe/two').get()).data()).toEqual({ ok: true });
    } finally {
      await db.terminate();
    }
  });

  it('falls back to demo-homecall on the emulator when no project is configured', async () => {
    vi.stubEnv('GCLOUD_PROJECT', undefined);
    vi.stubEnv('GOOGLE_CLOUD_PROJECT', undefined);
    const fallback = createFirestore();
    const named = createFirestore({ projectId: 'demo-homecall' });
    const path = `probe/${randomUUID()}`;
    try {
      await fallback.doc(path).set({ ok: true });
      expect((await named.doc(path).get()).data()).toEqual({ ok: true });
    } finally {
      vi.unstubAllEnvs();
      await Promise.all([fallback.terminate(), named.terminate()]);
    }
  });
});
