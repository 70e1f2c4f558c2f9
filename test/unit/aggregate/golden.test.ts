// Golden fixtures for the daily aggregate (issue 4): a small fleet over 2026-10-25 … 2026-11-25,
// made by the real ingest pipeline (prepareEvent), aggregated day by day on a MemoryStore. Every
// expected number below is worked out by hand from the timeline, not printed by the code. The
// counting rules (windows, breakdowns, contribution bounds) are checked on each day's exact
// tallies; the published days, noisy, are checked for what differential privacy promises.
import { describe, expect, test } from 'vitest';
import { BREAKDOWNS, type DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { dayRange, type Day } from '../../../shared/dates.ts';
import type { EventType, Failure, Module, Platform } from '../../../shared/schema/event.ts';
import { HELD_REASONS, type HeldReason } from '../../../shared/screening.ts';
import { aggregateRange } from '../../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../../functions/src/ingest/prepare.ts';
import { pseudonymise } from '../../../functions/src/identity/pseudonym.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { EventSource } from '../../../functions/src/formats/registry.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import { exactView, type ExactView } from '../../support/exact-view.ts';
import { fakeClock } from '../../support/http-fakes.ts';

const SECRET = 'golden-fixture-secret';
const config = deploymentConfig;
const FROM = '2026-10-25';
const TO = '2026-11-25';
/** Every day of the fixture is final for a run on this date (72 h late window long past). */
const RUN_AT = '2026-12-15T00:15:00Z';

/*
 * THE FLEET — 14 installs with identity, plus reports without identity.
 *
 *   M1..M8  "debian": product {channel stable, installMethod deb}; platform debian 12,
 *           Linux 6.1.0-18-amd64, x86_64, kvm, container none; modules web@2.0 + db@1.1;
 *           attributes cpu_cores 4 and mirrored_hosts 3 (allowed but NOT published).
 *   R1..R4  "ubuntu arm": product {channel stable, installMethod docker}; platform ubuntu 24.04,
 *           Linux 6.1.0-31-arm64, aarch64, virtualization none, container docker;
 *           modules web@2.0 + gpu (no version → "gpu@unknown"); attributes cpu_cores 8.
 *   U1, U2  report only a product version; no platform, modules or attributes.
 *
 * TIMELINE (every event carries the install's full profile and version at that moment)
 *   10-25  all 14 send `install`: M and U at 1.5.0, R at 1.4.2.
 *   10-31  M1..M8 heartbeat (1.5.0).
 *   11-01  M1..M6 `upgrade` to 1.6.0; R1, R2 `upgrade` to 1.5.0.      (month boundary 10-31/11-01)
 *   11-05  M7, M8 `upgrade` to 1.6.0.
 *   11-10  M1..M8 (1.6.0), R1, R2 (1.5.0), R3, R4 (1.4.2) heartbeat; crashes:
 *            SIG_A = crash {program homecalld, function worker_loop, file src/worker.c, line 217}
 *            SIG_B = crash {program homecalld, function db_flush, file src/db.c, line 88}
 *            OOM   = fatal {code E-OOM, program homecalld, function alloc, file src/mem.c, line 12}
 *            M1: SIG_A ×2, SIG_B, OOM   M2: SIG_A, SIG_B, OOM   R1: SIG_A, SIG_B, OOM
 *            R2: SIG_A, SIG_B, OOM      R3: SIG_A, OOM
 *   11-15  8 anonymous `install_failed` reports (installer, no install id), version 1.6.0:
 *            5 × code F-0003, 2 × F-0102, 1 × F-0201.
 *   11-20  M1..M4 heartbeat (1.6.0); 2 anonymous Clean Insights heartbeats
 *            {version 1.6.0, os debian} (no osVersion, arch, …).
 *   11-25  M1..M8 (1.6.0) and R1 (1.5.0) heartbeat with LibreNMS-style counters:
 *            os.linux 10 (each M), os.ios 2 (M1..M5), R1: os.linux 7, os.junos 137;
 *            storage.ssd 3 + storage.hdd 1 (M1..M4 only);
 *            poller.fast 2 (M1..M3), poller.slow 5 (M4..M6).
 *
 * ACTIVE DAYS per install:
 *   M1..M4: 10-25 10-31 11-01 11-10 11-20 11-25      M5, M6: 10-25 10-31 11-01 11-10 11-25
 *   M7, M8: 10-25 10-31 11-05 11-10 11-25             R1: 10-25 11-01 11-10 11-25
 *   R2: 10-25 11-01 11-10     R3, R4: 10-25 11-10     U1, U2: 10-25
 *
 * ESTABLISHED (issue 18; default rule: 2 distinct days with the same OS, arch and kernel name):
 * an install counts in d1/d7/d28, breakdowns, upgrades and reliability from its second day on,
 * and as of its last active day in the 7- and 28-day windows. So M1..M8 count from 10-31, R1 and
 * R2 from 11-01, R3 and R4 from 11-10; U1 and U2, seen on 10-25 only, never count. Before this
 * rule every install counted from its first day: the expectations below that changed say so
 * ("was …"). newInstalls is unchanged: installs first seen on the day, published apart.
 * Reports without identity count once each on their own day, but only as many of a cohort of
 * identical reports as it had on the day before (the bound for reports without identity): the 8
 * installer reports of 11-15 and the 2 heartbeats of 11-20 have no such day, so none counts.
 */

const SIG_A: Failure = {
  program: 'homecalld',
  function: 'worker_loop',
  file: 'src/worker.c',
  line: 217,
  message: 'segfault at 0x0 in /srv/homecall/data for user alice',
};
const SIG_B: Failure = { program: 'homecalld', function: 'db_flush', file: 'src/db.c', line: 88 };
const OOM: Failure = {
  code: 'E-OOM',
  program: 'homecalld',
  function: 'alloc',
  file: 'src/mem.c',
  line: 12,
};

interface Profile {
  channel?: string;
  installMethod?: string;
  platform?: Platform;
  modules?: Module[];
  attributes?: Record<string, number>;
}

const DEBIAN: Profile = {
  channel: 'stable',
  installMethod: 'deb',
  platform: {
    os: 'debian',
    osVersion: '12',
    kernel: 'Linux',
    kernelVersion: '6.1.0-18-amd64',
    arch: 'x86_64',
    virtualization: 'kvm',
    container: 'none',
  },
  modules: [
    { name: 'web', version: '2.0' },
    { name: 'db', version: '1.1' },
  ],
  attributes: { cpu_cores: 4, mirrored_hosts: 3 },
};
const UBUNTU_ARM: Profile = {
  channel: 'stable',
  installMethod: 'docker',
  platform: {
    os: 'ubuntu',
    osVersion: '24.04',
    kernel: 'Linux',
    kernelVersion: '6.1.0-31-arm64',
    arch: 'aarch64',
    virtualization: 'none',
    container: 'docker',
  },
  modules: [{ name: 'web', version: '2.0' }, { name: 'gpu' }],
  attributes: { cpu_cores: 8 },
};
const BARE: Profile = {};

const M = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M8'];
const R = ['R1', 'R2', 'R3', 'R4'];
const PROFILE: Record<string, Profile> = {
  ...Object.fromEntries(M.map((n) => [n, DEBIAN])),
  ...Object.fromEntries(R.map((n) => [n, UBUNTU_ARM])),
  U1: BARE,
  U2: BARE,
};

/** The pseudonym ingest gives install `name`. */
const pseudonymOf = (name: string) => pseudonymise(SECRET, `golden-${name}`);

/** Builds the fixture's events through prepareEvent; ids and times are deterministic. */
function fleetEvents(): StoredEvent[] {
  const events: StoredEvent[] = [];
  let sequence = 0;
  const add = (
    installId: string | null,
    type: EventType,
    day: Day,
    fields: Partial<IncomingEvent>,
    source: EventSource = 'v1',
  ) => {
    sequence += 1;
    // 09:00 UTC on the day plus one second per event: received in the order they are listed.
    const now = Date.parse(`${day}T09:00:00Z`) + sequence * 1000;
    const prepared = prepareEvent(
      { installId, type, eventId: `golden-${sequence}`, ...fields },
      [],
      {
        secret: SECRET,
        now,
        config,
        source,
      },
    );
    if (!prepared.ok) throw new Error(prepared.issue.message);
    expect(prepared.event.day).toBe(day);
    events.push(prepared.event);
  };
  const send = (
    name: string,
    type: EventType,
    day: Day,
    version: string,
    extra: Partial<IncomingEvent> = {},
  ) => {
    const p = PROFILE[name] as Profile;
    add(`golden-${name}`, type, day, {
      product: { version, channel: p.channel, installMethod: p.installMethod },
      platform: p.platform,
      modules: p.modules,
      attributes: p.attributes,
      ...extra,
    });
  };

  for (const n of M) send(n, 'install', '2026-10-25', '1.5.0');
  for (const n of R) send(n, 'install', '2026-10-25', '1.4.2');
  for (const n of ['U1', 'U2']) send(n, 'install', '2026-10-25', '1.5.0');

  for (const n of M) send(n, 'heartbeat', '2026-10-31', '1.5.0');

  for (const n of M.slice(0, 6)) send(n, 'upgrade', '2026-11-01', '1.6.0');
  for (const n of ['R1', 'R2']) send(n, 'upgrade', '2026-11-01', '1.5.0');

  for (const n of ['M7', 'M8']) send(n, 'upgrade', '2026-11-05', '1.6.0');

  const d10 = '2026-11-10';
  for (const n of M) send(n, 'heartbeat', d10, '1.6.0');
  for (const n of ['R1', 'R2']) send(n, 'heartbeat', d10, '1.5.0');
  for (const n of ['R3', 'R4']) send(n, 'heartbeat', d10, '1.4.2');
  const versionOn10: Record<string, string> = {
    M1: '1.6.0',
    M2: '1.6.0',
    R1: '1.5.0',
    R2: '1.5.0',
  };
  for (const n of ['M1', 'M2', 'R1', 'R2']) {
    const v = versionOn10[n] as string;
    send(n, 'crash', d10, v, { failure: SIG_A });
    if (n === 'M1') send(n, 'crash', d10, v, { failure: SIG_A });
    send(n, 'crash', d10, v, { failure: SIG_B });
    send(n, 'fatal', d10, v, { failure: OOM });
  }
  send('R3', 'crash', d10, '1.4.2', { failure: SIG_A });
  send('R3', 'fatal', d10, '1.4.2', { failure: OOM });

  for (const code of [
    'F-0003',
    'F-0003',
    'F-0003',
    'F-0003',
    'F-0003',
    'F-0102',
    'F-0102',
    'F-0201',
  ])
    add(null, 'install_failed', '2026-11-15', {
      product: { version: '1.6.0' },
      failure: { code, message: 'apt-get failed on host db01.internal' },
    });

  for (const n of M.slice(0, 4)) send(n, 'heartbeat', '2026-11-20', '1.6.0');
  for (let i = 0; i < 2; i += 1)
    add(
      null,
      'heartbeat',
      '2026-11-20',
      { product: { version: '1.6.0' }, platform: { os: 'debian' } },
      'cleaninsights',
    );

  const d25 = '2026-11-25';
  for (const [i, n] of M.entries()) {
    const counters: Record<string, number> = { 'os.linux': 10 };
    if (i < 5) counters['os.ios'] = 2;
    if (i < 4) Object.assign(counters, { 'storage.ssd': 3, 'storage.hdd': 1 });
    if (i < 3) counters['poller.fast'] = 2;
    else if (i < 6) counters['poller.slow'] = 5;
    send(n, 'heartbeat', d25, '1.6.0', { counters });
  }
  send('R1', 'heartbeat', d25, '1.5.0', { counters: { 'os.linux': 7, 'os.junos': 137 } });
  return events;
}

async function aggregateFleet(events: StoredEvent[] = fleetEvents()) {
  const store = new MemoryStore();
  await store.saveEvents(events);
  const outcomes = await aggregateRange(
    { store, clock: fakeClock(RUN_AT).now, config, publicationSecret: () => 'golden-noise' },
    FROM,
    TO,
  );
  const exact = new Map(outcomes.map((o) => [o.day, exactView(o.exact)]));
  /** The exact tallies of a day. */
  const day = (d: Day): ExactView => {
    const view = exact.get(d);
    if (!view) throw new Error(`no tallies for ${d}`);
    return view;
  };
  /** The published day. */
  const published = (d: Day): DayAggregate => {
    const aggregate = store.days.get(d);
    if (!aggregate) throw new Error(`no aggregate for ${d}`);
    return aggregate;
  };
  return { store, day, published };
}

const active = (d1: number, d7: number, d28: number) => ({ d1, d7, d28 });

/** A day's held-out figures: reason → [reports, installs]; every other reason 0. */
function held(reasons: Partial<Record<HeldReason, [number, number]>>): DayAggregate['heldOut'] {
  const rows = HELD_REASONS.map((reason) => {
    const [reports, installs] = reasons[reason] ?? [0, 0];
    return { reason, reports, installs };
  });
  return {
    reports: rows.reduce((n, r) => n + r.reports, 0),
    installs: rows.reduce((n, r) => n + r.installs, 0),
    reasons: rows,
  };
}

describe('golden fleet 2026-10-25 … 2026-11-25', () => {
  test('d1/d7/d28, new installs and events, including across the month boundary', async () => {
    const { store, day, published } = await aggregateFleet();
    expect([...store.days.keys()].sort()).toEqual(dayRange(FROM, TO));
    const expected: Record<Day, [DayAggregate['activeInstalls'], number, DayAggregate['events']]> =
      {
        // All 14 install: all new, none established yet (was 14, 14, 14), so none of their
        // events counts either: a held-out install adds nothing but to the held-out counts.
        '2026-10-25': [active(0, 0, 0), 14, {}],
        // Nobody active, nobody established (was 0, 14, 14).
        '2026-10-28': [active(0, 0, 0), 0, {}],
        // M1..M8 on their second day: established. The 10-25 installs that are not (R, U) count
        // in no window (was 8, 14, 14).
        '2026-10-31': [active(8, 8, 8), 0, { heartbeat: 8 }],
        // M1..M6 + R1, R2 (second day: established). 7-day 10-26..11-01 (across the month):
        // M1..M8 (10-31), R1, R2 (was 8, 10, 14: R3, R4, U1, U2 no longer count).
        '2026-11-01': [active(8, 10, 10), 0, { upgrade: 8 }],
        // M7, M8. 7-day 10-30..11-05: M1..M8, R1, R2 (was 2, 10, 14).
        '2026-11-05': [active(2, 10, 10), 0, { upgrade: 2 }],
        // 7-day 10-31..11-06 starts on the last day of October: still M1..M8, R1, R2.
        '2026-11-06': [active(0, 10, 10), 0, {}],
        // 7-day 11-01..11-07: M1..M6, R1, R2 (11-01) and M7, M8 (11-05).
        '2026-11-07': [active(0, 10, 10), 0, {}],
        // 7-day 11-02..11-08: only M7, M8 (11-05) (was 0, 2, 14).
        '2026-11-08': [active(0, 2, 10), 0, {}],
        // All but U1, U2; R3, R4 on their second day. Events: 12 heartbeats; crashes
        // 3+2+2+2+1 = 10; fatals 5. M1 sent 5 events (heartbeat, 3 crashes, fatal): at most 4
        // count (eventClip), the largest count cut first, so 2 of its crashes count: 9 crashes
        // (was 12, 12, 14: U1, U2 no longer count).
        '2026-11-10': [active(12, 12, 12), 0, { heartbeat: 12, crash: 9, fatal: 5 }],
        // 8 reports without identity, none counted (no day before with such reports).
        // 7-day 11-09..11-15: the 12 of 11-10 (was 8, 20, 22).
        '2026-11-15': [active(0, 12, 12), 0, {}],
        // 7-day 11-10..11-16: the 12 of 11-10 (was 0, 12, 14).
        '2026-11-16': [active(0, 12, 12), 0, {}],
        '2026-11-17': [active(0, 0, 12), 0, {}],
        // M1..M4; the 2 reports are not counted (was 6, 6, 16).
        '2026-11-20': [active(4, 4, 12), 0, { heartbeat: 4 }],
        // U1, U2 were never counted, so their leaving the 28-day window changes nothing
        // (was 0, 4, 14 and 0, 4, 12).
        '2026-11-21': [active(0, 4, 12), 0, {}],
        '2026-11-22': [active(0, 4, 12), 0, {}],
        // M1..M8 + R1. 7-day 11-19..11-25: the same 9. 28-day 10-29..11-25: M1..M8, R1..R4.
        '2026-11-25': [active(9, 9, 12), 0, { heartbeat: 9 }],
      };
    const actual = Object.fromEntries(
      Object.keys(expected).map((d) => {
        const a = day(d);
        return [d, [a.activeInstalls, a.newInstalls, a.events]];
      }),
    );
    expect(actual).toEqual(expected);
    expect(dayRange(FROM, TO).every((d) => day(d).optOuts === 0 && published(d).final)).toBe(true);
  });

  test('breakdowns on 11-20: every value counted, "unknown", labels, modules, attributes', async () => {
    const { day } = await aggregateFleet();
    const b = day('2026-11-20').breakdowns;
    // 12 in the 28-day window: M1..M8 (1.6.0 since 11-01/11-05), R1, R2 (1.5.0), R3, R4 (1.4.2).
    // Before the established rule it was 16: U1, U2 (seen on 10-25 only, 1.5.0, no platform)
    // and the 2 reports without identity (1.6.0, os debian) counted too, and every "unknown"
    // bucket below was theirs.
    expect(b.version).toEqual([
      { value: '1.6.0', installs: 8 }, // 8 M (was 10: + 2 reports)
      { value: '1.4.2', installs: 2 }, // R3 R4
      { value: '1.5.0', installs: 2 }, // R1 R2 (was 4: + U1 U2)
    ]);
    expect(b.os).toEqual([
      { value: 'debian', installs: 8 }, // 8 M (was 10: + 2 reports)
      { value: 'ubuntu', installs: 4 }, // U1 U2 were "unknown"
    ]);
    expect(b.osVersion).toEqual([
      { value: 'debian 12', installs: 8 },
      { value: 'ubuntu 24.04', installs: 4 }, // U1 U2 and the reports were "unknown"
    ]);
    // 6.1.0-18-amd64 and 6.1.0-31-arm64 are both "Linux 6.1": 8 + 4.
    expect(b.kernel).toEqual([{ value: 'Linux 6.1', installs: 12 }]);
    expect(b.arch).toEqual([
      { value: 'x86_64', installs: 8 },
      { value: 'aarch64', installs: 4 }, // U1 U2 and the reports were "unknown"
    ]);
    expect(b.virtualization).toEqual([
      { value: 'kvm', installs: 8 },
      { value: 'none', installs: 4 },
    ]);
    expect(b.container).toEqual([
      { value: 'none', installs: 8 },
      { value: 'docker', installs: 4 },
    ]);
    expect(b.channel).toEqual([{ value: 'stable', installs: 12 }]);
    expect(b.installMethod).toEqual([
      { value: 'deb', installs: 8 },
      { value: 'docker', installs: 4 },
    ]);
    // Installs per module@version; one install counts in several buckets.
    expect(b.module).toEqual([
      { value: 'web@2.0', installs: 12 }, // M + R
      { value: 'db@1.1', installs: 8 },
      { value: 'gpu@unknown', installs: 4 }, // R (U1 U2 and the reports, without modules, were "unknown")
    ]);
    // Cores are counted in the configured buckets (1, 2–3, 4–7, 8–15, 16–31, 32+).
    expect(b['attribute.cpu_cores']).toEqual([
      { value: '4–7', installs: 8 },
      { value: '8–15', installs: 4 },
    ]);
    expect(b['attribute.memory_gib']).toEqual([{ value: 'unknown', installs: 12 }]);
    // mirrored_hosts is allowed in, but not published.
    expect(b['attribute.mirrored_hosts']).toBeUndefined();
    const names = Object.entries(config.attributes)
      .filter(([, spec]) => spec.published)
      .map(([key]) => `attribute.${key}`);
    expect(Object.keys(b).sort()).toEqual([...BREAKDOWNS, ...names].sort());
  });

  test('every single-valued breakdown adds up to d28, exact and published, every day', async () => {
    const { day, published } = await aggregateFleet();
    for (const d of dayRange(FROM, TO)) {
      for (const [a, what] of [
        [day(d), 'exact'],
        [published(d), 'published'],
      ] as const) {
        for (const [name, buckets] of Object.entries(a.breakdowns)) {
          if (name === 'module') continue; // several modules per install
          const total = buckets.reduce((sum, bucket) => sum + bucket.installs, 0);
          expect(total, `${what} ${d} ${name}`).toBe(a.activeInstalls.d28);
        }
      }
    }
    // 11-15: M1..M8 (1.6.0); R1 R2 (1.5.0) + R3 R4 (1.4.2). The 8 installer reports and U1 U2
    // no longer count (was 16 and 6).
    expect(day('2026-11-15').breakdowns.version).toEqual([
      { value: '1.6.0', installs: 8 },
      { value: '1.4.2', installs: 2 },
      { value: '1.5.0', installs: 2 },
    ]);
    // 10-25: nobody is established on the first day, so no breakdown has a bucket (was 1.5.0:
    // M1..M8 + U1 U2 = 10 and other: R1..R4 = 4).
    for (const buckets of Object.values(day('2026-10-25').breakdowns)) expect(buckets).toEqual([]);
  });

  test('published values clear their noisy threshold; values of a few installs never appear', async () => {
    const { day, published } = await aggregateFleet();
    let shown = 0;
    for (const d of dayRange(FROM, TO)) {
      const a = published(d);
      const noise = a.privacy?.noise ?? {};
      for (const [name, buckets] of Object.entries(a.breakdowns)) {
        const threshold = noise[name === 'module' ? 'breakdowns.module' : 'breakdowns']?.threshold;
        expect(threshold, name).toBeGreaterThan(14);
        const rare = new Set(
          (day(d).breakdowns[name] ?? []).filter((b) => b.installs <= 4).map((b) => b.value),
        );
        for (const bucket of buckets) {
          if (bucket.value === 'other') continue;
          shown += 1;
          // A value appears only with a noisy count at its threshold (about 30 for 5.5 of noise),
          // unless the values were lowered to fit under the published d28 (then no "other").
          const fitted = !buckets.some((b) => b.value === 'other') && name !== 'module';
          if (!fitted)
            expect(bucket.installs, `${d} ${name}=${bucket.value}`).toBeGreaterThanOrEqual(
              threshold ?? Infinity,
            );
          expect(rare.has(bucket.value), `${d} ${name}=${bucket.value}`).toBe(false);
        }
      }
      // Version moves of 2 to 6 installs, failures of 4 or 5, counters of 9: all hidden.
      expect(a.upgrades.filter((u) => u.from !== 'other')).toEqual([]);
      expect(a.reliability.topFailures).toEqual([]);
      expect(a.reliability.installFailures).toEqual([]);
      expect(a.counters).toEqual([]);
    }
    // Only the biggest buckets of 14 to 22 installs could ever reach a threshold near 30.
    expect(shown).toBeLessThan(10);
  });

  test('upgrades from → to', async () => {
    const { day } = await aggregateFleet();
    expect(day('2026-11-01').upgrades).toEqual([
      { from: '1.5.0', to: '1.6.0', installs: 6 }, // M1..M6
      { from: '1.4.2', to: '1.5.0', installs: 2 }, // R1, R2
    ]);
    // M7, M8 make the same move as M1..M6.
    expect(day('2026-11-05').upgrades).toEqual([{ from: '1.5.0', to: '1.6.0', installs: 2 }]);
    // Same versions as on their previous active day: no upgrade.
    for (const d of ['2026-10-25', '2026-10-31', '2026-11-10', '2026-11-20', '2026-11-25'])
      expect(day(d).upgrades, d).toEqual([]);
  });

  test('reliability on 11-10: crash-free rates, failures, events within the per-install bounds', async () => {
    const { day } = await aggregateFleet();
    const reliability = day('2026-11-10').reliability;
    expect(reliability.versions).toEqual([
      // M1..M8; M1, M2 crashed: 1 - 2/8 = 0.75. M1's 3 crashes and 1 fatal count as 2 and 1
      // (eventClip 4 with its heartbeat), M2's 2 and 1 in full.
      {
        version: '1.6.0',
        activeInstalls: 8,
        crashedInstalls: 2,
        crashFreeRate: 0.75,
        crashEvents: 4,
        fatalEvents: 2,
      },
      // R3, R4: R3 crashed (SIG_A, OOM).
      {
        version: '1.4.2',
        activeInstalls: 2,
        crashedInstalls: 1,
        crashFreeRate: 0.5,
        crashEvents: 1,
        fatalEvents: 1,
      },
      // R1, R2: both crashed (SIG_A, SIG_B, OOM each).
      {
        version: '1.5.0',
        activeInstalls: 2,
        crashedInstalls: 2,
        crashFreeRate: 0,
        crashEvents: 4,
        fatalEvents: 2,
      },
    ]);
    expect(reliability.topFailures).toEqual([
      // The code wins over program/function/file. M1, M2, R1, R2, R3.
      { signature: 'E-OOM', installs: 5, events: 5 },
      // M1, M2, R1, R2, R3. M1's signatures share its 3 counted crash and fatal events, one
      // each, so its second SIG_A is not counted.
      { signature: 'homecalld worker_loop src/worker.c:217', installs: 5, events: 5 },
      { signature: 'homecalld db_flush src/db.c:88', installs: 4, events: 4 },
    ]);
    expect(reliability.installFailures).toEqual([]);
  });

  test('reliability on 11-15 and 11-20: reports without identity bounded by their cohort', async () => {
    const { day } = await aggregateFleet();
    const reliability = day('2026-11-15').reliability;
    // The 8 installer reports have no earlier day with reports like them, so none counts: no
    // install failures and no version row (was F-0003: 5, other: 3, and a 1.6.0 row of 8).
    expect(reliability.installFailures).toEqual([]);
    expect(reliability.versions).toEqual([]);
    expect(reliability.topFailures).toEqual([]);
    // They are held out, and say so: 8 reports of 8 installs, for that reason alone.
    expect(day('2026-11-15').heldOut).toEqual(held({ 'identityless-cap': [8, 8] }));
    // 11-20: M1..M4 only (1.6.0) (was a row of 6 with the 2 reports).
    expect(day('2026-11-20').reliability.versions).toEqual([
      {
        version: '1.6.0',
        activeInstalls: 4,
        crashedInstalls: 0,
        crashFreeRate: 1,
        crashEvents: 0,
        fatalEvents: 0,
      },
    ]);
    expect(day('2026-11-20').heldOut).toEqual(held({ 'identityless-cap': [2, 2] }));
  });

  test('established, pending and held-out installs, day by day', async () => {
    const { day, published } = await aggregateFleet();
    const debian15 = 'version=1.5.0,os=debian,arch=x86_64,kernel=Linux';
    // 10-25: all 14 new and held out, waiting; by profile: 8 debian 1.5.0, the 4 ubuntu arm at
    // 1.4.2 and U1 U2 (no platform).
    expect(day('2026-10-25').established).toEqual({
      newlyEstablished: 0,
      pending: { d1: 14, d28: 14 },
      proven: 0,
      newInstallProfiles: [
        { value: debian15, installs: 8 },
        { value: 'version=1.4.2,os=ubuntu,arch=aarch64,kernel=Linux', installs: 4 },
        { value: 'version=1.5.0,os=unknown,arch=unknown,kernel=unknown', installs: 2 },
      ],
      newlyEstablishedProfiles: [],
    });
    expect(day('2026-10-25').heldOut).toEqual(held({ 'not-established': [14, 14] }));
    // 10-31: M1..M8 established; R1..R4, U1, U2 still wait (as of their last day, 10-25).
    expect(day('2026-10-31').established).toMatchObject({
      newlyEstablished: 8,
      pending: { d1: 0, d28: 6 },
      newlyEstablishedProfiles: [{ value: debian15, installs: 8 }],
    });
    expect(day('2026-10-31').heldOut).toEqual(held({}));
    // 11-01: R1, R2; R3, R4, U1, U2 wait.
    expect(day('2026-11-01').established).toMatchObject({
      newlyEstablished: 2,
      pending: { d1: 0, d28: 4 },
    });
    expect(
      day('2026-11-01').established.newlyEstablishedProfiles.reduce((n, b) => n + b.installs, 0),
    ).toBe(2);
    // 11-10: R3, R4; only U1, U2 wait. 11-22: U1, U2 left the 28-day window.
    expect(day('2026-11-10').established).toMatchObject({
      newlyEstablished: 2,
      pending: { d1: 0, d28: 2 },
    });
    expect(day('2026-11-22').established).toMatchObject({
      newlyEstablished: 0,
      pending: { d1: 0, d28: 0 },
    });
    // A fleet this small never rises past the flags' minimum, nor past the noise: no day is
    // flagged.
    for (const d of dayRange(FROM, TO)) expect(published(d).anomaly, d).toBeUndefined();
  });

  test('counters on 11-25: sums over installs, each count clipped at counterClip', async () => {
    const { day } = await aggregateFleet();
    expect(config.privacy.counterClip).toBe(100);
    expect(day('2026-11-25').counters).toEqual([
      // 9 installs. linux: 8 × 10 + 7 = 87 (9 installs); ios: 5 × 2 = 10 (5 installs); junos:
      // R1 alone reported 137, counted as 100. Sum 87 + 10 + 100 = 197.
      {
        group: 'os',
        installs: 9,
        sum: 197,
        values: [
          { value: 'junos', installs: 1, sum: 100 },
          { value: 'linux', installs: 9, sum: 87 },
          { value: 'ios', installs: 5, sum: 10 },
        ],
      },
      // slow: M4..M6 (3 × 5 = 15), fast: M1..M3 (3 × 2 = 6).
      {
        group: 'poller',
        installs: 6,
        sum: 21,
        values: [
          { value: 'slow', installs: 3, sum: 15 },
          { value: 'fast', installs: 3, sum: 6 },
        ],
      },
      // storage: M1..M4: ssd 4 × 3, hdd 4 × 1.
      {
        group: 'storage',
        installs: 4,
        sum: 16,
        values: [
          { value: 'ssd', installs: 4, sum: 12 },
          { value: 'hdd', installs: 4, sum: 4 },
        ],
      },
    ]);
    for (const d of dayRange(FROM, TO))
      if (d !== '2026-11-25') expect(day(d).counters, d).toEqual([]);
  });

  test('the same events saved in another order give deep-equal aggregates', async () => {
    const events = fleetEvents();
    const inOrder = await aggregateFleet(events);
    // Reversed, then interleaved: every other event from the back, then the rest.
    const reversed = [...events].reverse();
    const shuffled = [
      ...reversed.filter((_, i) => i % 2 === 0),
      ...reversed.filter((_, i) => i % 2 === 1),
    ];
    const other = await aggregateFleet(shuffled);
    const strip = (a: DayAggregate) => ({ ...a, run: { ...a.run, computedAt: '' } });
    // The same tallies and contributor digests, so the same noise: identical published days.
    for (const d of dayRange(FROM, TO)) {
      expect(other.day(d), d).toEqual(inOrder.day(d));
      expect(strip(other.published(d)), d).toEqual(strip(inOrder.published(d)));
    }
    expect(JSON.stringify([...other.store.days.values()].map(strip).sort(byDay))).toBe(
      JSON.stringify([...inOrder.store.days.values()].map(strip).sort(byDay)),
    );
  });

  test('aggregates hold no pseudonym, raw id or event text', async () => {
    const { store } = await aggregateFleet();
    const text = JSON.stringify([...store.days.values()]);
    for (const name of [...M, ...R, 'U1', 'U2']) {
      expect(text).not.toContain(pseudonymOf(name));
      expect(text).not.toContain(`golden-${name}`);
    }
    for (const event of store.events.values()) expect(text).not.toContain(event.id);
    expect(text).not.toMatch(/[0-9a-f]{40}/);
    expect(text).not.toMatch(/alice|db01|segfault|apt-get/);
    // What aggregation remembers of installs: 64-bit pseudonym prefixes in activity pages.
    expect(store.knownInstalls().size).toBe(14);
  });
});

function byDay(a: DayAggregate, b: DayAggregate): number {
  return a.day.localeCompare(b.day);
}
