/** The Firestore Store: `events/{id}`, `installs/{pseudonym}` and `days/{YYYY-MM-DD}`. */
import { Timestamp } from '@google-cloud/firestore';
import type {
  CollectionReference,
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  Query,
} from '@google-cloud/firestore';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import type { DeleteResult, InstallRecord, SaveResult, Store, StoredEvent } from './types.ts';

/** Documents deleted per WriteBatch by eraseInstall and purgeExpired (Firestore allows 500). */
export const DELETE_BATCH_SIZE = 400;

/** Documents written per WriteBatch by writeInstalls and writeDays. */
export const WRITE_BATCH_SIZE = 400;

/** Document references per getAll call in readInstalls. */
export const READ_BATCH_SIZE = 300;

// gRPC status codes the client library reports in `error.code`.
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/** The Store on Firestore; written to behave exactly like MemoryStore. */
export class FirestoreStore implements Store {
  private readonly db: Firestore;
  private readonly events: CollectionReference;
  private readonly installs: CollectionReference;
  private readonly days: CollectionReference;

  constructor(db: Firestore) {
    this.db = db;
    this.events = db.collection('events');
    this.installs = db.collection('installs');
    this.days = db.collection('days');
  }

  async saveEvents(events: StoredEvent[]): Promise<SaveResult> {
    // One create() per event and no read first: the precondition makes a retried event a
    // duplicate at the cost of a single write, and parallel calls keep a 100-event request fast.
    const outcomes = await Promise.allSettled(
      events.map((event) => this.events.doc(event.id).create(toEventData(event))),
    );
    let created = 0;
    let duplicates = 0;
    const failures: unknown[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') created += 1;
      else if (hasCode(outcome.reason, ALREADY_EXISTS)) duplicates += 1;
      else failures.push(outcome.reason);
    }
    // Waiting for every create before throwing means no write is still in flight when the caller
    // retries; the events that did land then count as duplicates, which is what they are.
    if (failures.length > 0) throw failures[0];
    return { created, duplicates };
  }

  async readDayEvents(day: Day): Promise<StoredEvent[]> {
    const snapshot = await this.events.where('day', '==', day).get();
    return snapshot.docs.map(fromEventData);
  }

  async readInstalls(ids: string[]): Promise<Map<string, InstallRecord>> {
    const refs = [...new Set(ids)].map((id) => this.installs.doc(id));
    const chunks: (typeof refs)[] = [];
    for (let i = 0; i < refs.length; i += READ_BATCH_SIZE) {
      chunks.push(refs.slice(i, i + READ_BATCH_SIZE));
    }
    // getAll needs at least one reference, so an empty request never reaches Firestore.
    const snapshots = await Promise.all(chunks.map((chunk) => this.db.getAll(...chunk)));
    const found = new Map<string, InstallRecord>();
    for (const snapshot of snapshots.flat()) {
      if (snapshot.exists) found.set(snapshot.id, fromInstallData(snapshot));
    }
    return found;
  }

  async readInstallsSeenSince(day: Day): Promise<InstallRecord[]> {
    const snapshot = await this.installs.where('lastSeen', '>=', day).get();
    return snapshot.docs.map(fromInstallData);
  }

  async writeInstalls(installs: InstallRecord[]): Promise<void> {
    await this.writeAll(
      installs.map((record) => [this.installs.doc(record.id), toInstallData(record)]),
    );
  }

  async writeDays(days: DayAggregate[]): Promise<void> {
    // The day stays a field as well as the id: readDays queries a range of it.
    await this.writeAll(days.map((day) => [this.days.doc(day.day), withoutUndefined(day)]));
  }

  async readDays(from: Day, to: Day): Promise<DayAggregate[]> {
    const snapshot = await this.days
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .get();
    return snapshot.docs.map((doc) => doc.data() as DayAggregate);
  }

