/**
 * A deterministic demo fleet for `npm start`: installs joining over time, upgrade waves, an
 * OS/arch mix and a few crashes. Events go through the real ingest pipeline and the real
 * aggregation in memory; Firestore then receives only what the next aggregation run needs (the
 * day aggregates, the events of the late-arrival window and the activity pages of the last
 * DEMO_PAGE_DAYS days), because the Node emulator slows down as collections grow.
 */
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import type { EventType } from '../../shared/schema/event.ts';
import { aggregateRange, lateDays } from '../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { EventSource } from '../../functions/src/formats/registry.ts';
import type { Store } from '../../functions/src/store/types.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import { retryTransient } from './transient.ts';

const WARM_UP_DAYS = 30;
/**
 * Days of activity pages written to the emulator: the 28-day window of the late days and a week
 * more. An install last seen before that would count as new again when the late window is
 * recomputed; the demo fleet reports on most days, so that is a handful at most.
 */
const DEMO_PAGE_DAYS = 35;

/** Size of the simulated fleet. */
export interface DemoOptions {
  installs: number;
  days: number;
  seed: number;
}

/** Small seeded PRNG (mulberry32): the same seed always gives the same fleet. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RELEASES = [
  { version: '1.4.0', at: 0 },
  { version: '1.5.0', at: 0.35 },
  { version: '1.6.0', at: 0.7 },
];
const PLATFORMS = [
  { os: 'debian', osVersion: '12', kernelVersion: '6.1.0-18-amd64', arch: 'x86_64', weight: 5 },
  {
    os: 'ubuntu',
    osVersion: '24.04',
    kernelVersion: '6.8.0-45-generic',
    arch: 'x86_64',
    weight: 6,
  },
  {
    os: 'ubuntu',
    osVersion: '22.04',
    kernelVersion: '5.15.0-91-generic',
    arch: 'aarch64',
    weight: 2,
  },
  { os: 'rhel', osVersion: '9', kernelVersion: '5.14.0-427.el9.x86_64', arch: 'x86_64', weight: 2 },
  { os: 'alpine', osVersion: '3.20', kernelVersion: '6.6.31-0-lts', arch: 'x86_64', weight: 1 },
];
const MODULES = ['snmp', 'syslog', 'alerts', 'ping'];
const CRASH = { program: 'daemon', function: 'poll_loop', file: 'src/poll.c', line: 412 };
const FATAL = {
  program: 'daemon',
  thread: 'MAIN',
  function: 'open_config',
  file: 'src/config.c',
  line: 88,
  errno: 13,
};
const CONTAINERS = ['none', 'none', 'none', 'docker', 'podman'];
// Hosts as fleets have them: cores and memory are rarely powers of two only, and memory is
// reported as usable GiB (a 32 GiB host says 31), which the configured buckets count as 32.
const CORES = [1, 2, 2, 4, 4, 4, 6, 8, 8, 12, 16, 24, 32, 64];
const MEMORY_GIB = [1, 2, 4, 4, 8, 8, 8, 15, 16, 16, 31, 32, 62, 128];
const DATABASES = ['mariadb', 'mariadb', 'mysql', 'postgres'];
const CLOUDS = ['none', 'none', 'none', 'aws', 'gcp', 'azure', 'hetzner'];
const DEVICE_OS = [
  { os: 'linux', share: 0.4 },
  { os: 'ios', share: 0.25 },
  { os: 'junos', share: 0.12 },
  { os: 'routeros', share: 0.1 },
  { os: 'windows', share: 0.08 },
  { os: 'vrp', share: 0.05 },
];
const PORTS_PER_DEVICE = [
  { type: 'ethernetCsmacd', per: 18 },
  { type: 'softwareLoopback', per: 1 },
  { type: 'l2vlan', per: 4 },
  { type: 'ieee8023adLag', per: 0.5 },
];
const SENSORS_PER_DEVICE = [
  { kind: 'temperature', per: 3 },
  { kind: 'voltage', per: 2 },
  { kind: 'fanspeed', per: 1.5 },
  { kind: 'power', per: 1 },
];

/**
 * What one install reports about its host (attributes) and counts (LibreNMS-style counters),
 * from its own seeded generator, so the rest of the fleet stays as it was.
 */
