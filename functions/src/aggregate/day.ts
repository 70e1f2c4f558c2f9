/** Builds the public aggregate of one UTC day from its events and the install records. */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../../shared/config.ts';
import { addDays, type Day } from '../../../shared/dates.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import type { InstallRecord, InstallSnapshot, StoredEvent } from '../store/types.ts';
import { buildBreakdowns, buildUpgrades } from './breakdowns.ts';
import { buildCounters } from './counters.ts';
import { lastActiveOnOrBefore, snapshotOf } from './installs.ts';
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

/** The public aggregate of `inputs.day`; pure and deterministic. */
export function buildDayAggregate(inputs: DayInputs): DayAggregate {
  const { day, events, installs } = inputs;
  const config = inputs.config ?? deploymentConfig;
  const k = config.kAnonymity;
  // One pass over the events: counts by type, and the reports without install identity, each of
  // which counts as one install on its day.
  const typeCounts = new Map<EventType, number>();
  const anonymousSnapshots: InstallSnapshot[] = [];
  let anonymous = 0;
  let newAnonymous = 0;
  for (const event of events) {
    typeCounts.set(event.type, (typeCounts.get(event.type) ?? 0) + 1);
    if (event.install !== null || event.type === 'opt_out') continue;
    anonymous += 1;
    if (event.type === 'install') newAnonymous += 1;
    anonymousSnapshots.push(snapshotOf([event]));
  }
  const byType: Partial<Record<EventType, number>> = {};
  for (const type of EVENT_TYPES) {
    const n = typeCounts.get(type);
    if (n !== undefined) byType[type] = n;
  }
  // One pass over the install records: activity windows, new installs, 28-day snapshots.
  const since7 = addDays(day, -6);
  const since28 = addDays(day, -27);
  let d1 = 0;
  let d7 = 0;
  let d28 = 0;
  let newIdentified = 0;
  const snapshots: InstallSnapshot[] = [];
  for (const record of installs) {
    const latest = lastActiveOnOrBefore(record, day);
    if (latest === undefined || latest < since28) continue;
    d28 += 1;
    if (latest >= since7) d7 += 1;
    if (latest === day) {
      d1 += 1;
      if (record.firstSeen === day) newIdentified += 1;
    }
    snapshots.push(record.snapshots[record.activity[latest] ?? ''] ?? {});
  }
  for (const snapshot of anonymousSnapshots) snapshots.push(snapshot);
  return {
    day,
    final: inputs.final,
    activeInstalls: { d1: d1 + anonymous, d7: d7 + anonymous, d28: d28 + anonymous },
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
