/**
 * What one reporter's events of a day add to the day's tallies besides how it looked: its events,
 * crashes and failures, counters, whether it installed and whether it proved work. Activity pages
 * keep it per install (a table of distinct contributions, like the snapshot table), so the
 * aggregation decides at publication time whether the install counts — established, plausible,
 * not quarantined — instead of when the page is built. A page keeps it as sent; the contribution
 * bounds of differential privacy (functions/src/privacy/publication/clip.ts) are applied when it
 * is added to the tallies (addContribution), so only what counts is ever bounded and summed.
 */
import { UNKNOWN } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import type { StoredEvent } from '../model/stored.ts';
import {
  boundValues,
  clipCounters,
  clipEventCounts,
  clipSignatureEvents,
} from '../privacy/publication/clip.ts';
import { splitCounterKey } from './counters.ts';
import { addTally, tally, type Tally } from './digest.ts';
import { counterTallies, entry, versionTallies, type ExactDay } from './exact.ts';
import { failureSignature } from './reliability.ts';

/** One reporter's day, as stored (short keys: a page holds one per distinct contribution). */
export interface Contribution {
  /** Events of the day, every type. */
  e: number;
  /** Events of the day by type, in EVENT_TYPES order. */
  t?: [EventType, number][];
  /** Crash events. */
  c?: number;
  /** Fatal events. */
  f?: number;
  /** Failure signatures of crash and fatal events, with their events; sorted. */
  s?: [string, number][];
  /** Install failure codes; sorted. */
  x?: string[];
  /** Counters of the day's latest report that had any, sorted by key. */
  k?: [string, number][];
  /** Sent an `install` event. */
  i?: 1;
  /** Carried a verified proof of work. */
  p?: 1;
}

const CRASH_TYPES = new Set(['crash', 'fatal']);

/** The canonical JSON of what `events` (one reporter's events of a day, receipt order) add. */
export function contributionJsonOf(events: readonly StoredEvent[]): string {
  let crash = 0;
  let fatal = 0;
  let signatures: Map<string, number> | undefined;
  let codes: Set<string> | undefined;
  let counters: StoredEvent['counters'];
  let install = false;
  let proof = false;
  const byType = new Map<EventType, number>();
  for (const event of events) {
    byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    if (CRASH_TYPES.has(event.type)) {
      if (event.type === 'crash') crash += 1;
      else fatal += 1;
      const signature = failureSignature(event.failure);
      signatures ??= new Map();
      signatures.set(signature, (signatures.get(signature) ?? 0) + 1);
    } else if (event.type === 'install_failed') {
      (codes ??= new Set()).add(event.failure?.code ?? UNKNOWN);
    } else if (event.type === 'install') install = true;
    // Events come in receipt order: the last report with counters is the install's latest.
    if (event.counters) counters = event.counters;
    if (event.proof === true) proof = true;
  }
  // Keys in a fixed order, so equal contributions are equal strings.
  let json = `{"e":${events.length}`;
  json += `,"t":${JSON.stringify(EVENT_TYPES.filter((t) => byType.has(t)).map((t) => [t, byType.get(t)]))}`;
  if (crash > 0) json += `,"c":${crash}`;
  if (fatal > 0) json += `,"f":${fatal}`;
  if (signatures) json += `,"s":${JSON.stringify(sortedPairs(signatures))}`;
  if (codes) json += `,"x":${JSON.stringify([...codes].sort())}`;
  if (counters && Object.keys(counters).length > 0)
    json += `,"k":${JSON.stringify(sortedPairs(new Map(Object.entries(counters))))}`;
  if (install) json += ',"i":1';
  if (proof) json += ',"p":1';
  return `${json}}`;
}

function sortedPairs(map: Map<string, number>): [string, number][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parses a stored contribution. */
export function parseContribution(json: string): Contribution {
  return JSON.parse(json) as Contribution;
}

/** The contribution of a reporter a page has no table for (one event, nothing else known). */
export const NO_CONTRIBUTION: Contribution = { e: 0 };

/**
 * Whether bounding `c` picks some of its values (more signatures, install failure codes,
 * counter values or counter groups than one install may count): the pick then depends on the
 * reporter's salt.
 */
export function needsSalt(c: Contribution, config: DeploymentConfig): boolean {
  const { valuesPerInstall, counterValuesPerInstall, counterGroupsPerInstall } = config.privacy;
  return (
    (c.s?.length ?? 0) > valuesPerInstall ||
    (c.x?.length ?? 0) > valuesPerInstall ||
    (c.k?.length ?? 0) > counterValuesPerInstall ||
    new Set((c.k ?? []).map(([key]) => splitCounterKey(key)[0])).size > counterGroupsPerInstall
  );
}

/**
 * Adds what `t.n` reporters sharing `version` and contribution `c` add to `exact`, within the
 * contribution bounds of `config.privacy` (clip.ts): at most `eventClip` events of all types, at
 * most `valuesPerInstall` failure signatures and install failure codes, at most
 * `counterValuesPerInstall` counter values of at most `counterGroupsPerInstall` groups, each
 * clipped at `counterClip`. The publication's noise
 * is calibrated to these bounds. `salt` (the install's key, or the cohort's for reports without
 * identity, which all send the same) picks which values are kept when there are more. `t`
 * carries the reporters' count and digest, so a group is added in one step.
 */
export function addContribution(
  exact: ExactDay,
  version: string,
  c: Contribution,
  t: Tally,
  config: DeploymentConfig,
  salt: string,
): void {
  const {
    eventClip,
    valuesPerInstall,
    counterClip,
    counterValuesPerInstall,
    counterGroupsPerInstall,
  } = config.privacy;
  const n = t.n;
  const byType: Partial<Record<EventType, number>> = {};
  for (const [type, count] of c.t ?? []) byType[type] = count;
  const clipped = clipEventCounts(byType, eventClip);
  for (const [type, count] of Object.entries(clipped) as [EventType, number][])
    if (count > 0) exact.events.set(type, (exact.events.get(type) ?? 0) + n * count);
  const v = entry(exact.versions, version, versionTallies);
  addTally(v.active, t);
  v.crashEvents += n * (clipped.crash ?? 0);
  v.fatalEvents += n * (clipped.fatal ?? 0);
  if (c.c !== undefined || c.f !== undefined) addTally(v.crashed, t);
  if (c.s) {
    const bound = (clipped.crash ?? 0) + (clipped.fatal ?? 0);
    const kept = clipSignatureEvents(Object.fromEntries(c.s), bound, valuesPerInstall, salt);
    for (const [signature, events] of Object.entries(kept)) {
      const s = entry(exact.signatures, signature, () => ({ installs: tally(), events: 0 }));
      addTally(s.installs, t);
      s.events += n * events;
    }
  }
  for (const code of boundValues(c.x ?? [], valuesPerInstall, salt))
    addTally(entry(exact.installFailures, code, tally), t);
  if (c.k) {
    const seen = new Set<string>();
    const bounded = clipCounters(
      Object.fromEntries(c.k),
      counterClip,
      counterValuesPerInstall,
      counterGroupsPerInstall,
      salt,
    );
    for (const [key, count] of Object.entries(bounded)) {
      const [groupName, value] = splitCounterKey(key);
      const group = entry(exact.counters, groupName, counterTallies);
      if (!seen.has(groupName)) {
        seen.add(groupName);
        addTally(group.installs, t);
      }
      const target = entry(group.values, value, () => ({ installs: tally(), sum: 0 }));
      addTally(target.installs, t);
      target.sum += n * count;
    }
  }
  exact.reports += n * Math.min(c.e, eventClip);
}