function hostProfile(seed: number, n: number) {
  const rand = random(seed * 7919 + n);
  const of = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const devices = 5 + Math.floor(rand() * 200);
  // Most fleets monitor a few kinds of devices; small ones only two or three.
  const kinds = DEVICE_OS.filter((d, i) => i < 2 || rand() < 0.6);
  const share = kinds.reduce((sum, d) => sum + d.share, 0);
  const counters: Record<string, number> = { 'devices.total': devices };
  for (const d of kinds)
    counters[`os.${d.os}`] = Math.max(1, Math.round((devices * d.share) / share));
  for (const p of PORTS_PER_DEVICE) counters[`port_type.${p.type}`] = Math.ceil(devices * p.per);
  if (rand() < 0.8)
    for (const k of SENSORS_PER_DEVICE) counters[`sensors.${k.kind}`] = Math.ceil(devices * k.per);
  const database = of(DATABASES);
  const attributes: Record<string, string | number> = {
    cpu_cores: of(CORES),
    memory_gib: of(MEMORY_GIB),
    database,
    cloud_provider: of(CLOUDS),
    telemetry_source: 'agent',
    php_version: of(['8.1.2', '8.2.7', '8.2.7', '8.3.6']),
    python_version: of(['3.9.2', '3.11.2', '3.11.2', '3.12.3']),
    rrdtool_version: of(['1.7.2', '1.8.0']),
    netsnmp_version: of(['5.9.1', '5.9.3', '5.9.4']),
  };
  if (database !== 'postgres') {
    attributes.mysql_version =
      database === 'mariadb' ? of(['10.6.18', '10.11.6', '11.4.2']) : of(['8.0.36', '8.4.0']);
  }
  return { attributes, counters };
}

function pick<T extends { weight: number }>(items: T[], r: number): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let at = r * total;
  for (const item of items) {
    at -= item.weight;
    if (at < 0) return item;
  }
  return items[items.length - 1] as T;
}

/** Every event of the simulated fleet, already through the privacy pipeline. */
export function simulateFleet(options: DemoOptions, secret: string, today: Day): StoredEvent[] {
  const rand = random(options.seed);
  const first = addDays(today, -(options.days - 1));
  const days = dayRange(first, today);
  const events: StoredEvent[] = [];
  const store = (
    incoming: IncomingEvent,
    day: Day,
    source: EventSource = 'v1',
    draw: () => number = rand,
    requestKey?: () => string,
  ) => {
    const now = startOfDay(day) + 12 * 3_600_000 + Math.floor(draw() * 3_600_000);
    const prepared = prepareEvent(incoming, [], {
      secret,
      now,
      config: deploymentConfig,
      source,
      ...(requestKey ? { requestKey } : {}),
    });
    if (prepared.ok) events.push(prepared.event);
  };
  for (let n = 0; n < options.installs; n += 1) {
    const installId = `demo-install-${n.toString().padStart(4, '0')}`;
    const platform = pick(PLATFORMS, rand());
    const container = CONTAINERS[Math.floor(rand() * CONTAINERS.length)] ?? 'none';
    const virtualization = container === 'none' ? (rand() < 0.5 ? 'kvm' : 'none') : 'none';
    const joinIndex = rand() < 0.4 ? 0 : Math.floor(rand() * days.length);
    const leaveIndex = rand() < 0.15 ? joinIndex + Math.floor(rand() * days.length) : days.length;
    const upgradeLag = Math.floor(rand() * 10);
    const presence = 0.7 + rand() * 0.3;
    // Drawn as before, so the rest of the fleet stays as it was; the host comes from its own draw.
    rand();
    const host = hostProfile(options.seed, n);
    // Times of the reports the fleet sent daily, from their own generator (see below).
    const reportClock = random(options.seed * 104_729 + n);
    const modules = MODULES.filter(() => rand() < 0.5);
    rand();
    if (joinIndex > 0 && rand() < 0.1) {
      // A failed first attempt at installing, the day before it worked.
      const code = rand() < 0.6 ? 'F0003' : 'F0502';
      store(
        {
          installId,
          type: 'install_failed',
          failure: { code, message: `installer exited with ${code}` },
        },
        days[joinIndex - 1] as Day,
      );
    }
    for (let i = joinIndex; i < Math.min(leaveIndex, days.length); i += 1) {
      const day = days[i] as Day;
      if (i !== joinIndex && rand() > presence) continue;
      const progress = (i - upgradeLag) / days.length;
      const release = [...RELEASES].reverse().find((r) => progress >= r.at) ?? RELEASES[0];
      const version = release?.version ?? '1.4.0';
      const base = {
        installId,
        product: {
          version,
          channel: n % 10 === 0 ? 'nightly' : 'stable',
          installMethod: container === 'none' ? 'deb' : container,
        },
        platform: {
          os: platform.os,
          osVersion: platform.osVersion,
          kernel: 'Linux',
          kernelVersion: platform.kernelVersion,
          arch: platform.arch,
          virtualization,
          container,
        },
        modules: modules.map((name) => ({ name, version })),
        attributes: host.attributes,
      };
      const types: EventType[] = [i === joinIndex && joinIndex > 0 ? 'install' : 'heartbeat'];
      // Crashes concentrate in 1.5.0; the fix ships in 1.6.0.
      if (version === '1.5.0' && rand() < 0.05) types.push('crash');
      if (rand() < 0.01) types.push('fatal');
      // LibreNMS submits its stats every day (daily.sh, from cron, runs the callback), so every
      // install reports its counters each day it runs. The fleet once reported weekly: those
      // days' reports keep their place in the main generator, the others take their times from
      // the install's own, so every other draw of the fleet stays as it was.
      const weekly = i % 7 === n % 7;
      types.push('report');
      for (const type of types) {
        store(
          {
            ...base,
            type,
            eventId: `${installId}-${day}-${type}`,
            ...(type === 'crash' ? { failure: CRASH } : {}),
            ...(type === 'fatal' ? { failure: FATAL } : {}),
            ...(type === 'report' ? { counters: host.counters } : {}),
          },
          day,
          'v1',
          type === 'report' && !weekly ? reportClock : rand,
        );
      }
      if (rand() < 0.005) store({ installId, type: 'opt_out' }, day);
    }
  }
  // Installs that report without an identity (Clean Insights style): one report each. Each is
  // its own request, as ingest keys such a report by its request's content: without a key the
  // pipeline gives it a random document id, and every `npm start` would store (and publish,
  // since the noise is tied to who is behind each count) a different fleet.
  for (const day of days) {
    for (let r = 0; r < 6; r += 1) {
      store(
        {
          installId: null,
          type: 'heartbeat',
          product: { version: '1.6.0', installMethod: 'pip' },
          platform: { os: 'ubuntu', osVersion: '24.04', kernel: 'Linux', arch: 'x86_64' },
        },
        day,
        'cleaninsights',
        rand,
        () => `demo-cleaninsights-report-${r}`,
      );
    }
  }
  return events;
}

