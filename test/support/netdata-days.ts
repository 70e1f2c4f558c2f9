/**
 * Day aggregates of a Netdata-sized fleet, made directly rather than simulated from events (three
 * years of a fleet this size would take hours to aggregate): every published breakdown has as
 * many buckets as a large real fleet publishes — hundreds of versions (stable releases and a
 * nightly a day), OS versions, kernels and modules — plus upgrades, per-version reliability,
 * failure signatures and counter groups. Deterministic: the same arguments give the same days.
 * For measuring payloads and storage, not for checking counts.
 */
import type { Bucket, DayAggregate } from '../../shared/aggregate.ts';
import { addDays, dayRange, type Day } from '../../shared/dates.ts';

/** How many buckets each section publishes on a day. */
export const NETDATA_SIZES = {
  stableVersions: 60,
  nightlyVersions: 180,
  os: 80,
  osVersion: 320,
  kernel: 200,
  module: 500,
  upgrades: 200,
  topFailures: 20,
  installFailures: 15,
  counterGroups: 3,
  counterValues: 100,
} as const;

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

const DISTROS = [
  'debian',
  'ubuntu',
  'centos',
  'rocky',
  'almalinux',
  'fedora',
  'opensuse-leap',
  'arch',
  'alpine',
  'amzn',
  'rhel',
  'ol',
  'raspbian',
  'manjaro',
  'linuxmint',
  'pop',
  'gentoo',
  'void',
  'nixos',
  'freebsd',
];
const COLLECTORS = [
  'go.d',
  'python.d',
  'charts.d',
  'ebpf',
  'apps',
  'cgroups',
  'proc',
  'diskspace',
  'tc',
  'idlejitter',
  'perf',
  'slabinfo',
  'freeipmi',
  'nfacct',
  'xenstat',
  'timex',
  'systemd-journal',
  'network-viewer',
  'debugfs',
  'logs-management',
];

/** `n` values named by `name(i)`, each with installs falling off by rank (a long tail). */
function buckets(
  n: number,
  top: number,
  name: (i: number) => string,
  rand: () => number,
): Bucket[] {
  return Array.from({ length: n }, (_, i) => ({
    value: name(i),
    installs: Math.max(5, Math.round((top / (i + 1)) * (0.9 + rand() * 0.2))),
  }));
}

function versionsOn(index: number): string[] {
  const { stableVersions, nightlyVersions } = NETDATA_SIZES;
  const stable = Array.from({ length: stableVersions }, (_, i) => {
    const release = Math.floor(index / 42) + 40 - i;
    return `v1.${Math.floor(release / 4)}.${release % 4}`;
  });
  const nightly = Array.from(
    { length: nightlyVersions },
    (_, i) => `v2.${Math.floor((index - i) / 90)}.0-${((index - i) % 90) + 100}-nightly`,
  );
  return [...stable, ...nightly];
}

