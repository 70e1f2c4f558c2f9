// A synthetic fleet for the scale benchmark, generated bucket by bucket and day by day so no
// process ever holds the whole fleet: install i falls in bucket i % 256, its pseudonym is hex
// and unique, and its events and past activity are functions of (i, day). Shard processes and
// the in-process comparison draw from the same generator.
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, startOfDay, type Day } from '../../shared/dates.ts';
import { BUCKETS, bucketId } from '../../functions/src/model/buckets.ts';
import { emptyExact, exactToJson } from '../../functions/src/aggregate/exact.ts';
import { buildPage, encodePage } from '../../functions/src/aggregate/page.ts';
import type { EventType } from '../../shared/schema/event.ts';
import type { StoredEvent, StoredPage } from '../../functions/src/model/stored.ts';

/** Size of a simulated day. */
export interface FleetSpec {
  day: Day;
  events: number;
  installs: number;
  /** Days of history pages before `day` (the install memory: 90). */
  historyDays: number;
}

const VERSIONS = ['1.44.0', '1.45.0', '1.45.1', '1.46.0'];
const OSES = ['debian', 'ubuntu', 'alpine', 'rhel', 'centos'];
const OS_VERSIONS = ['12', '24.04', '3.20', '9', '7'];

/** A 32-bit mix (a bijection: distinct inputs give distinct outputs). */
function mix(n: number): number {
  let x = Math.imul(n ^ (n >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** The pseudonym of install `i`: its bucket's two hex digits, then a unique tail. */
export function pseudonymOf(i: number): string {
  return `${bucketId(i % BUCKETS)}${hex8(mix(i))}${hex8(mix(i ^ 0x5bd1e995))}`.padEnd(64, '0');
}

/** Installs of bucket `b`, in the order of their keys. */
export function installsOfBucket(spec: FleetSpec, b: number): number[] {
  const list: [string, number][] = [];
  for (let i = b; i < spec.installs; i += BUCKETS) list.push([pseudonymOf(i), i]);
  return list.sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([, i]) => i);
}

/** Events install `i` sends on the bench day. */
function eventsPerInstall(spec: FleetSpec, i: number): number {
  const base = Math.floor(spec.events / spec.installs);
  return base + (i < spec.events % spec.installs ? 1 : 0);
}

/** Events of bucket `b` on the bench day. */
export function countOfBucket(spec: FleetSpec, b: number): number {
  let n = 0;
  for (let i = b; i < spec.installs; i += BUCKETS) n += eventsPerInstall(spec, i);
  return n;
}

/** Every event of bucket `b` on the bench day. */
export function eventsOfBucket(spec: FleetSpec, b: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  const start = startOfDay(spec.day);
  for (let i = b; i < spec.installs; i += BUCKETS) {
    const install = pseudonymOf(i);
    const os = i % OSES.length;
    for (let j = 0; j < eventsPerInstall(spec, i); j += 1) {
      const r = mix(i * 31 + j);
      const type: EventType = r % 100 === 0 ? 'crash' : r % 100 === 1 ? 'start' : 'heartbeat';
      const receivedAt = start + (r % 86_400) * 1000;
      events.push({
        id: `${hex8(mix(i))}${hex8(r)}${hex8(j)}`.padEnd(40, '0'),
        install,
        day: spec.day,
        type,
        source: 'netdata',
        receivedAt,
        expireAt: receivedAt + 90 * 86_400_000,
        product: { version: VERSIONS[(i + (r % 50 === 0 ? 1 : 0)) % 4], channel: 'stable' },
        platform: {
          os: OSES[os],
          osVersion: OS_VERSIONS[os],
          kernel: 'Linux',
          kernelVersion: '6.1.0-18-amd64',
          arch: i % 7 === 0 ? 'aarch64' : 'x86_64',
          virtualization: 'kvm',
          container: 'none',
        },
        modules: [
          { name: 'go.d', version: '0.58.0' },
          { name: 'python.d', version: '1.46.0' },
        ],
        attributes: { cpu_cores: 1 << (i % 6) },
        ...(type === 'crash' ? { failure: { program: 'netdata', function: `f${r % 7}` } } : {}),
        ...(i % 20 === 0 && j === 0 ? { counters: { 'os.linux': 1 + (r % 9) } } : {}),
      });
    }
  }
  return events;
}

/**
 * The stored pages of bucket `b` for the history days before the bench day: the day's installs
 * and 30% more that no longer report, each active on about three days in four, its snapshot the one its events would give (a few installs on the
 * previous version), no local tallies (no past day is published by the bench).
 */
export function historyPagesOfBucket(spec: FleetSpec, b: number, from: Day, to: Day): StoredPage[] {
  // 30% more installs than are active on the day: the ones that stopped reporting.
  const installs = installsOfBucket({ ...spec, installs: Math.floor(spec.installs * 1.3) }, b);
  const keysOf = installs.map((i) => pseudonymOf(i).slice(0, 16));
  const pages: StoredPage[] = [];
  // The snapshot table of a page: one snapshot per (version, os, arch, cores) the bucket shows.
  const sample = buildPage(
    spec.day,
    bucketId(b),
    eventsOfBucket({ ...spec, installs: Math.min(spec.installs, BUCKETS * 64) }, b),
    deploymentConfig,
  );
  const empty = exactToJson(emptyExact(spec.day));
  for (let d = 1; d <= spec.historyDays; d += 1) {
    const day = addDays(spec.day, -d);
    if (day < from || day > to) continue;
    const keys: string[] = [];
    const snaps: number[] = [];
    const cons: number[] = [];
    installs.forEach((i, n) => {
      if (mix(i * 131 + d) % 4 === 0) return;
      keys.push(keysOf[n] as string);
      snaps.push(i % Math.max(1, sample.snapshots.length));
      cons.push(i % Math.max(1, sample.contribs.length));
    });
    for (const part of encodePage(
      {
        day,
        bucket: bucketId(b),
        events: keys.length * 3,
        keys,
        snaps,
        snapshots: sample.snapshots,
        cons,
        contribs: sample.contribs,
        cohorts: [],
        format: sample.format,
        localJson: empty,
      },
      'history',
    ))
      pages.push(part);
  }
  return pages;
}
