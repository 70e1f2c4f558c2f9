/** Builds the public aggregate of one UTC day from its events and the install records. */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../../shared/config.ts';
import { addDays, type Day } from '../../../shared/dates.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import type { InstallRecord, InstallSnapshot, StoredEvent } from '../store/types.ts';
import { buildBreakdowns, buildUpgrades } from './breakdowns.ts';
import { buildCounters } from './counters.ts';
import { snapshotAsOf, snapshotOf } from './installs.ts';
import { buildReliability } from './reliability.ts';

/** Everything one day's aggregate is computed from. */
export interface DayInputs {
  day: Day;
  /** Every stored event of the day. */
  events: StoredEvent[];
  /** Install records active at some point in the 28 days ending on the day (more is harmless). */
  installs: InstallRecord[];
  final: boolean;
  run: DayAggregate['run'];
  /** k and the published attributes; the repository's config when omitted. */
  config?: DeploymentConfig;
}

/** Whether a record was active on some day of the `days`-day window ending on `day`. */
function activeWithin(record: InstallRecord, day: Day, days: number): boolean {
  const first = addDays(day, -(days - 1));
  return Object.keys(record.activity).some((d) => d >= first && d <= day);
}

/** Reports without install identity: each counts as one install on its day. */
function anonymousReports(events: StoredEvent[]): number {
  return events.filter((e) => e.install === null && e.type !== 'opt_out').length;
}

/** The public aggregate of `inputs.day`; pure and deterministic. */
export function buildDayAggregate(inputs: DayInputs): DayAggregate {
  const { day, events, installs } = inputs;
  const anonymous = anonymousReports(events);
  const count = (days: number) =>
    installs.filter((r) => activeWithin(r, day, days)).length + anonymous;
  const byType: Partial<Record<EventType, number>> = {};
  for (const type of EVENT_TYPES) {
    const n = events.filter((e) => e.type === type).length;
    if (n > 0) byType[type] = n;
  }
  const newIdentified = installs.filter(
    (r) => r.firstSeen === day && r.activity[day] !== undefined,
  ).length;
  const newAnonymous = events.filter((e) => e.install === null && e.type === 'install').length;
  const config = inputs.config ?? deploymentConfig;
  const k = config.kAnonymity;
  const snapshots: InstallSnapshot[] = installs
    .filter((r) => activeWithin(r, day, 28))
    .map((r) => snapshotAsOf(r, day) ?? {});
  for (const event of events) {
    if (event.install === null && event.type !== 'opt_out') snapshots.push(snapshotOf([event]));
  }
  return {
    day,
    final: inputs.final,
    activeInstalls: { d1: count(1), d7: count(7), d28: count(28) },
    newInstalls: newIdentified + newAnonymous,
    optOuts: byType.opt_out ?? 0,
    events: byType,
    breakdowns: buildBreakdowns(snapshots, config),
    upgrades: buildUpgrades(installs, day, k),
    reliability: buildReliability(events, installs, day, k),
    counters: buildCounters(events, k),
    run: inputs.run,
  };
}
