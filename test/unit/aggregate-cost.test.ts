// The cost bound of issue 4, measured with a store that counts documents: aggregating day D
// reads at most the events of D + the installs active in the 28-day window ending on D + a
// constant, and writes at most the installs active on D + the day document.
import { beforeAll, describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, type Day } from '../../shared/dates.ts';
import type { EventType } from '../../shared/schema/event.ts';
import { aggregateDay, lateDays } from '../../functions/src/aggregate/job.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type {
  DeleteResult,
  InstallRecord,
  SaveResult,
  Store,
  StoredEvent,
} from '../../functions/src/store/types.ts';
import { fakeClock } from '../support/http-fakes.ts';

const SECRET = 'cost-test-secret';
const config = deploymentConfig;
const START: Day = '2026-10-01';
const DAYS = 40;
const INSTALLS = 300;
/** Reports without identity per day (Clean Insights style). */
const ANONYMOUS_PER_DAY = 3;
/** The constant of the bound. */
const SLACK = 5;

/** Wraps a Store and counts documents read (every id looked up counts) and written. */
class CountingStore implements Store {
  reads = 0;
  writes = 0;

  readonly inner: Store;

  constructor(inner: Store) {
    this.inner = inner;
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
  }

  saveEvents(events: StoredEvent[]): Promise<SaveResult> {
    return this.inner.saveEvents(events);
  }

  async readDayEvents(day: Day): Promise<StoredEvent[]> {
    const found = await this.inner.readDayEvents(day);
    this.reads += found.length;
    return found;
  }

  async readInstalls(ids: string[]): Promise<Map<string, InstallRecord>> {
    const found = await this.inner.readInstalls(ids);
    // Firestore bills a lookup whether or not the document exists: count ids, not hits.
    this.reads += Math.max(new Set(ids).size, found.size);
    return found;
  }

  async readInstallsSeenSince(day: Day): Promise<InstallRecord[]> {
    const found = await this.inner.readInstallsSeenSince(day);
    this.reads += found.length;
    return found;
  }

  async writeInstalls(installs: InstallRecord[]): Promise<void> {
    this.writes += installs.length;
    await this.inner.writeInstalls(installs);
  }

  async writeDays(days: DayAggregate[]): Promise<void> {
    this.writes += days.length;
    await this.inner.writeDays(days);
  }

  async readDays(from: Day, to: Day): Promise<DayAggregate[]> {
    const found = await this.inner.readDays(from, to);
    this.reads += found.length;
    return found;
  }

  eraseInstall(install: string): Promise<DeleteResult> {
    return this.inner.eraseInstall(install);
  }

  purgeExpired(eventsBefore: Day, installsBefore: Day): Promise<DeleteResult> {
    return this.inner.purgeExpired(eventsBefore, installsBefore);
  }
}

/**
 * Day indexes (0 = START) on which install `i` is active: a start day spread over the 40 days,
 * a reporting period of 1–5 days and a lifetime of 10–39 days; the last five installs are active
 * on day 0 and again on day 35, a gap longer than the 28-day window.
 */
function activeDays(i: number): number[] {
  if (i >= INSTALLS - 5) return [0, 35];
  const start = i % DAYS;
  const period = 1 + (i % 5);
  const lifetime = 10 + ((i * 7) % 30);
  const days: number[] = [];
  for (let d = start; d < Math.min(DAYS, start + lifetime); d += period) days.push(d);
  return days;
}

interface Fleet {
  events: StoredEvent[];
  /** Events per day index. */
  eventsOn: number[];
  /** Identified installs per day index. */
  activeOn: Set<number>[];
}

function buildFleet(): Fleet {
  const events: StoredEvent[] = [];
  const eventsOn = Array.from({ length: DAYS }, () => 0);
  const activeOn = Array.from({ length: DAYS }, () => new Set<number>());
  let sequence = 0;
  const add = (installId: string | null, type: EventType, d: number, version: string) => {
    sequence += 1;
    const now = Date.parse(`${addDays(START, d)}T08:00:00Z`) + sequence * 1000;
    const prepared = prepareEvent(
      {
        installId,
        type,
        eventId: `cost-${sequence}`,
        product: { version, channel: 'stable' },
        platform: { os: ['debian', 'ubuntu', 'alpine'][sequence % 3], arch: 'x86_64' },
        modules: [{ name: 'web', version: '1' }],
      },
      [],
      { secret: SECRET, now, config, source: installId ? 'v1' : 'cleaninsights' },
    );
    if (!prepared.ok) throw new Error(prepared.issue.message);
    events.push(prepared.event);
    eventsOn[d] = (eventsOn[d] ?? 0) + 1;
  };
  for (let i = 0; i < INSTALLS; i += 1) {
    const days = activeDays(i);
    for (const [n, d] of days.entries()) {
      // Installs upgrade from 2.0 to 2.1 half way through their life.
      const version = n < days.length / 2 ? '2.0' : '2.1';
      add(`cost-install-${i}`, n === 0 ? 'install' : 'heartbeat', d, version);
      if (i % 3 === 0) add(`cost-install-${i}`, 'start', d, version);
      activeOn[d]?.add(i);
    }
  }
  for (let d = 0; d < DAYS; d += 1)
    for (let n = 0; n < ANONYMOUS_PER_DAY; n += 1) add(null, 'heartbeat', d, '2.1');
  return { events, eventsOn, activeOn };
}