  async eraseInstall(install: string): Promise<DeleteResult> {
    const events = await this.deleteMatching(this.events.where('install', '==', install));
    let installs = 0;
    try {
      // The precondition tells whether the record existed without reading it first.
      await this.installs.doc(install).delete({ exists: true });
      installs = 1;
    } catch (error) {
      if (!hasCode(error, NOT_FOUND)) throw error;
    }
    return { events, installs };
  }

  async purgeExpired(eventsBefore: Day, installsBefore: Day): Promise<DeleteResult> {
    const events = await this.deleteMatching(this.events.where('day', '<', eventsBefore));
    const installs = await this.deleteMatching(
      this.installs.where('lastSeen', '<', installsBefore),
    );
    return { events, installs };
  }

  /** Sets (replaces) each document, a bounded WriteBatch at a time. */
  private async writeAll(writes: [DocumentReference, DocumentData][]): Promise<void> {
    // Batches go one after another: a steady write rate suits Firestore's ramp-up limits better
    // than a burst, and the aggregation that calls this is not latency bound.
    for (let i = 0; i < writes.length; i += WRITE_BATCH_SIZE) {
      const batch = this.db.batch();
      for (const [ref, data] of writes.slice(i, i + WRITE_BATCH_SIZE)) batch.set(ref, data);
      await batch.commit();
    }
  }

  /** Deletes every document `query` matches, in bounded batches; returns how many. */
  private async deleteMatching(query: Query): Promise<number> {
    // Re-running the query until it comes back empty needs no cursor: cursors and offsets are
    // ignored by the Node emulator, and BulkWriter/recursiveDelete are unimplemented there.
    // select() with no fields asks only for references (the emulator ignores it, harmlessly).
    const page = query.select().limit(DELETE_BATCH_SIZE);
    let deleted = 0;
    for (;;) {
      const snapshot = await page.get();
      if (snapshot.empty) return deleted;
      const batch = this.db.batch();
      for (const doc of snapshot.docs) batch.delete(doc.ref);
      await batch.commit();
      deleted += snapshot.size;
    }
  }
}

/** The `events/{id}` document of an event: no `id` field, timestamps as Timestamps. */
function toEventData(event: StoredEvent): DocumentData {
  const data: DocumentData = withoutUndefined({ ...event });
  delete data.id;
  // Timestamps, not numbers: Firestore TTL policies only act on timestamp fields.
  data.receivedAt = Timestamp.fromMillis(event.receivedAt);
  data.expireAt = Timestamp.fromMillis(event.expireAt);
  return data;
}

/** The event an `events/{id}` document holds. */
function fromEventData(doc: DocumentSnapshot): StoredEvent {
  const data = doc.data() ?? {};
  return {
    ...data,
    id: doc.id,
    receivedAt: toMillis(data.receivedAt, doc, 'receivedAt'),
    expireAt: toMillis(data.expireAt, doc, 'expireAt'),
  } as StoredEvent;
}

/** The `installs/{id}` document of an install record. */
function toInstallData(record: InstallRecord): DocumentData {
  const data: DocumentData = withoutUndefined({ ...record });
  delete data.id;
  data.expireAt = Timestamp.fromMillis(record.expireAt);
  return data;
}

/** The install record an `installs/{id}` document holds. */
function fromInstallData(doc: DocumentSnapshot): InstallRecord {
  const data = doc.data() ?? {};
  return {
    ...data,
    id: doc.id,
    expireAt: toMillis(data.expireAt, doc, 'expireAt'),
  } as InstallRecord;
}

/** Epoch milliseconds of a stored Timestamp; anything else is a corrupt document. */
function toMillis(value: unknown, doc: DocumentSnapshot, field: string): number {
  if (value instanceof Timestamp) return value.toMillis();
  throw new Error(`${doc.ref.path}: ${field} is not a Timestamp`);
}

/** A copy without `undefined` properties, which Firestore rejects unless told to ignore them. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined) copy[key] = withoutUndefined(inner);
  }
  return copy as T;
}

/** Whether `error` carries the gRPC status `code`, as the client library's errors do. */
function hasCode(error: unknown, code: number): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
