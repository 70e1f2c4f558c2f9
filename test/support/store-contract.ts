// Behaviour every Store must show, run against each backend (memory in the unit project,
// Firestore on the emulator in the integration project) so the two cannot drift apart.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { addDays, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import { projectDay } from '../../shared/days-query.ts';
import type {
  Quarantine,
  QuarantineKeys,
  RunPlan,
  StoredEvent,
  StoredPage,
  StoredPartial,
} from '../../functions/src/model/stored.ts';
import type { Store } from '../../functions/src/store/types.ts';

/** Events the purge test deletes: more than one delete batch (FirestoreStore deletes 400). */
export const PURGE_EVENT_COUNT = 450;

const DAY_MS = 86_400_000;
const RETENTION_MS = 400 * DAY_MS;
/** What one ingest request may carry; bigger saves are split the way ingest would split them. */
const REQUEST_SIZE = 100;

/** An HMAC-like pseudonym: 64 hex characters, as `pseudonymise` produces. */
export function pseudonym(name: string): string {
  return createHash('sha256').update(`install\0${name}`).digest('hex');
}

/** A content id like ingest's: 40 hex characters. */
function eventId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 40);
}

/** A heartbeat of `install` on `day`; `n` makes it distinct and spreads it over the day. */
export function heartbeat(install: string | null, day: Day, n: number): StoredEvent {
  // Odd milliseconds, so a backend that keeps whole seconds only would be caught.
  const receivedAt = startOfDay(day) + 6 * 3_600_000 + n * 61_007 + 123;
  return {
    id: eventId(install ?? 'anonymous', day, 'heartbeat', String(n)),
    install,
    day,
    type: 'heartbeat',
    source: 'v1',
    receivedAt,
    expireAt: receivedAt + RETENTION_MS,
    product: { version: 'v2.4.0', channel: 'stable', installMethod: 'kickstart' },
    platform: { os: 'debian', osVersion: '12', arch: 'x86_64', virtualization: 'kvm' },
  };
}

/** A crash event using every optional field, nested maps and dotted map keys included. */
function crash(install: string, day: Day): StoredEvent {
  const receivedAt = startOfDay(day) + 13 * 3_600_000 + 45 * 60_000 + 987;
  return {
    id: eventId(install, day, 'crash'),
    install,
    day,
    type: 'crash',
    source: 'librenms',
    receivedAt,
    expireAt: receivedAt + RETENTION_MS,
    product: { version: '24.11.0', channel: 'stable', installMethod: 'git' },
    platform: {
      os: 'ubuntu',
      osVersion: '24.04',
      osLike: 'debian',
      kernel: 'Linux',
      kernelVersion: '6.8.0-49-generic',
      arch: 'aarch64',
      virtualization: 'none',
      container: 'docker',
    },
    modules: [{ name: 'go.d', version: 'v0.61.0' }, { name: 'ebpf' }],
    failure: {
      code: 'F0312',
      message: 'segfault in collector',
      program: 'netdata',
      thread: 'PLUGINSD[go.d]',
      function: 'rrdset_done',
      file: 'src/database/rrdset.c',
      line: 1412,
      errno: -11,
    },
    counters: { 'os.linux': 3, 'poller.snmp': 1_250_000_000, 'device.cisco.ios': 0 },
    attributes: { cloud: false, cores: 8, loadAverage: 0.75, region: 'eu-west' },
    action: 'poller-crash',
    devices: [
      { count: 12, os: 'ios', sysDescr: 'Cisco IOS Software', sysObjectID: '1.3.6.1.4.1.9.1.1' },
      { count: 1 },
    ],
  };
}

/** An opt-out: kept without any install identity. */
function optOut(day: Day, n: number): StoredEvent {
  const receivedAt = startOfDay(day) + 20 * 3_600_000 + n;
  return {
    id: eventId('opt-out', day, String(n)),
    install: null,
    day,
    type: 'opt_out',
    source: 'netdata',
    receivedAt,
    expireAt: receivedAt + RETENTION_MS,
  };
}