/** Identified installs active on some day from `from` to `to` (day indexes, both included). */
function activeBetween(fleet: Fleet, from: number, to: number): number {
  const installs = new Set<number>();
  for (let d = Math.max(0, from); d <= to; d += 1)
    for (const i of fleet.activeOn[d] ?? []) installs.add(i);
  return installs.size;
}

interface Measured {
  day: Day;
  events: number;
  window: number;
  activeOnDay: number;
  reads: number;
  writes: number;
  rerunReads: number;
  rerunWrites: number;
}

describe(`cost of aggregating ${INSTALLS} installs over ${DAYS} days, in order`, () => {
  const fleet = buildFleet();
  const store = new CountingStore(new MemoryStore());
  const deps = { store, clock: fakeClock('2026-11-20T00:15:00Z').now, config };
  const measured: Measured[] = [];

  beforeAll(async () => {
    await store.saveEvents(fleet.events);
    for (let d = 0; d < DAYS; d += 1) {
      const day = addDays(START, d);
      store.reset();
      const aggregate = await aggregateDay(deps, day);
      const { reads, writes } = store;
      // The day's own figures are what the store really served and stored.
      expect(aggregate.run).toMatchObject({ documentsRead: reads, documentsWritten: writes });
      store.reset();
      const rerun = await aggregateDay(deps, day);
      expect(rerun.run).toMatchObject({
        documentsRead: store.reads,
        documentsWritten: store.writes,
      });
      measured.push({
        day,
        events: fleet.eventsOn[d] ?? 0,
        window: activeBetween(fleet, d - 27, d),
        activeOnDay: fleet.activeOn[d]?.size ?? 0,
        reads,
        writes,
        rerunReads: store.reads,
        rerunWrites: store.writes,
      });
    }
    const total = (key: 'reads' | 'writes' | 'events') =>
      measured.reduce((sum, m) => sum + m[key], 0);
    const max = (key: 'reads' | 'writes') => Math.max(...measured.map((m) => m[key]));
    console.info(
      `aggregate cost over ${DAYS} days: ${fleet.events.length} events, ` +
        `reads ${total('reads')} (max ${max('reads')}/day, ${(total('reads') / DAYS).toFixed(1)} avg), ` +
        `writes ${total('writes')} (max ${max('writes')}/day, ${(total('writes') / DAYS).toFixed(1)} avg); ` +
        `reads − (events + window) at most ${Math.max(...measured.map((m) => m.reads - m.events - m.window))}, ` +
        `writes − active on the day at most ${Math.max(...measured.map((m) => m.writes - m.activeOnDay))}`,
    );
  });

  test('the fleet is big enough to mean something', () => {
    expect(fleet.events.length).toBeGreaterThan(2000);
    expect(Math.max(...measured.map((m) => m.window))).toBeGreaterThan(150);
    expect(Math.max(...measured.map((m) => m.activeOnDay))).toBeGreaterThan(50);
    // Installs returning after more than 28 days are looked up by id on day 35.
    const day35 = measured[35] as Measured;
    expect(day35.reads).toBeGreaterThan(day35.events + activeBetween(fleet, 8, 34));
  });

  test('reads ≤ events of D + installs active in the 28-day window ending D + 5', () => {
    for (const m of measured) {
      expect(m.reads, m.day).toBeLessThanOrEqual(m.events + m.window + SLACK);
      // Nothing is read twice: the events and each install of the window once at most.
      expect(m.reads, m.day).toBeGreaterThanOrEqual(m.events);
    }
  });

  test('writes ≤ installs active on D + 1', () => {
    for (const m of measured) {
      expect(m.writes, m.day).toBeLessThanOrEqual(m.activeOnDay + 1);
      expect(m.writes, m.day).toBeGreaterThanOrEqual(1);
    }
    // On day 0 every active install is new: one record each, and the day.
    expect(measured[0]?.writes).toBe((measured[0]?.activeOnDay ?? 0) + 1);
  });

  test('a rerun of the same day writes only the day document and reads no more', () => {
    for (const m of measured) {
      expect(m.rerunWrites, m.day).toBe(1);
      expect(m.rerunReads, m.day).toBeLessThanOrEqual(m.events + m.window + SLACK);
    }
  });

  test('the late-window recompute of a scheduled run stays within the bound of its window', async () => {
    // The next scheduled run (today = day 40) recomputes days 36..39. Records are queried by
    // lastSeen, so a recompute of D also reads installs first seen after D, up to the last
    // aggregated day: the window it pays for is D−27 … day 39, at most lateDays − 1 days longer.
    const last = DAYS - 1;
    for (let d = DAYS - lateDays(config); d <= last; d += 1) {
      store.reset();
      const aggregate = await aggregateDay(deps, addDays(START, d));
      const events = fleet.eventsOn[d] ?? 0;
      expect(store.writes).toBe(1);
      expect(aggregate.run.documentsRead).toBe(store.reads);
      expect(store.reads).toBeLessThanOrEqual(events + activeBetween(fleet, d - 27, last) + SLACK);
      const strict = events + activeBetween(fleet, d - 27, d) + SLACK;
      console.info(
        `recompute of ${addDays(START, d)}: ${store.reads} reads, strict bound ${strict} ` +
          `(+${Math.max(0, store.reads - strict)} for installs first seen after the day)`,
      );
    }
  });
});
