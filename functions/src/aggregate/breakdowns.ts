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

const KERNEL_VERSION = /^(\d+)\.(\d+)/;

/** `Linux 6.1` from kernel name `Linux` and version `6.1.0-18-amd64`. */
export function kernelBucket(snapshot: InstallSnapshot): string | undefined {
  const majorMinor = snapshot.kernelVersion ? KERNEL_VERSION.exec(snapshot.kernelVersion) : null;
  const version = majorMinor ? `${majorMinor[1]}.${majorMinor[2]}` : undefined;
  if (snapshot.kernel !== undefined && version !== undefined)
    return `${snapshot.kernel} ${version}`;
  return snapshot.kernel ?? version;
}

/** The published attributes: each key with the name of its breakdown. */
function publishedAttributes(config: DeploymentConfig): [key: string, name: string][] {
  return Object.entries(config.attributes)
    .filter(([, spec]) => spec.published)
    .map(([key]) => [key, `attribute.${key}`]);
}

/**
 * Calls `visit` with each breakdown name and value one install contributes, in breakdown order.
 * It allocates nothing per install: the daily fold calls it once per active install.
 */
function forEachBreakdownValue(
  snapshot: InstallSnapshot,
  attributes: [key: string, name: string][],
  visit: (name: string, value: string) => void,
): void {
  visit('version', snapshot.version ?? UNKNOWN);
  visit('channel', snapshot.channel ?? UNKNOWN);
  visit('installMethod', snapshot.installMethod ?? UNKNOWN);
  visit('os', snapshot.os ?? UNKNOWN);
  visit(
    'osVersion',
    snapshot.os && snapshot.osVersion ? `${snapshot.os} ${snapshot.osVersion}` : UNKNOWN,
  );
  visit('kernel', kernelBucket(snapshot) ?? UNKNOWN);
  visit('arch', snapshot.arch ?? UNKNOWN);
  visit('virtualization', snapshot.virtualization ?? UNKNOWN);
  visit('container', snapshot.container ?? UNKNOWN);
  if (snapshot.modules && snapshot.modules.length > 0)
    for (const module of snapshot.modules) visit('module', module);
  else visit('module', UNKNOWN);
  for (const [key, name] of attributes) {
    const value = snapshot.attributes?.[key];
    visit(name, value === undefined ? UNKNOWN : String(value));
  }
}

/** Every breakdown of `snapshots` (one per active install or anonymous report), k-folded. */
export function buildBreakdowns(
  snapshots: InstallSnapshot[],
  config: DeploymentConfig,
): Record<string, Bucket[]> {
  const tallies = new Map<string, Tally>();
  for (const name of BREAKDOWNS) tallies.set(name, new Tally());
  const attributes = publishedAttributes(config);
  const tally = (name: string, value: string) => {
    let found = tallies.get(name);
    if (!found) tallies.set(name, (found = new Tally()));
    found.add(value);
  };
  for (const snapshot of snapshots) forEachBreakdownValue(snapshot, attributes, tally);
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
