// The daily aggregation on FirestoreStore against the emulator: the same numbers as on memory,
// idempotent reruns, erase taking an install out of every recomputed aggregate, and the purge of
// the scheduled run. Few documents: the Node emulator's writes slow down as collections grow.
import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, inject, test } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { dayRange, type Day } from '../../shared/dates.ts';
import type { EventType } from '../../shared/schema/event.ts';
import { aggregateRange, runScheduledAggregation } from '../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { installPseudonym } from '../../functions/src/identity/install-id.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { EventSource } from '../../functions/src/formats/registry.ts';
import type { StoredEvent, StoredPage } from '../../functions/src/model/stored.ts';
import type { MergeOutcome } from '../../functions/src/aggregate/merge.ts';
import { exactView, type ExactView } from '../support/exact-view.ts';
import { fakeClock } from '../support/http-fakes.ts';
import { pageDocuments } from '../support/page-documents.ts';

// The client library reads this when a Firestore is constructed, so set it before any is.
process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
process.env.METADATA_SERVER_DETECTION ??= 'none';

const SECRET = 'aggregate-firestore-secret';
const config = deploymentConfig;
const FROM = '2026-11-18';
const TO = '2026-11-20';
/** After the late-arrival window: the three days are final, so the run publishes them. */
const AGGREGATED_AT = '2026-11-25T00:15:00Z';

const INSTALLS = ['I1', 'I2', 'I3', 'I4', 'I5', 'I6'];
const pseudonymOf = (name: string) => installPseudonym(SECRET, `agg-fs-${name}`);

/*
 * 17 events:
 *   11-18  I1..I6 `install` at 1.5.0 (debian, x86_64); I1 also a crash.
 *   11-19  I1..I5 `upgrade` to 1.6.0; I6 heartbeat at 1.5.0; one report without identity (1.6.0).
 *   11-20  I1..I3 heartbeat at 1.6.0.
 */
function fleet(): StoredEvent[] {
  const events: StoredEvent[] = [];
  let sequence = 0;
  const add = (
    installId: string | null,
    type: EventType,
    day: Day,
    version: string,
    extra: Partial<IncomingEvent> = {},
    source: EventSource = 'v1',
  ) => {
    sequence += 1;
    const prepared = prepareEvent(
      {
        installId,
        type,
        eventId: `agg-fs-${sequence}`,
        product: { version, channel: 'stable' },
        platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
        ...extra,
      },
      [],
      { secret: SECRET, now: Date.parse(`${day}T11:00:00Z`) + sequence * 1000, config, source },
    );
    if (!prepared.ok) throw new Error(prepared.issue.message);
    events.push(prepared.event);
  };
  for (const n of INSTALLS) add(`agg-fs-${n}`, 'install', '2026-11-18', '1.5.0');
  add('agg-fs-I1', 'crash', '2026-11-18', '1.5.0', {
    failure: { code: 'E-SEGV', message: 'crash in /home/carol/x' },
  });
  for (const n of INSTALLS.slice(0, 5)) add(`agg-fs-${n}`, 'upgrade', '2026-11-19', '1.6.0');
  add('agg-fs-I6', 'heartbeat', '2026-11-19', '1.5.0');
  add(null, 'heartbeat', '2026-11-19', '1.6.0', {}, 'cleaninsights');
  for (const n of INSTALLS.slice(0, 3)) add(`agg-fs-${n}`, 'heartbeat', '2026-11-20', '1.6.0');
  return events;
}

const publicationSecret = () => 'aggregate-firestore-noise';

