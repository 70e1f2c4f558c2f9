/**
 * The Firestore Store: `events/{id}`, `days/{YYYY-MM-DD}` and the month documents
 * `months/{YYYY-MM}` that day reads go through (`firestore-months.ts`), and the aggregation's
 * own collections: `buckets/{bucket}/pages/{day}_{bucket}_{part}` (activity pages, one
 * subcollection per bucket), `erasures/{pseudonym}`, `runs/{id}` (plans),
 * `partials/{run}_{day}_{shard}`, and the maintainer's `quarantines/{id}` with their cohorts'
 * keys in `quarantineKeys/{id}_{part}`.
 */
import { FieldValue, Timestamp } from '@google-cloud/firestore';
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
import { ANONYMOUS, BUCKETS, bucketId, bucketOf, installKey } from '../model/buckets.ts';
import { eraseFromPages, pageId } from './pages.ts';
import {
  partialId,
  type Erasure,
  type Quarantine,
  type QuarantineKeys,
  type RunPlan,
  type StoredEvent,
  type StoredPage,
  type StoredPartial,
} from '../model/stored.ts';
import {
  type DeleteResult,
  type EventRange,
  type PurgeResult,
  type SaveResult,
  type Store,
} from './types.ts';
import type { DayField, DayProjection } from '../../../shared/days-query.ts';
import { MonthDays } from './firestore-months.ts';

/** Documents deleted per WriteBatch by eraseInstall and purgeExpired (Firestore allows 500). */
export const DELETE_BATCH_SIZE = 400;

/** Documents written per WriteBatch by writeDays and the aggregation's writes. */
export const WRITE_BATCH_SIZE = 400;

/** Bytes of page parts per WriteBatch: a commit is limited to 10 MiB. */
export const PAGE_BATCH_BYTES = 6 * 2 ** 20;

/** Partials written per WriteBatch (each can be large: every bucket of a day's tallies). */
export const PAGE_BATCH_SIZE = 8;

/** Buckets whose old pages are purged at the same time. */
const PURGE_PARALLELISM = 16;

/** Document references per getAll call. */
export const READ_BATCH_SIZE = 300;

// gRPC status codes the client library reports in `error.code`.
const ALREADY_EXISTS = 6;

/** The Store on Firestore; written to behave exactly like MemoryStore. */
export class FirestoreStore implements Store {
  private readonly db: Firestore;
  private readonly events: CollectionReference;
  private readonly days: CollectionReference;
  private readonly buckets: CollectionReference;
  private readonly erasures: CollectionReference;
  private readonly runs: CollectionReference;
  private readonly partials: CollectionReference;
  private readonly quarantines: CollectionReference;
  private readonly quarantineKeys: CollectionReference;
  private readonly monthDays: MonthDays;

