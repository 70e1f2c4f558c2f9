/**
 * Snapshots interned across pages, with what the screening rules ask of each: its version, its
 * cohort profile, whether its profile is impossible or its version unreleased, whether two of
 * them are the same machine's profile, and its breakdown values. Each distinct snapshot is parsed
 * once however many installs and days share it.
 */
import { UNKNOWN } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import {
  cohortProfile,
  CONSISTENT_FIELDS,
  isReleased,
  matchesProfile,
} from '../../../shared/screening.ts';
import type { InstallSnapshot } from '../model/stored.ts';
import { boundValues } from '../privacy/publication/clip.ts';
import { forEachBreakdownValue, type PublishedAttribute } from './breakdowns.ts';
import { parseSnapshot } from './page.ts';

/** Whether `snapshot` matches one of the configured impossible profiles. */
export function isImpossible(snapshot: InstallSnapshot, config: DeploymentConfig): boolean {
  return config.screening.impossibleProfiles.some((p) => matchesProfile(snapshot, p));
}

/**
 * Whether the configuration lets `snapshot`'s version count: always when versions are learned
 * (the merge decides), and when it names no version (a report that claims none).
 */
export function isPlausibleVersion(snapshot: InstallSnapshot, config: DeploymentConfig): boolean {
  const released = config.screening.releasedVersions;
  return (
    released === undefined ||
    snapshot.version === undefined ||
    isReleased(snapshot.version, released)
  );
}

/** Whether two snapshots can be one machine on two days: no consistent field differs. */
export function consistentProfiles(a: InstallSnapshot, b: InstallSnapshot): boolean {
  for (const field of CONSISTENT_FIELDS) {
    const x = a[field];
    const y = b[field];
    if (x !== undefined && y !== undefined && x !== y) return false;
  }
  return true;
}

/** The interned snapshots of one history computation. */
export class ProfileTable {
  private readonly ids = new Map<string, number>();
  private readonly jsons: string[] = [];
  private readonly snapshots: InstallSnapshot[] = [];
  private readonly cohorts: (string | undefined)[] = [];
  private readonly values: ([string, string][] | undefined)[] = [];
  private readonly impossibles: boolean[] = [];
  private readonly releaseds: boolean[] = [];

  private readonly config: DeploymentConfig;

  constructor(config: DeploymentConfig) {
    this.config = config;
  }

  /** The id of a snapshot's JSON. */
  id(json: string): number {
    let id = this.ids.get(json);
    if (id === undefined) {
      id = this.jsons.length;
      this.ids.set(json, id);
      this.jsons.push(json);
      const snapshot = parseSnapshot(json);
      this.snapshots.push(snapshot);
      this.cohorts.push(undefined);
      this.values.push(undefined);
      this.impossibles.push(isImpossible(snapshot, this.config));
      this.releaseds.push(isPlausibleVersion(snapshot, this.config));
    }
    return id;
  }

  /** The JSON of snapshot `id`. */
  json(id: number): string {
    return this.jsons[id] as string;
  }

  /** The version of snapshot `id`, or undefined (also for -1, no snapshot). */
  versionOf(id: number): string | undefined {
    return id < 0 ? undefined : this.snapshots[id]?.version;
  }

  /** The version of snapshot `id` as tallies key it. */
  version(id: number): string {
    return this.versionOf(id) ?? UNKNOWN;
  }

  /** Whether snapshot `id` has a profile no real install has. */
  impossible(id: number): boolean {
    return this.impossibles[id] === true;
  }

  /** Whether snapshot `id`'s version may count (configured list, or learning). */
  released(id: number): boolean {
    return this.releaseds[id] === true;
  }

  /** Whether snapshots `a` and `b` can be the same machine on two days. */
  consistent(a: number, b: number): boolean {
    if (a === b || a < 0 || b < 0) return true;
    return consistentProfiles(this.snapshots[a] ?? {}, this.snapshots[b] ?? {});
  }

  /** The cohort profile of snapshot `id` (`version=…,os=…,arch=…,kernel=…`). */
  cohort(id: number): string {
    let text = this.cohorts[id];
    if (text === undefined) this.cohorts[id] = text = cohortProfile(this.snapshots[id] ?? {});
    return text;
  }

  /** The breakdown values of snapshot `id`, listed once. */
  breakdownValues(id: number, attributes: readonly PublishedAttribute[]): [string, string][] {
    let values = this.values[id];
    if (values === undefined) {
      values = [];
      const list = values;
      let snapshot = this.snapshots[id] ?? {};
      // Pages keep each install's modules within the bound; a page stored before the bound
      // existed is held to it here, picked by the snapshot (every install has one bound or other).
      const limit = this.config.privacy.valuesPerInstall;
      if (snapshot.modules && snapshot.modules.length > limit)
        snapshot = { ...snapshot, modules: boundValues(snapshot.modules, limit, this.json(id)) };
      forEachBreakdownValue(snapshot, attributes, (name, value) => list.push([name, value]));
      this.values[id] = values;
    }
    return values;
  }
}