/** Events of a fleet of the caller's own (a test's held-out reports), for `seedFleet`. */
export type FleetEvents = (secret: string, today: Day) => StoredEvent[];

/** The fleet `npm start` shows. */
export const DEMO_FLEET: DemoOptions = { installs: 300, days: 90, seed: 20261122 };

/** Writes the demo fleet into `store` and returns what it wrote. */
export async function seedDemo(
  store: Store,
  secret: string,
  options: DemoOptions = DEMO_FLEET,
  now = Date.now(),
): Promise<{ events: number; installs: number; days: number; pages: number }> {
  return seedFleet(store, secret, { demo: options, now });
}

/**
 * Aggregates the demo fleet and/or `extra` events (stored through the real pipeline by the
 * caller) in memory over `options.demo.days` days, and writes to `store` what the next
 * aggregation run and the site need: the day aggregates, the events of the late-arrival window
 * and recent activity pages. Past days come out final, as they would after real daily runs.
 */
export async function seedFleet(
  store: Store,
  secret: string,
  {
    demo,
    extra,
    days = demo?.days ?? 90,
    now = Date.now(),
    log = () => {},
  }: {
    demo?: DemoOptions | undefined;
    extra?: FleetEvents | undefined;
    days?: number;
    now?: number;
    /** Told when a write is tried again. */
    log?: (message: string) => void;
  },
): Promise<{ events: number; installs: number; days: number; pages: number }> {
  const today = dayOf(now);
  const memory = new MemoryStore();
  // The fleet exists before the published range: simulate warm-up days so the first published
  // day neither counts every install as new nor starts the 28-day window from nothing.
  const simulatedDays = days + WARM_UP_DAYS;
  if (demo) await memory.saveEvents(simulateFleet({ ...demo, days: simulatedDays }, secret, today));
  if (extra) await memory.saveEvents(extra(secret, today));
  const first = addDays(today, -(simulatedDays - 1));
  // Marked demo: a deploy refuses these days, so the fleet's made-up numbers are never published.
  const all = await aggregateRange(
    {
      store: memory,
      clock: () => now,
      config: deploymentConfig,
      publicationSecret: () => secret,
      demo: true,
    },
    first,
    today,
  );
  // Published days only: the last few are provisional, and the site shows final days.
  const published = all
    .slice(WARM_UP_DAYS)
    .flatMap((o) => (o.status === 'published' && o.aggregate ? [o.aggregate] : []));
  const recentFrom = addDays(today, -lateDays(deploymentConfig));
  const recent = [...memory.events.values()].filter((e) => e.day >= recentFrom);
  const pagesFrom = addDays(today, -DEMO_PAGE_DAYS);
  const pages = [...memory.pages.values()].filter((p) => p.day >= pagesFrom);
  // Three collections, written side by side: the emulator waits on each commit more than it works.
  // Each write is idempotent, so one the emulator ran out of time for is simply written again.
  await Promise.all([
    retryTransient('activity pages', () => store.writePages(pages), { log }),
    retryTransient('day aggregates', () => store.writeDays(published), { log }),
    retryTransient('recent events', () => store.saveEvents(recent), { log }),
  ]);
  return {
    events: recent.length,
    installs: memory.knownInstalls().size,
    days: published.length,
    pages: pages.length,
  };
}
