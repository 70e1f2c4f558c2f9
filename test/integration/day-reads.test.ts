// Issue 11 item 10 on the Firestore emulator: a request for any range of days reads a bounded,
// small number of documents — one per calendar month it touches that has data (≤ 38 for the
// longest range the API answers) plus one (the range's first day document, which tells the
// months before the data from months written before month documents existed) — through the
// store and through the stats handler. Documents are counted as Firestore bills them: each
// document a getAll asks for, and each document a query returns (at least one per query).
// (The store reads months with one range query; getAll is counted in case it ever uses one.)
import { randomUUID } from 'node:crypto';
import { Query, type Firestore } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { addDays, dayRange } from '../../shared/dates.ts';
import { MAX_RANGE_DAYS, projectDay } from '../../shared/days-query.ts';
import { createStatsHandler } from '../../functions/src/stats/handler.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { monthsBetween } from '../../functions/src/store/month-documents.ts';
import { emulatorFirestore } from '../support/emulator-firestore.ts';
import { fakeRequest, FakeResponse } from '../support/http-fakes.ts';
import { netdataDays } from '../support/netdata-days.ts';
import { dayAggregate } from '../support/store-contract.ts';

const TODAY = '2026-11-30';
/** The most months a range of MAX_RANGE_DAYS days can touch (checked in month-documents tests). */
const MOST_MONTHS = 38;
/** The most documents one request may read: every month, plus the range's first day document. */
const MOST_READS = MOST_MONTHS + 1;

let db: Firestore;
let reads = 0;