/** The aggregate of day number `index` (0 = the first day) of the fleet. */
function netdataDay(day: Day, index: number, final: boolean): DayAggregate {
  const rand = random(index * 7919 + 13);
  const active = 150_000 + index * 40 + Math.round(rand() * 2_000);
  const s = NETDATA_SIZES;
  const versions = versionsOn(index);
  const versionBuckets = buckets(versions.length, active / 4, (i) => versions[i] ?? 'other', rand);
  return {
    day,
    final,
    activeInstalls: {
      d1: Math.round(active * 0.62),
      d7: Math.round(active * 0.85),
      d28: active,
    },
    newInstalls: 900 + Math.round(rand() * 300),
    optOuts: 20 + Math.round(rand() * 10),
    events: {
      heartbeat: Math.round(active * 0.6),
      start: 40_000 + Math.round(rand() * 4000),
      stop: 38_000 + Math.round(rand() * 4000),
      install: 1_100 + Math.round(rand() * 200),
      upgrade: 5_000 + Math.round(rand() * 900),
      crash: 700 + Math.round(rand() * 100),
      fatal: 300 + Math.round(rand() * 60),
      install_failed: 150 + Math.round(rand() * 40),
      opt_out: 25,
    },
    breakdowns: {
      version: versionBuckets,
      channel: [
        { value: 'nightly', installs: Math.round(active * 0.7) },
        { value: 'stable', installs: Math.round(active * 0.3) },
      ],
      installMethod: buckets(10, active / 2, (i) => `method-${i}`, rand),
      os: buckets(s.os, active / 3, (i) => `${DISTROS[i % DISTROS.length]}-${i}`, rand),
      osVersion: buckets(
        s.osVersion,
        active / 5,
        (i) => `${DISTROS[i % DISTROS.length]} ${10 + (i % 17)}.${i % 11}`,
        rand,
      ),
      kernel: buckets(s.kernel, active / 5, (i) => `Linux ${3 + (i % 4)}.${i}`, rand),
      arch: buckets(
        8,
        active / 2,
        (i) =>
          ['x86_64', 'aarch64', 'armv7l', 'i686', 'ppc64le', 's390x', 'riscv64', 'armv6l'][i] ??
          'other',
        rand,
      ),
      virtualization: buckets(20, active / 2, (i) => `virt-${i}`, rand),
      container: buckets(12, active / 2, (i) => `container-${i}`, rand),
      module: buckets(
        s.module,
        active / 2,
        (i) => `${COLLECTORS[i % COLLECTORS.length]}@${versions[i % versions.length]}`,
        rand,
      ),
      'attribute.cpu_cores': buckets(12, active / 3, (i) => String(2 ** (i % 8)), rand),
    },
    upgrades: Array.from({ length: s.upgrades }, (_, i) => ({
      from: versions[(i % 40) + 1] ?? 'other',
      to: versions[i % 40] ?? 'other',
      installs: Math.max(5, Math.round(2_000 / (i + 1))),
    })),
    reliability: {
      versions: versionBuckets.map((bucket) => {
        const crashed = Math.round(bucket.installs * 0.004 * rand());
        return {
          version: bucket.value,
          activeInstalls: bucket.installs,
          crashedInstalls: crashed,
          crashFreeRate: Math.round((1 - crashed / bucket.installs) * 10_000) / 10_000,
          crashEvents: crashed * 2,
          fatalEvents: Math.round(crashed / 2),
        };
      }),
      topFailures: Array.from({ length: s.topFailures }, (_, i) => ({
        signature: `netdata ${COLLECTORS[i % COLLECTORS.length]}_main src/collectors/${COLLECTORS[i % COLLECTORS.length]}/plugin.c:${100 + i * 37}`,
        installs: 5 + Math.round(rand() * 200),
        events: 10 + Math.round(rand() * 900),
      })),
      installFailures: Array.from({ length: s.installFailures }, (_, i) => ({
        code: `F0${String(300 + i * 13)}`,
        installs: 5 + Math.round(rand() * 40),
      })),
    },
    counters: Array.from({ length: s.counterGroups }, (_, g) => {
      const values = Array.from({ length: s.counterValues }, (_, i) => ({
        value: `group${g}-value-${i}`,
        installs: Math.max(5, Math.round(3_000 / (i + 1))),
        sum: Math.max(5, Math.round(90_000 / (i + 1))),
      }));
      return {
        group: `group${g}`,
        installs: values.reduce((n, v) => n + v.installs, 0),
        sum: values.reduce((n, v) => n + v.sum, 0),
        values,
      };
    }),
    run: {
      computedAt: `${addDays(day, 1)}T00:16:${String(index % 60).padStart(2, '0')}.000Z`,
      documentsRead: active * 3,
      documentsWritten: active,
    },
  };
}

/** `count` days of the fleet ending on `last`; the last four are still open. */
export function netdataDays(last: Day, count: number): DayAggregate[] {
  const days = dayRange(addDays(last, -(count - 1)), last);
  return days.map((day, i) => netdataDay(day, i, i < days.length - 4));
}