describe('aggregation on FirestoreStore', () => {
  let db: Firestore;
  let store: FirestoreStore;

  beforeEach(async () => {
    db = createFirestore({ projectId: `test-${randomUUID()}` });
    store = new FirestoreStore(db);
    expect(await store.saveEvents(fleet())).toEqual({ created: 17, duplicates: 0 });
  });

  afterEach(async () => {
    await db.terminate();
  });

  /** Every stored page part, without its run. */
  async function storedPages(): Promise<Omit<StoredPage, 'run'>[]> {
    return withoutRun((await pageDocuments(db)).map(([, data]) => data as StoredPage));
  }

  /** Runs the aggregation: the exact tallies of each day, and the days stored afterwards. */
  async function aggregate(at: string): Promise<{
    exact: Map<Day, ExactView>;
    stored: Map<Day, DayAggregate>;
    outcomes: MergeOutcome[];
  }> {
    const outcomes = await aggregateRange(
      { store, clock: fakeClock(at).now, config, publicationSecret },
      FROM,
      TO,
    );
    return {
      exact: new Map(outcomes.map((o) => [o.day, exactView(o.exact)])),
      stored: new Map((await store.readDays(FROM, TO)).map((d) => [d.day, d])),
      outcomes,
    };
  }

  test('gives the numbers worked out by hand, the same as MemoryStore, and reruns identically', async () => {
    const first = await aggregate(AGGREGATED_AT);
    const day = (d: Day) => first.exact.get(d) as ExactView;
    const published = (d: Day) => first.stored.get(d) as DayAggregate;
    expect([...first.stored.keys()]).toEqual(dayRange(FROM, TO));
    expect(first.outcomes.map((o) => o.status)).toEqual(['published', 'published', 'published']);

    // 11-18: 6 installs, all new, none established yet (an install counts from its second
    // day): nothing counted, all held out. 11-19: I1..I6 on their second day; the report without
    // identity has no earlier day like it and is not counted. 11-20: I1..I3; 7-day: I1..I6.
    expect(day('2026-11-18').activeInstalls).toEqual({ d1: 0, d7: 0, d28: 0 });
    expect(day('2026-11-18').newInstalls).toBe(6);
    // Held out: their events count in no figure but the held-out reports.
    expect(day('2026-11-18').events).toEqual({});
    expect(day('2026-11-18').heldOut?.reasons[3]).toEqual({
      reason: 'not-established',
      installs: 6,
      reports: 7,
    });
    expect(day('2026-11-18').reliability.versions).toEqual([]);
    expect(day('2026-11-19').activeInstalls).toEqual({ d1: 6, d7: 6, d28: 6 });
    expect(day('2026-11-19').established?.newlyEstablished).toBe(6);
    // I6's heartbeat; the report without identity is held out, and so is its heartbeat.
    expect(day('2026-11-19').events).toEqual({ upgrade: 5, heartbeat: 1 });
    expect(day('2026-11-19').upgrades).toEqual([{ from: '1.5.0', to: '1.6.0', installs: 5 }]);
    // I1..I5 on 1.6.0; I6 alone on 1.5.0 (the report is not counted).
    expect(day('2026-11-19').breakdowns.version).toEqual([
      { value: '1.6.0', installs: 5 },
      { value: '1.5.0', installs: 1 },
    ]);
    expect(day('2026-11-20').activeInstalls).toEqual({ d1: 3, d7: 6, d28: 6 });
    // 5 installs of 1.6.0 on 11-19 and I6 on 1.5.0, none crashed (I1's crash was on its first
    // day, held out).
    const healthy = { crashedInstalls: 0, crashFreeRate: 1, crashEvents: 0, fatalEvents: 0 };
    expect(day('2026-11-19').reliability.versions).toEqual([
      { version: '1.6.0', activeInstalls: 5, ...healthy },
      { version: '1.5.0', activeInstalls: 1, ...healthy },
    ]);
    // Published with the deployment's (ε, δ); run figures: each day reads at least its own events
    // and writes at least its day document.
    expect(published('2026-11-18').privacy?.epsilon).toBe(config.privacy.epsilon);
    expect(published('2026-11-18').run.documentsRead).toBeGreaterThanOrEqual(7);
    expect(published('2026-11-18').run.documentsWritten).toBeGreaterThan(1);

    // The same events on MemoryStore give exactly the same documents, run figures and noise
    // included (the same tallies and digests draw the same noise).
    const memory = new MemoryStore();
    await memory.saveEvents(fleet());
    await aggregateRange(
      { store: memory, clock: fakeClock(AGGREGATED_AT).now, config, publicationSecret },
      FROM,
      TO,
    );
    expect([...first.stored.values()]).toEqual(await memory.readDays(FROM, TO));
    const pages = await storedPages();
    expect(pages).toEqual(withoutRun([...memory.pages.values()]));
    const keys = new Set(pages.flatMap((p) => p.keys.match(/.{16}/g) ?? []));
    expect([...keys].sort()).toEqual(INSTALLS.map((n) => pseudonymOf(n).slice(0, 16)).sort());

    // A rerun an hour later: the same tallies, no page rewritten, and the published days kept
    // as they are (each day is published once).
    const second = await aggregate('2026-11-25T01:15:00Z');
    expect(second.outcomes.map((o) => o.status)).toEqual(['kept', 'kept', 'kept']);
    expect(second.exact).toEqual(first.exact);
    expect(second.stored).toEqual(first.stored);
    expect(await storedPages()).toEqual(pages);
    const runs = (await pageDocuments(db)).map(([, data]) => data.run as string);
    expect(new Set(runs).size).toBe(1);
  });

  test('erasing an install and re-aggregating takes it out of every count', async () => {
    const before = await aggregate(AGGREGATED_AT);
    expect(await store.eraseInstall(pseudonymOf('I2'))).toEqual({ events: 3, installs: 1 });
    const after = await aggregate('2026-11-25T02:00:00Z');
    const a = (d: Day) => after.exact.get(d) as ExactView;
    const b = (d: Day) => before.exact.get(d) as ExactView;
    // I2 was active on all three days: every window count of the days it counted on (from its
    // second day) drops by exactly one; on 11-18 it was waiting, as the others were.
    for (const d of ['2026-11-19', '2026-11-20']) {
      const { d1, d7, d28 } = b(d).activeInstalls;
      expect(a(d).activeInstalls, d).toEqual({ d1: d1 - 1, d7: d7 - 1, d28: d28 - 1 });
    }
    expect(a('2026-11-18').activeInstalls).toEqual({ d1: 0, d7: 0, d28: 0 });
    expect(a('2026-11-18').established?.pending.d1).toBe(5);
    expect(a('2026-11-18').newInstalls).toBe(5);
    expect(a('2026-11-18').events).toEqual({});
    expect(a('2026-11-18').heldOut?.reasons[3]).toMatchObject({ installs: 5, reports: 6 });
    expect(a('2026-11-19').activeInstalls).toEqual({ d1: 5, d7: 5, d28: 5 });
    expect(a('2026-11-19').upgrades).toEqual([{ from: '1.5.0', to: '1.6.0', installs: 4 }]);
    expect(a('2026-11-19').breakdowns.version).toEqual([
      { value: '1.6.0', installs: 4 },
      { value: '1.5.0', installs: 1 },
    ]);
    expect(a('2026-11-20').activeInstalls).toEqual({ d1: 2, d7: 5, d28: 5 });
    const keys = new Set((await storedPages()).flatMap((p) => p.keys.match(/.{16}/g) ?? []));
    expect(keys.size).toBe(5);
    expect(keys.has(pseudonymOf('I2').slice(0, 16))).toBe(false);
    expect(JSON.stringify([...after.stored.values()])).not.toContain(pseudonymOf('I2'));
    // The days published before the erase are not published again (README: Published once).
    expect(after.stored).toEqual(before.stored);
    // The run applied the erasure and deleted it.
    expect(await store.readErasures()).toEqual([]);
  });

  test('the scheduled run 100 days later purges the old events; pages stay for 180 days', async () => {
    await aggregate(AGGREGATED_AT);
    // 2026-11-20 + 100 days = 2027-02-28; retention keeps events from 2026-11-30 on.
    const summary = await runScheduledAggregation({
      store,
      clock: fakeClock('2027-02-28T00:15:00Z').now,
      config,
      publicationSecret,
    });
    expect(summary.purged).toEqual({ events: 17, pages: 0 });
    expect(summary.backfilled[0]).toBe('2026-11-30');
    expect(summary.recomputed).toEqual(['2027-02-24', '2027-02-25', '2027-02-26', '2027-02-27']);
    for (const d of dayRange(FROM, TO)) expect(await store.readDayEvents(d)).toEqual([]);
    expect((await db.collection('events').get()).size).toBe(0);
    // Aggregates are kept: the three days are still there, untouched.
    expect((await store.readDays(FROM, TO)).map((d) => d.day)).toEqual(dayRange(FROM, TO));
    // A second run has nothing left to purge.
    const again = await runScheduledAggregation({
      store,
      clock: fakeClock('2027-02-28T01:15:00Z').now,
      config,
      publicationSecret,
    });
    expect(again.purged).toEqual({ events: 0, pages: 0 });
    expect(again.backfilled).toEqual([]);
    // 180 days after the last page (2026-11-20 + 180 = 2027-05-19), the run of the day after purges them.
    const later = await runScheduledAggregation({
      store,
      clock: fakeClock('2027-05-20T00:15:00Z').now,
      config,
      publicationSecret,
    });
    expect(later.purged.pages).toBeGreaterThan(0);
    expect(await pageDocuments(db)).toEqual([]);
  }, 180_000);
});

/** Page parts without the run that wrote them, in id order. */
function withoutRun(pages: StoredPage[]): Omit<StoredPage, 'run'>[] {
  return pages
    .map(({ run: _run, ...rest }) => rest)
    .sort((a, b) => `${a.day}${a.bucket}${a.part}`.localeCompare(`${b.day}${b.bucket}${b.part}`));
}