  /** `monthPartLimitBytes` lowers the size of a month document (tests of continuations). */
  constructor(db: Firestore, options: { monthPartLimitBytes?: number } = {}) {
    this.db = db;
    this.events = db.collection('events');
    this.days = db.collection('days');
    this.buckets = db.collection('buckets');
    this.erasures = db.collection('erasures');
    this.runs = db.collection('runs');
    this.partials = db.collection('partials');
    this.quarantines = db.collection('quarantines');
    this.quarantineKeys = db.collection('quarantineKeys');
    this.monthDays = new MonthDays(db, options.monthPartLimitBytes);
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

  async countEvents(day: Day, range?: EventRange): Promise<number> {
    const query =
      range === undefined ? this.events.where('day', '==', day) : this.rangeQuery(day, range);
    const snapshot = await query.count().get();
    return snapshot.data().count;
  }

  async readRangeEvents(day: Day, range: EventRange): Promise<StoredEvent[]> {
    const snapshot = await this.rangeQuery(day, range).get();
    return snapshot.docs.map(fromEventData);
  }

  /**
   * The pages of one bucket: a subcollection per bucket keeps every query (and, on the Node
   * emulator, every document creation, which slows with the size of its collection) to one bucket.
   */
  private pagesOf(bucket: string): CollectionReference {
    return this.buckets.doc(bucket).collection('pages');
  }

  /** Events of a day in a range: `install` top-level, so the Node emulator can run it too. */
  private rangeQuery(day: Day, range: EventRange): Query {
    const onDay = this.events.where('day', '==', day);
    // `in [null]`, not `== null`: the Node emulator ignores an IS_NULL filter beside another
    // filter (it returns the whole day) but evaluates `in` with a null value correctly.
    if (range === 'anonymous') return onDay.where('install', 'in', [null]);
    // The composite index (day, install) in firestore.indexes.json serves this on Firestore.
    const from = range.lo === '' ? onDay : onDay.where('install', '>=', range.lo);
    return from.where('install', '<', range.hi);
  }

  async readPages(bucket: string, from: Day, to: Day): Promise<StoredPage[]> {
    const snapshot = await this.pagesOf(bucket)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .get();
    return snapshot.docs.map((doc) => doc.data() as StoredPage);
  }

  async writePages(pages: StoredPage[]): Promise<void> {
    // Batches of up to WRITE_BATCH_SIZE parts and PAGE_BATCH_BYTES: most pages are small, a few
    // are close to a document's 1 MiB, and a commit may carry 10 MiB.
    let batch: [DocumentReference, DocumentData][] = [];
    let bytes = 0;
    for (const page of pages) {
      const size =
        page.keys.length +
        page.snaps.length +
        (page.cons?.length ?? 0) +
        page.local.length +
        page.snapshots.join('').length +
        (page.contribs?.join('').length ?? 0) +
        (page.cohorts?.length ?? 0);
      if (
        batch.length > 0 &&
        (bytes + size > PAGE_BATCH_BYTES || batch.length >= WRITE_BATCH_SIZE)
      ) {
        await this.writeAll(batch);
        batch = [];
        bytes = 0;
      }
      batch.push([this.pagesOf(page.bucket).doc(pageId(page)), page]);
      bytes += size;
    }
    if (batch.length > 0) await this.writeAll(batch);
  }

  async readErasures(): Promise<Erasure[]> {
    const snapshot = await this.erasures.get();
    return snapshot.docs.map((doc) => doc.data() as Erasure);
  }

  async deleteErasures(installs: string[]): Promise<void> {
    for (let i = 0; i < installs.length; i += DELETE_BATCH_SIZE) {
      const batch = this.db.batch();
      for (const install of installs.slice(i, i + DELETE_BATCH_SIZE))
        batch.delete(this.erasures.doc(install));
      await batch.commit();
    }
  }

  async writeRun(run: RunPlan): Promise<void> {
    await this.runs.doc(run.id).set(run);
  }

  async readRun(id: string): Promise<RunPlan | undefined> {
    const snapshot = await this.runs.doc(id).get();
    return snapshot.exists ? (snapshot.data() as RunPlan) : undefined;
  }

  async writePartials(partials: StoredPartial[]): Promise<void> {
    await this.writeAll(
      partials.map((p) => [this.partials.doc(partialId(p.run, p.day, p.shard)), { ...p }]),
      PAGE_BATCH_SIZE,
    );
  }

  async readPartials(ids: string[]): Promise<StoredPartial[]> {
    const found: StoredPartial[] = [];
    for (let i = 0; i < ids.length; i += READ_BATCH_SIZE) {
      const refs = ids.slice(i, i + READ_BATCH_SIZE).map((id) => this.partials.doc(id));
      if (refs.length === 0) continue;
      for (const snapshot of await this.db.getAll(...refs))
        if (snapshot.exists) found.push(snapshot.data() as StoredPartial);
    }
    return found;
  }

  async deleteRunsBefore(run: string): Promise<number> {
    return (
      (await this.deleteMatching(this.partials.where('run', '<', run))) +
      (await this.deleteMatching(this.runs.where('id', '<', run)))
    );
  }

  async writeDays(days: DayAggregate[]): Promise<void> {
    await this.monthDays.write(days);
  }

  readDays(from: Day, to: Day): Promise<DayAggregate[]>;
  readDays(from: Day, to: Day, fields: readonly DayField[] | undefined): Promise<DayProjection[]>;
  async readDays(from: Day, to: Day, fields?: readonly DayField[]): Promise<DayProjection[]> {
    return this.monthDays.read(from, to, fields);
  }

  async eraseInstall(install: string): Promise<DeleteResult> {
    // Take the install out of its bucket's pages too; the erasure makes the next run recompute
    // the days it was in (and strip it again from a page a concurrent run may have rewritten).
    // The pages are read first: a query still waiting when the client shuts down (a fault during
    // an erase) rejects inside the client library, so the erase issues its queries up front.
    const key = installKey(install);
    const [pages, events] = await Promise.all([
      this.pagesOf(bucketId(bucketOf(install))).get(),
      this.deleteMatching(this.events.where('install', '==', install)),
    ]);
    const stripped = eraseFromPages(
      pages.docs.map((doc) => doc.data() as StoredPage),
      key,
    );
    await this.writePages(stripped);
    const days = [...new Set(stripped.map((p) => p.day))].sort();
    if (events === 0 && days.length === 0) return { events, installs: 0 };
    // create() tells a first erasure from a repeat without a read or a transaction (a
    // transaction left running when the client shuts down rejects where nobody listens).
    const ref = this.erasures.doc(install);
    const erasure: Erasure = { install, days, erasedAt: Date.now() };
    let known = days.length > 0;
    try {
      await ref.create(erasure);
    } catch (error) {
      if (!hasCode(error, ALREADY_EXISTS)) throw error;
      known = false;
      await ref.update(
        days.length > 0
          ? { days: FieldValue.arrayUnion(...days), erasedAt: erasure.erasedAt }
          : { erasedAt: erasure.erasedAt },
      );
    }
    return { events, installs: known ? 1 : 0 };
  }

  async purgeExpired(eventsBefore: Day, pagesBefore: Day): Promise<PurgeResult> {
    const events = await this.deleteMatching(this.events.where('day', '<', eventsBefore));
    // One query per bucket: collection-group queries find nothing on the Node emulator.
    const buckets = [...Array.from({ length: BUCKETS }, (_, b) => bucketId(b)), ANONYMOUS];
    let pages = 0;
    for (let i = 0; i < buckets.length; i += PURGE_PARALLELISM) {
      const deleted = await Promise.all(
        buckets
          .slice(i, i + PURGE_PARALLELISM)
          .map((b) => this.deleteMatching(this.pagesOf(b).where('day', '<', pagesBefore))),
      );
      pages += deleted.reduce((a, b) => a + b, 0);
    }
    return { events, pages };
  }

  /** Sets (replaces) each document, a bounded WriteBatch at a time. */
  async writeQuarantine(quarantine: Quarantine, keys?: QuarantineKeys[]): Promise<void> {
    // The keys first: a quarantine document is only ever seen with its whole cohort stored.
    if (keys) {
      await this.deleteMatching(this.quarantineKeys.where('quarantine', '==', quarantine.id));
      await this.writeAll(
        keys.map((part) => [
          this.quarantineKeys.doc(`${part.quarantine}_${part.part}`),
          { ...part },
        ]),
        PAGE_BATCH_SIZE,
      );
    }
    await this.quarantines.doc(quarantine.id).set({ ...quarantine });
  }

  async readQuarantines(): Promise<Quarantine[]> {
    const snapshot = await this.quarantines.get();
    return snapshot.docs
      .map((doc) => doc.data() as Quarantine)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async readQuarantineKeys(id: string): Promise<QuarantineKeys[]> {
    const snapshot = await this.quarantineKeys.where('quarantine', '==', id).get();
    return snapshot.docs.map((doc) => doc.data() as QuarantineKeys).sort((a, b) => a.part - b.part);
  }

  private async writeAll(
    writes: [DocumentReference, DocumentData][],
    batchSize = WRITE_BATCH_SIZE,
  ): Promise<void> {
    // Batches go one after another: a steady write rate suits Firestore's ramp-up limits better
    // than a burst, and the aggregation that calls this is not latency bound.
    for (let i = 0; i < writes.length; i += batchSize) {
      const batch = this.db.batch();
      for (const [ref, data] of writes.slice(i, i + batchSize)) batch.set(ref, data);
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