/** A page part of `bucket` on `day` holding `names` (their pseudonyms' 64-bit keys, sorted). */
export function pagePart(
  day: Day,
  names: string[],
  options: { part?: number; parts?: number; run?: string; events?: number } = {},
): StoredPage {
  const keys = names.map((n) => pseudonym(n).slice(0, 16)).sort();
  const bucket = keys[0]?.slice(0, 2) ?? '00';
  return {
    day,
    bucket,
    part: options.part ?? 0,
    parts: options.parts ?? 1,
    run: options.run ?? '20261120T001500000Z-0a1b2c3d',
    events: options.events ?? names.length * 2,
    keys: keys.join(''),
    snaps: keys.map((_, i) => (i % 2).toString(36)).join(','),
    snapshots: [
      '{"arch":"x86_64","os":"debian","version":"v2.4.0"}',
      '{"modules":["go.d@v0.61.0"],"version":"v2.3.2"}',
    ],
    format: 2,
    cons: keys.map((_, i) => (i % 3 === 0 ? '1' : '0')).join(','),
    contribs: ['{"e":2}', '{"e":3,"c":1,"s":[["SIG",1]]}'],
    cohorts: '',
    local: '{"day":"' + day + '","events":[["heartbeat",' + names.length * 2 + ']]}',
  };
}

/** Names whose pseudonyms share the first two hex digits (one bucket), found by search. */
export function namesInOneBucket(count: number, prefix = 'member'): string[] {
  const byBucket = new Map<string, string[]>();
  for (let i = 0; ; i += 1) {
    const name = `${prefix}-${i}`;
    const bucket = pseudonym(name).slice(0, 2);
    const list = byBucket.get(bucket) ?? [];
    list.push(name);
    byBucket.set(bucket, list);
    if (list.length === count) return list;
  }
}

/** The public aggregate of `day`; `n` varies the figures. */
export function dayAggregate(day: Day, n: number): DayAggregate {
  return {
    day,
    final: n % 2 === 0,
    activeInstalls: { d1: 1_200 + n, d7: 3_100 + n, d28: 7_800 + n },
    newInstalls: 40 + n,
    optOuts: n,
    events: { heartbeat: 4_800 + n, install: 40 + n, crash: 3 },
    breakdowns: {
      version: [
        { value: '1.6.0', installs: 5_000 + n },
        { value: 'other', installs: 2_800 },
      ],
      'attribute.cpu_cores': [{ value: '4', installs: 7_800 + n }],
    },
    upgrades: [{ from: '1.5.0', to: '1.6.0', installs: 120 + n }],
    reliability: {
      versions: [
        {
          version: '1.6.0',
          activeInstalls: 1_000,
          crashedInstalls: 12,
          crashFreeRate: 0.988,
          crashEvents: 15,
          fatalEvents: 2,
        },
      ],
      topFailures: [{ signature: 'daemon poll_loop src/poll.c:412', installs: 7, events: 9 }],
      installFailures: [{ code: 'F0003', installs: 6 }],
    },
    counters: [
      { group: 'os', installs: 9, sum: 300, values: [{ value: 'linux', installs: 9, sum: 300 }] },
    ],
    run: {
      computedAt: `${addDays(day, 1)}T02:15:00.000Z`,
      documentsRead: 6_000 + n,
      documentsWritten: 1_300 + n,
    },
  };
}

function byId<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.id.localeCompare(b.id));
}

async function saveInRequests(store: Store, events: StoredEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += REQUEST_SIZE) {
    const result = await store.saveEvents(events.slice(i, i + REQUEST_SIZE));
    expect(result.duplicates).toBe(0);
  }
}

