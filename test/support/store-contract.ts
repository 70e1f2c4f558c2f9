// Behaviour every Store must show, run against each backend (memory in the unit project,
// Firestore on the emulator in the integration project) so the two cannot drift apart.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { addDays, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import type { InstallRecord, Store, StoredEvent } from '../../functions/src/store/types.ts';

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

/** An install record first seen on `firstSeen` and last seen on `lastSeen`. */
export function installRecord(name: string, firstSeen: Day, lastSeen: Day): InstallRecord {
  return {
    id: pseudonym(name),
    firstSeen,
    lastSeen,
    activity: { [firstSeen]: '3f9a1c0e', [lastSeen]: 'b7d204aa' },
    snapshots: {
      '3f9a1c0e': {
        version: 'v2.3.2',
        channel: 'stable',
        installMethod: 'kickstart',
        os: 'debian',
        osVersion: '12',
        kernel: 'Linux',
        kernelVersion: '6.1.0-18-amd64',
        arch: 'x86_64',
        virtualization: 'kvm',
        container: 'none',
        modules: ['ebpf@v2.3.2', 'go.d@v0.60.1'],
      },
      b7d204aa: {
        version: 'v2.4.0',
        channel: 'stable',
        os: 'debian',
        arch: 'x86_64',
        modules: ['go.d@v0.61.0'],
        attributes: { cloud: true, cores: 4, region: 'us-east' },
      },
    },
    expireAt: startOfDay(lastSeen) + RETENTION_MS,
  };
}

/** The public aggregate of `day`; `n` varies the figures. */
function dayAggregate(day: Day, n: number): DayAggregate {
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
      expect((await store.readInstalls([])).size).toBe(0);
      await store.writeInstalls([]);
      await store.writeDays([]);
      expect(await store.readDays('2026-01-01', '2026-12-31')).toEqual([]);
      expect(await store.readInstallsSeenSince('2026-01-01')).toEqual([]);
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

    it('reads back only the installs that exist', async () => {
      const a = installRecord('alice', '2026-10-02', day);
      const b = installRecord('bob', '2026-11-01', '2026-11-19');
      await store.writeInstalls([a, b]);
      const found = await store.readInstalls([a.id, pseudonym('nobody'), b.id, a.id]);
      expect([...found.keys()].sort()).toEqual([a.id, b.id].sort());
      expect(found.get(a.id)).toStrictEqual(a);
      expect(found.get(b.id)).toStrictEqual(b);
      expect((await store.readInstalls([pseudonym('nobody')])).size).toBe(0);
    });

    it('reads installs last seen on or after a day (the day included)', async () => {
      const records = [
        installRecord('a', '2026-10-01', '2026-11-18'),
        installRecord('b', '2026-10-01', '2026-11-19'),
        installRecord('c', '2026-10-01', '2026-11-20'),
        installRecord('d', '2026-11-21', '2026-11-21'),
      ];
      await store.writeInstalls(records);
      expect(byId(await store.readInstallsSeenSince('2026-11-19'))).toStrictEqual(
        byId(records.slice(1)),
      );
      expect(await store.readInstallsSeenSince('2026-11-22')).toEqual([]);
    });

    it('replaces an install record instead of merging into it', async () => {
      const old = installRecord('alice', '2026-10-02', '2026-11-19');
      await store.writeInstalls([old]);
      const replacement: InstallRecord = {
        id: old.id,
        firstSeen: '2026-10-02',
        lastSeen: day,
        activity: { [day]: 'c0ffee42' },
        snapshots: { c0ffee42: { version: 'v2.5.0', os: 'debian' } },
        expireAt: startOfDay(day) + RETENTION_MS,
      };
      await store.writeInstalls([replacement]);
      expect((await store.readInstalls([old.id])).get(old.id)).toStrictEqual(replacement);
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

    it('erases one install, its events and its record, and is idempotent', async () => {
      const aliceEvents = [
        ...dayRange('2026-11-18', '2026-11-20').flatMap((d) =>
          [1, 2, 3, 4, 5, 6, 7, 8].map((n) => heartbeat(alice, d, n)),
        ),
        crash(alice, day),
      ];
      const bobEvents = [heartbeat(bob, '2026-11-19', 1), heartbeat(bob, day, 1), crash(bob, day)];
      const anonymous = [optOut('2026-11-19', 1), optOut(day, 2)];
      await saveInRequests(store, [...aliceEvents, ...bobEvents, ...anonymous]);
      const aliceRecord = installRecord('alice', '2026-09-30', day);
      const bobRecord = installRecord('bob', '2026-11-19', day);
      await store.writeInstalls([aliceRecord, bobRecord]);

      expect(await store.eraseInstall(alice)).toEqual({ events: aliceEvents.length, installs: 1 });

      const remaining = [
        ...(await store.readDayEvents('2026-11-18')),
        ...(await store.readDayEvents('2026-11-19')),
        ...(await store.readDayEvents(day)),
      ];
      expect(byId(remaining)).toStrictEqual(byId([...bobEvents, ...anonymous]));
      const installs = await store.readInstalls([alice, bob]);
      expect([...installs.keys()]).toEqual([bob]);
      expect(installs.get(bob)).toStrictEqual(bobRecord);

      expect(await store.eraseInstall(alice)).toEqual({ events: 0, installs: 0 });
    });

    it('erases an install that has only events, or only a record', async () => {
      const carol = pseudonym('carol');
      await store.saveEvents([heartbeat(carol, day, 1), heartbeat(carol, day, 2)]);
      expect(await store.eraseInstall(carol)).toEqual({ events: 2, installs: 0 });
      await store.writeInstalls([installRecord('dave', '2026-11-01', day)]);
      expect(await store.eraseInstall(pseudonym('dave'))).toEqual({ events: 0, installs: 1 });
      expect(await store.eraseInstall(pseudonym('nobody'))).toEqual({ events: 0, installs: 0 });
    });

    it(`purges ${PURGE_EVENT_COUNT} expired events and old installs, keeping the rest`, async () => {
      const eventsBefore = '2026-11-15';
      const installsBefore = '2026-08-16';
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

      const installs = [
        installRecord('gone-1', '2026-05-01', '2026-08-01'),
        installRecord('gone-2', '2026-06-11', '2026-08-15'),
        installRecord('boundary', '2026-06-11', '2026-08-16'),
        installRecord('active', '2026-06-11', '2026-11-16'),
      ];
      await store.writeInstalls(installs);

      expect(await store.purgeExpired(eventsBefore, installsBefore)).toEqual({
        events: PURGE_EVENT_COUNT,
        installs: 2,
      });
      for (const d of oldDays) expect(await store.readDayEvents(d)).toEqual([]);
      const remaining = [
        ...(await store.readDayEvents('2026-11-15')),
        ...(await store.readDayEvents('2026-11-16')),
      ];
      expect(byId(remaining)).toStrictEqual(byId(kept));
      const left = await store.readInstalls(installs.map((r) => r.id));
      expect(byId([...left.values()])).toStrictEqual(byId(installs.slice(2)));

      expect(await store.purgeExpired(eventsBefore, installsBefore)).toEqual({
        events: 0,
        installs: 0,
      });
    });
  });
}
