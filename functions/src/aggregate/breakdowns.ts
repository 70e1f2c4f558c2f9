/** Breakdowns of the installs active in a 28-day window, and upgrades seen on a day. */
import {
  BREAKDOWNS,
  OTHER,
  UNKNOWN,
  type Bucket,
  type Upgrade,
} from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { InstallSnapshot } from '../store/types.ts';
import { foldSmallBuckets, Tally } from './anonymity.ts';
import type { ExactDay } from './exact.ts';

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
export function publishedAttributes(config: DeploymentConfig): [key: string, name: string][] {
  return Object.entries(config.attributes)
    .filter(([, spec]) => spec.published)
    .map(([key]) => [key, `attribute.${key}`]);
}

/**
 * Calls `visit` with each breakdown name and value one install contributes, in breakdown order.
 * It allocates nothing per install.
 */
export function forEachBreakdownValue(
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

/** Every breakdown of the day's exact tallies, k-folded. */
export function publishBreakdowns(
  exact: ExactDay,
  config: DeploymentConfig,
): Record<string, Bucket[]> {
  const names = new Set<string>([...BREAKDOWNS, ...exact.breakdowns.keys()]);
  const result: Record<string, Bucket[]> = {};
  for (const name of [...names].sort()) {
    const counts = new Tally();
    for (const [value, t] of exact.breakdowns.get(name) ?? []) counts.add(value, t.n);
    result[name] = foldSmallBuckets(counts, config.kAnonymity);
  }
  return result;
}

/** Version moves of the day, k-folded. */
export function publishUpgrades(exact: ExactDay, k: number): Upgrade[] {
  const upgrades: Upgrade[] = [];
  let other = 0;
  for (const [key, t] of exact.upgrades) {
    const [from = '', to = ''] = key.split('\u0000');
    if (t.n >= k) upgrades.push({ from, to, installs: t.n });
    else other += t.n;
  }
  upgrades.sort(
    (a, b) => b.installs - a.installs || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
  if (other > 0) upgrades.push({ from: OTHER, to: OTHER, installs: other });
  return upgrades;
}