beforeEach(() => {
  db = emulatorFirestore(inject('firestoreEmulatorHost'), `test-${randomUUID()}`);
  reads = 0;
  const getAll = db.getAll.bind(db);
  vi.spyOn(db, 'getAll').mockImplementation((...args) => {
    reads += args.filter((a) => typeof a === 'object' && a !== null && 'path' in a).length;
    return getAll(...args);
  });
  const get = Query.prototype.get;
  vi.spyOn(Query.prototype, 'get').mockImplementation(async function (this: Query) {
    const snapshot = await get.call(this);
    if (this.firestore === db) reads += Math.max(1, snapshot.size);
    return snapshot;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await db.terminate();
});

/** Documents read by `work`. */
async function counted<T>(work: () => Promise<T>): Promise<{ value: T; reads: number }> {
  const before = reads;
  const value = await work();
  return { value, reads: reads - before };
}

describe('reading days costs one document per month', () => {
  it(`three years of days: any range reads one document per month it touches, plus one (≤ ${MOST_READS})`, async () => {
    const store = new FirestoreStore(db);
    const first = addDays(TODAY, -(MAX_RANGE_DAYS - 1));
    const days = dayRange(first, TODAY).map((d, n) => dayAggregate(d, n));
    await store.writeDays(days);

    const ranges: [string, string][] = [
      [first, TODAY],
      ['2025-01-31', '2026-01-01'],
      ['2026-11-30', '2026-11-30'],
      [addDays(TODAY, -89), TODAY],
    ];
    for (const [from, to] of ranges) {
      const { value, reads: used } = await counted(() => store.readDays(from, to));
      expect(value.map((d) => d.day)).toEqual(dayRange(from, to));
      expect(used, `${from}..${to}`).toBe(monthsBetween(from, to).length + 1);
      expect(used).toBeLessThanOrEqual(MOST_READS);
    }
    // A projection reads the same documents, and answers what projecting the days gives.
    const { value, reads: used } = await counted(() =>
      store.readDays(first, TODAY, ['activeInstalls', 'events']),
    );
    expect(used).toBe(monthsBetween(first, TODAY).length + 1);
    expect(value).toStrictEqual(days.map((d) => projectDay(d, ['activeInstalls', 'events'])));
  });

  it('months before the first aggregated day cost nothing', async () => {
    const store = new FirestoreStore(db);
    await store.writeDays(dayRange('2026-10-01', TODAY).map((d, n) => dayAggregate(d, n)));
    const from = addDays(TODAY, -(MAX_RANGE_DAYS - 1));
    const { value, reads: used } = await counted(() => store.readDays(from, TODAY, ['run']));
    expect(value).toHaveLength(61);
    // The two months' documents, plus the first day document of the range.
    expect(used).toBe(2 + 1);
  });

  it('days written before month documents existed are packed into months on first read', async () => {
    const store = new FirestoreStore(db);
    const days = dayRange('2026-09-20', '2026-11-10').map((d, n) => dayAggregate(d, n));
    // As the store wrote them before: one document per day, nothing else.
    const batch = db.batch();
    for (const day of days) batch.set(db.collection('days').doc(day.day), day);
    await batch.commit();

    const firstRead = await counted(() => store.readDays('2026-09-01', '2026-11-30'));
    expect(firstRead.value).toStrictEqual(days);
    // An empty query for month documents (billed as one read), the first day, then the days.
    expect(firstRead.reads).toBe(1 + 1 + days.length);
    expect((await db.collection('months').get()).size).toBe(3);

    const secondRead = await counted(() => store.readDays('2026-09-01', '2026-11-30'));
    expect(secondRead.value).toStrictEqual(days);
    expect(secondRead.reads).toBe(3 + 1);

    // The aggregation's next write goes through the month documents too.
    const recomputed = { ...dayAggregate('2026-10-05', 500), final: true };
    await store.writeDays([recomputed]);
    const afterWrite = await store.readDays('2026-10-05', '2026-10-05');
    expect(afterWrite).toStrictEqual([recomputed]);
  });

  it('a month too large for one document spills into continuations, read back whole', async () => {
    // Four Netdata-sized days (≈ 120 KB of JSON each; the Node emulator takes seconds per such
    // day document) in documents of at most 8 KB, so the month needs several of them.
    const store = new FirestoreStore(db, { monthPartLimitBytes: 8_000 });
    const days = netdataDays('2026-11-30', 4);
    await store.writeDays(days);
    const stored = await db.collection('months').get();
    expect(stored.size).toBeGreaterThan(2);
    const { value, reads: used } = await counted(() => store.readDays('2026-11-01', '2026-11-30'));
    expect(value).toStrictEqual(days);
    expect(used).toBe(stored.size + 1);

    // Rewritten smaller, the month drops the continuations it no longer needs.
    const small = days.map((d) => ({ ...d, breakdowns: {}, counters: [], upgrades: [] }));
    await store.writeDays(small);
    const after = await db.collection('months').get();
    expect(after.size).toBeLessThan(stored.size);
    expect(await store.readDays('2026-11-01', '2026-11-30')).toStrictEqual(small);
  });
});

describe('GET /api/v1/days on Firestore', () => {
  it('every range and named range reads at most one document per month touched, plus one', async () => {
    const store = new FirestoreStore(db);
    const days: DayAggregate[] = dayRange(addDays(TODAY, -(MAX_RANGE_DAYS - 1)), TODAY).map(
      (d, n) => dayAggregate(d, n),
    );
    await store.writeDays(days);
    const handler = createStatsHandler({
      store,
      clock: () => Date.parse(`${TODAY}T12:00:00Z`),
      log: () => {},
    });
    const queries: Record<string, string>[] = [
      { range: 'all', fields: 'activeInstalls,events' },
      { range: 'all' },
      { range: '1y', fields: 'breakdowns.version,upgrades', top: '5' },
      { range: '90d' },
      { range: '30d', fields: 'run' },
      { from: '2024-01-01', to: '2026-11-30' },
      { from: '2026-02-28', to: '2026-03-01' },
    ];
    for (const query of queries) {
      const res = new FakeResponse();
      const { reads: used } = await counted(() =>
        handler(fakeRequest({ method: 'GET', path: '/api/v1/days', query }), res),
      );
      expect(res.statusCode, JSON.stringify(query)).toBe(200);
      expect(used, JSON.stringify(query)).toBeLessThanOrEqual(MOST_READS);
      expect(res.headers['cache-control']).toMatch(/s-maxage/);
    }
    const latest = new FakeResponse();
    const { reads: latestReads } = await counted(() =>
      handler(fakeRequest({ method: 'GET', path: '/api/v1/latest', query: {} }), latest),
    );
    expect(latest.statusCode).toBe(200);
    expect(latestReads).toBeLessThanOrEqual(3);
  });
});
