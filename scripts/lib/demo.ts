/**
 * A deterministic demo fleet for `npm start`: installs joining over time, upgrade waves, an
 * OS/arch mix and a few crashes. Events go through the real ingest pipeline and the real
 * aggregation in memory; Firestore then receives only what the next aggregation run needs (the
 * install records, the day aggregates and the events of the late-arrival window), because the
 * Node emulator slows down as collections grow.
 */
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import type { EventType } from '../../shared/schema/event.ts';
import { aggregateRange, lateDays } from '../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../functions/src/ingest/incoming.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { Store, StoredEvent } from '../../functions/src/store/types.ts';

const WARM_UP_DAYS = 30;

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
  { os: 'debian', osVersion: '12', arch: 'x86_64', weight: 5 },
  { os: 'ubuntu', osVersion: '24.04', arch: 'x86_64', weight: 6 },
  { os: 'ubuntu', osVersion: '22.04', arch: 'aarch64', weight: 2 },
  { os: 'rhel', osVersion: '9', arch: 'x86_64', weight: 2 },
  { os: 'alpine', osVersion: '3.20', arch: 'x86_64', weight: 1 },
];
const CONTAINERS = ['none', 'none', 'none', 'docker', 'podman'];

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
  for (let n = 0; n < options.installs; n += 1) {
    const installId = `demo-install-${n.toString().padStart(4, '0')}`;
    const platform = pick(PLATFORMS, rand());
    const container = CONTAINERS[Math.floor(rand() * CONTAINERS.length)] ?? 'none';
    const joinIndex = rand() < 0.4 ? 0 : Math.floor(rand() * days.length);
    const leaveIndex = rand() < 0.15 ? joinIndex + Math.floor(rand() * days.length) : days.length;
    const upgradeLag = Math.floor(rand() * 10);
    const presence = 0.7 + rand() * 0.3;
    for (let i = joinIndex; i < Math.min(leaveIndex, days.length); i += 1) {
      const day = days[i] as Day;
      if (i !== joinIndex && rand() > presence) continue;
      const progress = (i - upgradeLag) / days.length;
      const release = [...RELEASES].reverse().find((r) => progress >= r.at) ?? RELEASES[0];
      const base = {
        installId,
        product: {
          version: release?.version,
          channel: 'stable',
          installMethod: container === 'none' ? 'deb' : container,
        },
        platform: {
          os: platform.os,
          osVersion: platform.osVersion,
          kernel: 'Linux',
          arch: platform.arch,
          container,
        },
      };
      const types: EventType[] = [i === joinIndex && joinIndex > 0 ? 'install' : 'heartbeat'];
      if (release?.version === '1.5.0' && rand() < 0.04) types.push('crash');
      if (rand() < 0.01) types.push('opt_out');
      for (const type of types) {
        const incoming: IncomingEvent = {
          ...base,
          type,
          eventId: `${installId}-${day}-${type}`,
          ...(type === 'crash'
            ? {
                failure: {
                  program: 'daemon',
                  function: 'poll_loop',
                  file: 'src/poll.c',
                  line: 412,
                },
              }
            : {}),
        };
        const now = startOfDay(day) + 12 * 3_600_000 + Math.floor(rand() * 3_600_000);
        const prepared = prepareEvent(incoming, [], {
          secret,
          now,
          config: deploymentConfig,
          source: 'v1',
        });
        if (prepared.ok) events.push(prepared.event);
      }
    }
  }
  return events;
}

/** Writes the demo fleet into `store` and returns what it wrote. */
export async function seedDemo(
  store: Store,
  secret: string,
  options: DemoOptions = { installs: 150, days: 45, seed: 20261122 },
  now = Date.now(),
): Promise<{ events: number; installs: number; days: number }> {
  const today = dayOf(now);
  const memory = new MemoryStore();
  // The fleet exists before the published range: simulate warm-up days so the first published
  // day neither counts every install as new nor starts the 28-day window from nothing.
  const simulated = { ...options, days: options.days + WARM_UP_DAYS };
  await memory.saveEvents(simulateFleet(simulated, secret, today));
  const first = addDays(today, -(simulated.days - 1));
  const all = await aggregateRange(
    { store: memory, clock: () => now, config: deploymentConfig },
    first,
    today,
  );
  const days = all.slice(WARM_UP_DAYS);
  const recentFrom = addDays(today, -lateDays(deploymentConfig));
  const recent = [...memory.events.values()].filter((e) => e.day >= recentFrom);
  const installs = [...memory.installs.values()];
  await store.writeInstalls(installs);
  await store.writeDays(days);
  await store.saveEvents(recent);
  return { events: recent.length, installs: installs.length, days: days.length };
}