/** Runs the behaviour tests every Store implementation must pass. */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<{ store: Store; cleanup?: () => Promise<void> }>,
): void {
  describe(`${name} (Store contract)`, () => {
    let store: Store;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterEach(async () => {
      await cleanup?.();
    });

    const day = '2026-11-20';
    const alice = pseudonym('alice');
    const bob = pseudonym('bob');

    it('saves events and reads the day back exactly, timestamps as epoch ms', async () => {
      const events = [
        heartbeat(alice, day, 1),
        heartbeat(bob, day, 2),
        crash(alice, day),
        optOut(day, 1),
      ];
      expect(await store.saveEvents(events)).toEqual({ created: 4, duplicates: 0 });
      const read = await store.readDayEvents(day);
      expect(byId(read)).toStrictEqual(byId(events));
      expect(read.find((e) => e.type === 'crash')?.receivedAt).toBe(
        Date.parse('2026-11-20T13:45:00.987Z'),
      );
    });

    it('handles empty inputs without error', async () => {
      expect(await store.saveEvents([])).toEqual({ created: 0, duplicates: 0 });
      expect(await store.readDayEvents(day)).toEqual([]);
      await store.writePages([]);
      await store.writePartials([]);
      await store.deleteErasures([]);
      await store.writeDays([]);
      expect(await store.readDays('2026-01-01', '2026-12-31')).toEqual([]);
      expect(await store.readErasures()).toEqual([]);
      expect(await store.readPages('00', '2026-01-01', '2026-12-31')).toEqual([]);
    });

    it('leaves out optional fields that are present as undefined', async () => {
      const event: StoredEvent = {
        ...heartbeat(alice, day, 7),
        failure: undefined,
        action: undefined,
      };
      expect(await store.saveEvents([event])).toEqual({ created: 1, duplicates: 0 });
      const [read] = await store.readDayEvents(day);
      expect(read).toEqual(event);
      expect(read?.product).toEqual(event.product);
    });

    it('counts a retried id as a duplicate and keeps the first copy', async () => {
      const first = heartbeat(alice, day, 1);
      const second = heartbeat(alice, day, 2);
      expect(await store.saveEvents([first, second])).toEqual({ created: 2, duplicates: 0 });

      const changedRetry: StoredEvent = {
        ...first,
        type: 'start',
        receivedAt: first.receivedAt + 5_000,
      };
      const third = heartbeat(bob, day, 3);
      expect(await store.saveEvents([changedRetry, second, third])).toEqual({
        created: 1,
        duplicates: 2,
      });
      expect(byId(await store.readDayEvents(day))).toStrictEqual(byId([first, second, third]));
    });

    it('stores an id given twice in one call once', async () => {
      const event = heartbeat(bob, day, 9);
      expect(await store.saveEvents([event, { ...event }])).toEqual({ created: 1, duplicates: 1 });
      expect(await store.readDayEvents(day)).toStrictEqual([event]);
    });

    it('reads only the events of the day asked for', async () => {
      const before = [heartbeat(alice, '2026-11-19', 1), heartbeat(bob, '2026-11-19', 2)];
      const on = [heartbeat(alice, day, 1), crash(bob, day), optOut(day, 3)];
      const after = [heartbeat(alice, '2026-11-21', 1)];
      await store.saveEvents([...after, ...on, ...before]);
      expect(byId(await store.readDayEvents(day))).toStrictEqual(byId(on));
      expect(byId(await store.readDayEvents('2026-11-19'))).toStrictEqual(byId(before));
      expect(await store.readDayEvents('2026-11-22')).toEqual([]);
    });

    it('counts and reads the events of a day by pseudonym range and without identity', async () => {
      const carol = pseudonym('carol');
      const events = [
        heartbeat(alice, day, 1),
        heartbeat(alice, day, 2),
        heartbeat(bob, day, 3),
        heartbeat(carol, day, 4),
        heartbeat(null, day, 5),
        optOut(day, 6),
        heartbeat(alice, '2026-11-21', 7),
      ];
      await store.saveEvents(events);
      const onDay = events.filter((e) => e.day === day);
      expect(await store.countEvents(day)).toBe(onDay.length);
      expect(await store.countEvents('2026-11-22')).toBe(0);
      const anonymous = onDay.filter((e) => e.install === null);
      expect(await store.countEvents(day, 'anonymous')).toBe(2);
      expect(byId(await store.readRangeEvents(day, 'anonymous'))).toStrictEqual(byId(anonymous));
      // Ranges split at each pseudonym's own first two hex digits, first and last open-ended.
      for (const p of [alice, bob, carol]) {
        const lo = p.slice(0, 2);
        const hi = (parseInt(lo, 16) + 1).toString(16).padStart(2, '0');
        const inRange = onDay.filter(
          (e) => e.install !== null && e.install >= lo && e.install < hi,
        );
        expect(inRange.length).toBeGreaterThan(0);
        expect(await store.countEvents(day, { lo, hi })).toBe(inRange.length);
        expect(byId(await store.readRangeEvents(day, { lo, hi }))).toStrictEqual(byId(inRange));
      }
      const all = { lo: '', hi: '\uffff' };
      expect(await store.countEvents(day, all)).toBe(onDay.length - anonymous.length);
    });

    it('writes page parts and reads a bucket over a range of days, replacing a part in place', async () => {
      const names = namesInOneBucket(3);
      const parts = [
        pagePart('2026-11-18', names),
        pagePart('2026-11-19', names.slice(0, 2), { parts: 2 }),
        pagePart('2026-11-19', names.slice(2), { part: 1, parts: 2 }),
        pagePart(day, names),
        pagePart('2026-11-21', names),
      ];
      const other = pagePart(day, namesInOneBucket(1, 'elsewhere'));
      expect(other.bucket).not.toBe(parts[0]?.bucket);
      await store.writePages([...parts, other]);
      const bucket = parts[0]?.bucket as string;
      const read = await store.readPages(bucket, '2026-11-19', day);
      const sortParts = (list: StoredPage[]) =>
        [...list].sort((a, b) => a.day.localeCompare(b.day) || a.part - b.part);
      expect(sortParts(read)).toStrictEqual(parts.slice(1, 4));
      expect(await store.readPages(bucket, '2026-11-22', '2026-11-30')).toEqual([]);
      const replaced = pagePart(day, names.slice(1), { events: 99 });
      await store.writePages([replaced]);
      expect(await store.readPages(bucket, day, day)).toStrictEqual([replaced]);
    });

    it('stores run plans and partials, and deletes those of earlier runs', async () => {
      const run = (id: string): RunPlan => ({
        id,
        createdAt: Date.parse('2026-11-21T00:15:00Z'),
        today: '2026-11-21',
        days: ['2026-11-19', day],
        rebuild: [],
        changed: [day],
        shards: 2,
        erasures: [{ install: alice, days: [day], erasedAt: 1 }],
      });
      const partial = (runId: string, shard: number): StoredPartial => ({
        run: runId,
        day,
        shard,
        exact: `{"day":"${day}","shard":${shard}}`,
        documentsRead: 10 + shard,
        documentsWritten: 2,
      });
      const older = run('20261120T001500000Z-00000000');
      const newer = run('20261121T001500000Z-ffffffff');
      await store.writeRun(older);
      await store.writeRun(newer);
      expect(await store.readRun(newer.id)).toStrictEqual(newer);
      expect(await store.readRun('20260101T000000000Z-12345678')).toBeUndefined();
      const partials = [partial(older.id, 0), partial(newer.id, 0), partial(newer.id, 1)];
      await store.writePartials(partials);
      const ids = (runId: string) => [0, 1, 2].map((s) => `${runId}_${day}_${s}`);
      expect(await store.readPartials(ids(newer.id))).toStrictEqual(partials.slice(1));
      expect(await store.readPartials([])).toEqual([]);
      expect(await store.deleteRunsBefore(newer.id)).toBe(2);
      expect(await store.readRun(older.id)).toBeUndefined();
      expect(await store.readPartials(ids(older.id))).toEqual([]);
      expect(await store.readPartials(ids(newer.id))).toHaveLength(2);
      expect(await store.readRun(newer.id)).toStrictEqual(newer);
    });

    it('writes days and reads an inclusive range in day order', async () => {
      const days = dayRange('2026-11-18', '2026-11-22').map((d, n) => dayAggregate(d, n));
      // Written out of order (22, 21, 20, 18, 19) so the read has to order them.
      await store.writeDays([...days.slice(2), ...days.slice(0, 2)].reverse());
      expect(await store.readDays('2026-11-19', '2026-11-21')).toStrictEqual(days.slice(1, 4));
      expect(await store.readDays('2026-11-22', '2026-11-22')).toStrictEqual(days.slice(4));
      expect(await store.readDays('2026-11-01', '2026-11-30')).toStrictEqual(days);
      expect(await store.readDays('2026-11-23', '2026-12-31')).toEqual([]);

      const recomputed = dayAggregate('2026-11-20', 40);
      await store.writeDays([recomputed]);
      expect(await store.readDays('2026-11-20', '2026-11-20')).toStrictEqual([recomputed]);
    });

    it('reads days across months with only the fields asked for', async () => {
      // Across a year boundary and three months; one day without any breakdown at all.
      const days = dayRange('2026-11-28', '2027-01-03').map((d, n) => dayAggregate(d, n));
      const bare: DayAggregate = { ...dayAggregate('2027-01-04', 99), breakdowns: {} };
      await store.writeDays([...days, bare]);
      const all = [...days, bare];
      const cases: (readonly string[])[] = [
        [],
        ['activeInstalls'],
        ['events', 'newInstalls', 'optOuts', 'run'],
        ['breakdowns'],
        ['breakdowns.version'],
        ['breakdowns.attribute.cpu_cores', 'upgrades'],
        ['breakdowns.kernel'],
        ['reliability'],
        ['reliability.versions', 'counters'],
      ];
      for (const fields of cases) {
        const read = await store.readDays('2026-11-30', '2027-01-04', fields);
        const expected = all.filter((d) => d.day >= '2026-11-30').map((d) => projectDay(d, fields));
        expect(read, fields.join(',')).toStrictEqual(expected);
      }
      // No fields list: whole days, exactly as written.
      expect(await store.readDays('2026-12-31', '2027-01-01', undefined)).toStrictEqual(
        days.filter((d) => d.day === '2026-12-31' || d.day === '2027-01-01'),
      );
      // A day the projection has nothing for still says it exists, with day and final.
      const [onlyBare] = await store.readDays('2027-01-04', '2027-01-04', ['breakdowns.version']);
      expect(onlyBare).toStrictEqual({ day: '2027-01-04', final: bare.final, breakdowns: {} });
    });

    it('rewrites a day inside a month without touching its neighbours', async () => {
      const days = dayRange('2026-11-01', '2026-11-30').map((d, n) => dayAggregate(d, n));
      await store.writeDays(days);
      const changed = { ...dayAggregate('2026-11-15', 77), breakdowns: {} };
      await store.writeDays([changed]);
      const read = await store.readDays('2026-11-01', '2026-11-30');
      expect(read).toStrictEqual(days.map((d) => (d.day === '2026-11-15' ? changed : d)));
    });

    it('erases one install: its events, its keys in every page, and records the erasure', async () => {
      const [aliceName, bobName, carolName] = namesInOneBucket(3, 'erase');
      const a = pseudonym(aliceName as string);
      const b = pseudonym(bobName as string);
      const aliceEvents = [
        ...dayRange('2026-11-18', '2026-11-20').flatMap((d) =>
          [1, 2, 3, 4, 5, 6, 7, 8].map((n) => heartbeat(a, d, n)),
        ),
        crash(a, day),
      ];
      const bobEvents = [heartbeat(b, '2026-11-19', 1), heartbeat(b, day, 1), crash(b, day)];
      const anonymous = [optOut('2026-11-19', 1), optOut(day, 2)];
      await saveInRequests(store, [...aliceEvents, ...bobEvents, ...anonymous]);
      const pages = [
        pagePart('2026-11-18', [aliceName as string, carolName as string]),
        pagePart('2026-11-19', [aliceName as string, bobName as string]),
        pagePart(day, [bobName as string]),
      ];
      await store.writePages(pages);

      expect(await store.eraseInstall(a)).toEqual({ events: aliceEvents.length, installs: 1 });

      const remaining = [
        ...(await store.readDayEvents('2026-11-18')),
        ...(await store.readDayEvents('2026-11-19')),
        ...(await store.readDayEvents(day)),
      ];
      expect(byId(remaining)).toStrictEqual(byId([...bobEvents, ...anonymous]));
      const bucket = pages[0]?.bucket as string;
      const after = await store.readPages(bucket, '2026-11-01', '2026-11-30');
      const key = a.slice(0, 16);
      for (const part of after) {
        expect(part.keys).not.toContain(key);
        expect(part.snaps.split(',').filter(Boolean)).toHaveLength(part.keys.length / 16);
        expect(part.cons?.split(',').filter(Boolean)).toHaveLength(part.keys.length / 16);
      }
      const byDay = Object.fromEntries(after.map((p) => [p.day, p]));
      expect(byDay['2026-11-18']?.keys).toBe(pseudonym(carolName as string).slice(0, 16));
      // The tallies of a page that counted the erased install are dropped until a run rebuilds it.
      expect(byDay['2026-11-18']?.local).toBe('');
      expect(byDay[day]).toStrictEqual(pages[2]);
      const erasures = await store.readErasures();
      expect(erasures.map((e) => [e.install, e.days])).toEqual([[a, ['2026-11-18', '2026-11-19']]]);

      // Again: nothing left to delete; the erasure stays until a run applies it.
      expect(await store.eraseInstall(a)).toEqual({ events: 0, installs: 0 });
      expect(await store.readErasures()).toHaveLength(1);
      await store.deleteErasures([a]);
      expect(await store.readErasures()).toEqual([]);
    });

    it('stores quarantines with their cohorts, releases and replaces them', async () => {
      expect(await store.readQuarantines()).toEqual([]);
      const keys = Array.from({ length: 5 }, (_, n) =>
        pseudonym(`cohort-${n}`).slice(0, 16),
      ).sort();
      const first: Quarantine = {
        id: 'q-20261120T101500123Z',
        day: '2026-11-19',
        profile: { version: '1.6.0', os: 'nixos', arch: 'x86_64' },
        createdAt: Date.parse('2026-11-20T10:15:00.123Z'),
        releasedAt: null,
        installs: 5,
      };
      const parts: QuarantineKeys[] = [
        { quarantine: first.id, part: 0, keys: keys.slice(0, 3).join('') },
        { quarantine: first.id, part: 1, keys: keys.slice(3).join('') },
      ];
      await store.writeQuarantine(first, parts);
      const second: Quarantine = {
        ...first,
        id: 'q-20261121T080000000Z',
        profile: { os: 'macos' },
        installs: 0,
      };
      await store.writeQuarantine(second, []);
      expect(await store.readQuarantines()).toStrictEqual([first, second]);
      expect(await store.readQuarantineKeys(first.id)).toStrictEqual(parts);
      expect(await store.readQuarantineKeys(second.id)).toEqual([]);
      // Released: the record changes, its cohort stays.
      const released = { ...first, releasedAt: Date.parse('2026-11-22T09:00:00.456Z') };
      await store.writeQuarantine(released);
      expect((await store.readQuarantines())[0]).toStrictEqual(released);
      expect(await store.readQuarantineKeys(first.id)).toStrictEqual(parts);
      // Written again with fewer parts: the others are gone.
      await store.writeQuarantine(first, [parts[0] as QuarantineKeys]);
      expect(await store.readQuarantineKeys(first.id)).toStrictEqual([parts[0]]);
    });

    it('erases an install that has only events, or only pages', async () => {
      const carol = pseudonym('carol');
      await store.saveEvents([heartbeat(carol, day, 1), heartbeat(carol, day, 2)]);
      expect(await store.eraseInstall(carol)).toEqual({ events: 2, installs: 0 });
      await store.writePages([pagePart(day, ['dave'])]);
      expect(await store.eraseInstall(pseudonym('dave'))).toEqual({ events: 0, installs: 1 });
      expect(await store.eraseInstall(pseudonym('nobody'))).toEqual({ events: 0, installs: 0 });
      expect((await store.readErasures()).map((e) => e.install).sort()).toEqual(
        [carol, pseudonym('dave')].sort(),
      );
    });

    it(`purges ${PURGE_EVENT_COUNT} expired events and old pages, keeping the rest`, async () => {
      const eventsBefore = '2026-11-15';
      const pagesBefore = '2026-08-16';
      const oldDays = dayRange('2026-11-10', '2026-11-14');
      const perDay = PURGE_EVENT_COUNT / oldDays.length;
      const expired = oldDays.flatMap((d) =>
        Array.from({ length: perDay }, (_, n) => heartbeat(pseudonym(`i${n % 30}`), d, n)),
      );
      // The boundary day itself is kept: only days strictly before it go.
      const kept = ['2026-11-15', '2026-11-16'].flatMap((d) =>
        Array.from({ length: 10 }, (_, n) => heartbeat(pseudonym(`i${n}`), d, n)),
      );
      expect(expired).toHaveLength(PURGE_EVENT_COUNT);
      await saveInRequests(store, [...expired, ...kept]);

      const pages = [
        pagePart('2026-08-01', ['gone-1']),
        pagePart('2026-08-15', ['gone-2']),
        pagePart('2026-08-16', ['boundary']),
        pagePart('2026-11-16', ['active']),
      ];
      await store.writePages(pages);

      expect(await store.purgeExpired(eventsBefore, pagesBefore)).toEqual({
        events: PURGE_EVENT_COUNT,
        pages: 2,
      });
      for (const d of oldDays) expect(await store.readDayEvents(d)).toEqual([]);
      const remaining = [
        ...(await store.readDayEvents('2026-11-15')),
        ...(await store.readDayEvents('2026-11-16')),
      ];
      expect(byId(remaining)).toStrictEqual(byId(kept));
      const left = (
        await Promise.all(pages.map((p) => store.readPages(p.bucket, '2026-01-01', '2026-12-31')))
      ).flat();
      expect(left.map((p) => p.day).sort()).toEqual(['2026-08-16', '2026-11-16']);

      expect(await store.purgeExpired(eventsBefore, pagesBefore)).toEqual({
        events: 0,
        pages: 0,
      });
    });
  });
}
