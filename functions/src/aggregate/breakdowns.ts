/** Breakdowns of the installs active in a 28-day window, and upgrades seen on a day. */
import {
  BREAKDOWNS,
  OTHER,
  UNKNOWN,
  type Bucket,
  type Upgrade,
} from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { Day } from '../../../shared/dates.ts';
import type { InstallRecord, InstallSnapshot } from '../store/types.ts';
import { foldSmallBuckets, Tally } from './anonymity.ts';
import { snapshotAsOf } from './installs.ts';

/** `Linux 6.1` from kernel name `Linux` and version `6.1.0-18-amd64`. */
export function kernelBucket(snapshot: InstallSnapshot): string | undefined {
  const majorMinor = /^(\d+)\.(\d+)/.exec(snapshot.kernelVersion ?? '');
  const version = majorMinor ? `${majorMinor[1]}.${majorMinor[2]}` : undefined;
  const parts = [snapshot.kernel, version].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** The values one install contributes to each breakdown (modules: several). */
export function breakdownValues(
  snapshot: InstallSnapshot,
  config: DeploymentConfig,
): Record<string, string[]> {
  const one = (value: string | undefined) => [value ?? UNKNOWN];
  const values: Record<string, string[]> = {
    version: one(snapshot.version),
    channel: one(snapshot.channel),
    installMethod: one(snapshot.installMethod),
    os: one(snapshot.os),
    osVersion: one(
      snapshot.os && snapshot.osVersion ? `${snapshot.os} ${snapshot.osVersion}` : undefined,
    ),
    kernel: one(kernelBucket(snapshot)),
    arch: one(snapshot.arch),
    virtualization: one(snapshot.virtualization),
    container: one(snapshot.container),
    module: snapshot.modules && snapshot.modules.length > 0 ? snapshot.modules : [UNKNOWN],
  };
  for (const [key, spec] of Object.entries(config.attributes)) {
    if (!spec.published) continue;
    const value = snapshot.attributes?.[key];
    values[`attribute.${key}`] = [value === undefined ? UNKNOWN : String(value)];
  }
  return values;
}

/** Every breakdown of `snapshots` (one per active install or anonymous report), k-folded. */
export function buildBreakdowns(
  snapshots: InstallSnapshot[],
  config: DeploymentConfig,
): Record<string, Bucket[]> {
  const tallies = new Map<string, Tally>();
  for (const name of BREAKDOWNS) tallies.set(name, new Tally());
  for (const snapshot of snapshots) {
    for (const [name, values] of Object.entries(breakdownValues(snapshot, config))) {
      const tally = tallies.get(name) ?? new Tally();
      tallies.set(name, tally);
      for (const value of values) tally.add(value);
    }
  }
  const result: Record<string, Bucket[]> = {};
  for (const name of [...tallies.keys()].sort()) {
    result[name] = foldSmallBuckets(tallies.get(name) ?? new Tally(), config.kAnonymity);
  }
  return result;
}

/** Version moves of installs active on `day` against their previous active day, k-folded. */
export function buildUpgrades(records: InstallRecord[], day: Day, k: number): Upgrade[] {
  const moves = new Tally();
  for (const record of records) {
    if (record.activity[day] === undefined) continue;
    let previousDay: Day | undefined;
    for (const d in record.activity)
      if (d < day && (previousDay === undefined || d > previousDay)) previousDay = d;
    if (previousDay === undefined) continue;
    const from = snapshotAsOf(record, previousDay)?.version;
    const to = snapshotAsOf(record, day)?.version;
    if (from && to && from !== to) moves.add(`${from}\u0000${to}`);
  }
  const upgrades: Upgrade[] = [];
  let other = 0;
  for (const [key, installs] of moves.counts) {
    const [from = '', to = ''] = key.split('\u0000');
    if (installs >= k) upgrades.push({ from, to, installs });
    else other += installs;
  }
  upgrades.sort(
    (a, b) => b.installs - a.installs || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
  if (other > 0) upgrades.push({ from: OTHER, to: OTHER, installs: other });
  return upgrades;
}
