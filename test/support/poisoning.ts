// Poisoning attacks against a steady demo-like fleet, for the screening tests and `npm run
// bench`: a one-day flood of random ids, a week-long cohort of fake installs with one profile,
// and a crash burst on one version, each made by the real ingest pipeline, aggregated with the
// screening rules on and with them off (how homecall counted before them).
import type { Anomaly, DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../shared/config.ts';
import { addDays, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import type { EventType } from '../../shared/schema/event.ts';
import { aggregateRange } from '../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { EventSource } from '../../functions/src/formats/registry.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import { simulateFleet } from '../../scripts/lib/demo.ts';
import { exactView, type ExactView } from './exact-view.ts';

export const SECRET = 'poisoning-secret';

/** The rules off: every install counts from its first day, reports without identity unbounded. */
export const RULES_OFF: DeploymentConfig = {
  ...deploymentConfig,
  screening: { ...deploymentConfig.screening, establishedDays: 1 },
};

/** The profile attackers pick: plausible (a released version on a real platform), and rare. */
export const ATTACK_PROFILE = {
  product: { version: '1.6.0', channel: 'stable', installMethod: 'deb' },
  platform: {
    os: 'nixos',
    osVersion: '24.05',
    kernel: 'Linux',
    kernelVersion: '6.6.30',
    arch: 'x86_64',
  },
} as const;

/** The cohort profile flags and quarantines name for ATTACK_PROFILE. */
export const ATTACK_COHORT = 'version=1.6.0,os=nixos,arch=x86_64,kernel=Linux';

/** One stored event made by the ingest pipeline, received at `second` seconds into `day`. */
export function ingest(
  incoming: IncomingEvent,
  day: Day,
  second: number,
  source: EventSource = 'v1',
  config: DeploymentConfig = deploymentConfig,
): StoredEvent {
  const prepared = prepareEvent(incoming, [], {
    secret: SECRET,
    now: startOfDay(day) + (second % 86_000) * 1000,
    config,
    source,
  });
  if (!prepared.ok) throw new Error(prepared.issue.message);
  return prepared.event;
}

/** The steady fleet: the demo fleet's shape over `days` days ending on `last`. */
export function steadyFleet(installs: number, days: number, last: Day): StoredEvent[] {
  return simulateFleet({ installs, days, seed: 20261122 }, SECRET, last);
}

/** `n` random ids, each sending one `type` event with the attack profile on `day`. */
export function flood(
  day: Day,
  n: number,
  tag: string,
  type: EventType = 'heartbeat',
): StoredEvent[] {
  return Array.from({ length: n }, (_, i) =>
    ingest(
      {
        installId: `${tag}-${i}`,
        type,
        ...ATTACK_PROFILE,
        ...(type === 'crash'
          ? { failure: { program: 'daemon', function: 'poll_loop', file: 'src/poll.c', line: 412 } }
          : {}),
        ...(type === 'install_failed'
          ? { failure: { code: 'F0666', message: 'installer failed' } }
          : {}),
      },
      day,
      i,
    ),
  );
}

/** `n` fake installs with the attack profile reporting every day from `first`, for `days` days. */
export function fakeCohort(first: Day, days: number, n: number, tag: string): StoredEvent[] {
  return dayRange(first, addDays(first, days - 1)).flatMap((day) =>
    flood(day, n, tag).map((e) => e),
  );
}

/**
 * A screened day: the exact tallies the publication starts from (what the screening rules let
 * in, which the tests can count), the flag it was published with (judged from the noisy figures)
 * and the published day itself.
 */
export type ScreenedDay = ExactView & { anomaly?: Anomaly; published: DayAggregate };

/** The noise key of these runs. */
export const publicationSecret = () => 'poisoning-noise';

/** The days of `events` from `from` to `to` under `config`, every one final and published. */
export async function publish(
  events: StoredEvent[],
  from: Day,
  to: Day,
  config: DeploymentConfig = deploymentConfig,
): Promise<Map<Day, ScreenedDay>> {
  const store = new MemoryStore();
  await store.saveEvents(events);
  const clock = () => startOfDay(addDays(to, 30));
  const outcomes = await aggregateRange({ store, clock, config, publicationSecret }, from, to);
  const days = new Map<Day, ScreenedDay>();
  for (const o of outcomes) {
    const published = store.days.get(o.day);
    if (!published) throw new Error(`${o.day} was not published`);
    const day: ScreenedDay = { ...exactView(o.exact), published };
    if (published.anomaly) day.anomaly = published.anomaly;
    days.set(o.day, day);
  }
  return days;
}

type Figures = Pick<DayAggregate, 'breakdowns' | 'reliability'>;

/** A bucket's installs in a day's breakdown (0 when absent). */
export function bucket(day: Figures | undefined, breakdown: string, value: string): number {
  return day?.breakdowns[breakdown]?.find((b) => b.value === value)?.installs ?? 0;
}

/** A version's crash-free rate on a day (undefined when not shown). */
export function crashFree(day: Figures | undefined, version: string): number | undefined {
  return day?.reliability.versions.find((v) => v.version === version)?.crashFreeRate;
}
