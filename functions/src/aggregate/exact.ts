/**
 * The exact tallies of one day, before any publication rule: what each shard computes for its own
 * installs, what a merge sums, and what `publishDay` turns into the public aggregate. Every count
 * of installs carries the XOR digest of its contributors (digest.ts), so the publication module can
 * tell two equal counts of different installs apart. Everything here is a sum: shards add up.
 */
import type { Day } from '../../../shared/dates.ts';
import type { EventType } from '../../../shared/schema/event.ts';
import type { HeldReason } from '../../../shared/screening.ts';
import { addTally, fromContributors, tally, toContributors, type Tally } from './digest.ts';

/** Reliability of one version on the day. */
export interface VersionTallies {
  /** Installs (and identity-less reports) active on the day with this version. */
  active: Tally;
  /** Of those, the ones with a crash or fatal event. */
  crashed: Tally;
  crashEvents: number;
  fatalEvents: number;
}

/** One counter value: the installs whose latest report of the day has it, and their sum. */
export interface CounterValue {
  installs: Tally;
  sum: number;
}

/** One counter group. */
export interface CounterTallies {
  installs: Tally;
  values: Map<string, CounterValue>;
}

/** Reporters held out of the day's figures for one reason: installs and their events. */
export interface HeldTallies {
  installs: Tally;
  reports: number;
}

/**
 * What the screening rules decided on the day (screening.ts): who was held out and why, who is
 * waiting to be established, who became established, and the profiles of new and newly
 * established installs (what anomaly flags and quarantines name).
 */
export interface ScreeningTallies {
  held: Map<HeldReason, HeldTallies>;
  /** Installs active on the day that are not established yet (held as `not-established`). */
  pendingD1: Tally;
  /** Installs active in the 28 days ending on the day, not established as of their last day. */
  pendingD28: Tally;
  /** Installs that became established on the day (they count from this day on). */
  newlyEstablished: Tally;
  /** Installs counted on the day thanks to a proof of work, before their days would count. */
  proven: Tally;
  /** New installs of the day by cohort profile (`version=…,os=…,arch=…,kernel=…`). */
  newProfiles: Map<string, Tally>;
  /** Newly established installs by cohort profile. */
  establishedProfiles: Map<string, Tally>;
  /**
   * Failed installs of reporters held out as not established (or above their cohort's bound, for
   * reports without identity), by error code: each reporter once a day, under its first code.
   * One-shot installer runs that fail never become established; these are published apart.
   */
  failures: Map<string, Tally>;
}

/** Empty screening tallies. */
export function emptyScreening(): ScreeningTallies {
  return {
    held: new Map(),
    pendingD1: tally(),
    pendingD28: tally(),
    newlyEstablished: tally(),
    proven: tally(),
    newProfiles: new Map(),
    establishedProfiles: new Map(),
    failures: new Map(),
  };
}

/** The exact tallies of one day. */
export interface ExactDay {
  day: Day;
  /** Events of the day by type (opt-outs included). */
  events: Map<EventType, number>;
  d1: Tally;
  d7: Tally;
  d28: Tally;
  newInstalls: Tally;
  /** Breakdown name → value → installs active in the 28 days ending on the day. */
  breakdowns: Map<string, Map<string, Tally>>;
  /** `from\0to` → installs that moved. */
  upgrades: Map<string, Tally>;
  versions: Map<string, VersionTallies>;
  signatures: Map<string, { installs: Tally; events: number }>;
  installFailures: Map<string, Tally>;
  counters: Map<string, CounterTallies>;
  /** Events of the reporters these tallies count, on the day, each within the event bound. */
  reports: number;
  screening: ScreeningTallies;
  /**
   * Reporters that count only if their version is known, by version: with versions learned (no
   * configured list), reports without identity and installs counted by proof of work wait here
   * until the merge knows which versions established installs run. Always empty inside itself.
   */
  provisional: Map<string, ExactDay>;
}

/** An empty day. */
export function emptyExact(day: Day): ExactDay {
  return {
    day,
    events: new Map(),
    d1: tally(),
    d7: tally(),
    d28: tally(),
    newInstalls: tally(),
    breakdowns: new Map(),
    upgrades: new Map(),
    versions: new Map(),
    signatures: new Map(),
    installFailures: new Map(),
    counters: new Map(),
    reports: 0,
    screening: emptyScreening(),
    provisional: new Map(),
  };
}

/** The value of `key`, created by `make` when absent. */
export function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** A version's tallies. */
export function versionTallies(): VersionTallies {
  return { active: tally(), crashed: tally(), crashEvents: 0, fatalEvents: 0 };
}

/** A counter group's tallies. */
export function counterTallies(): CounterTallies {
  return { installs: tally(), values: new Map() };
}

function addTallies(into: Map<string, Tally>, from: Map<string, Tally>): void {
  for (const [key, t] of from) addTally(entry(into, key, tally), t);
}

/** Adds every tally of `from` into `into` (same day). */
export function addExact(into: ExactDay, from: ExactDay): void {
  for (const [type, n] of from.events) into.events.set(type, (into.events.get(type) ?? 0) + n);
  addTally(into.d1, from.d1);
  addTally(into.d7, from.d7);
  addTally(into.d28, from.d28);
  addTally(into.newInstalls, from.newInstalls);
  for (const [name, values] of from.breakdowns)
    addTallies(
      entry(into.breakdowns, name, () => new Map()),
      values,
    );
  addTallies(into.upgrades, from.upgrades);
  for (const [version, v] of from.versions) {
    const target = entry(into.versions, version, versionTallies);
    addTally(target.active, v.active);
    addTally(target.crashed, v.crashed);
    target.crashEvents += v.crashEvents;
    target.fatalEvents += v.fatalEvents;
  }
  for (const [signature, s] of from.signatures) {
    const target = entry(into.signatures, signature, () => ({ installs: tally(), events: 0 }));
    addTally(target.installs, s.installs);
    target.events += s.events;
  }
  addTallies(into.installFailures, from.installFailures);
  for (const [group, g] of from.counters) {
    const target = entry(into.counters, group, counterTallies);
    addTally(target.installs, g.installs);
    for (const [value, v] of g.values) {
      const t = entry(target.values, value, () => ({ installs: tally(), sum: 0 }));
      addTally(t.installs, v.installs);
      t.sum += v.sum;
    }
  }
  into.reports += from.reports;
  addScreening(into.screening, from.screening);
  for (const [version, day] of from.provisional)
    addExact(
      entry(into.provisional, version, () => emptyExact(into.day)),
      day,
    );
}

/** Adds screening tallies. */
export function addScreening(into: ScreeningTallies, from: ScreeningTallies): void {
  for (const [reason, h] of from.held) {
    const target = entry(into.held, reason, heldTallies);
    addTally(target.installs, h.installs);
    target.reports += h.reports;
  }
  addTally(into.pendingD1, from.pendingD1);
  addTally(into.pendingD28, from.pendingD28);
  addTally(into.newlyEstablished, from.newlyEstablished);
  addTally(into.proven, from.proven);
  addTallies(into.newProfiles, from.newProfiles);
  addTallies(into.establishedProfiles, from.establishedProfiles);
  addTallies(into.failures, from.failures);
}

/**
 * Adds the reporters in `t`, held out before they count, to the failed installs published apart:
 * under the first of their install failure codes of the day (sorted), so each counts once.
 */
export function holdFailure(
  screening: ScreeningTallies,
  codes: readonly string[] | undefined,
  t: Tally,
): void {
  const code = codes?.[0];
  if (code !== undefined) addTally(entry(screening.failures, code, tally), t);
}

/** Empty held-out tallies. */
export function heldTallies(): HeldTallies {
  return { installs: tally(), reports: 0 };
}

/** Adds `reports` events of the reporters in `t` to the held-out tallies of `reason`. */
export function hold(
  screening: ScreeningTallies,
  reason: HeldReason,
  t: Tally,
  reports: number,
): void {
  const h = entry(screening.held, reason, heldTallies);
  addTally(h.installs, t);
  h.reports += reports;
}

/** Sorted entries of a map: the stored form is the same whatever order tallies were added in. */
function sorted<V>(map: Map<string, V>): [string, V][] {
  // Keys of a map are never equal.
  // Stryker disable next-line EqualityOperator: equivalent; `<=` differs only for equal keys
  return [...map].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * The stored (and publication-facing) form: plain JSON, maps as sorted `[key, value]` pairs (no
 * key can collide with an object's own properties), every tally as `{installs, digest}`.
 */
export function exactToJson(exact: ExactDay): string {
  return JSON.stringify(exact, (_key, value: unknown) => {
    if (value instanceof Map) return sorted(value as Map<string, unknown>);
    if (isTally(value)) return toContributors(value);
    return value;
  });
}

type Stored = { installs: number; digest: string };

/** Reads what exactToJson wrote (no reviver: a reviver call per value is the slow part). */
export function exactFromJson(json: string): ExactDay {
  return exactFromRaw(JSON.parse(json) as Record<string, unknown>);
}

const tallyOf = (c: unknown) => (c === undefined ? tally() : fromContributors(c as Stored));
const pairs = (v: unknown) => (v ?? []) as [string, never][];
const tallies = (v: unknown) => new Map(pairs(v).map(([k, c]) => [k, tallyOf(c)]));

function screeningFromRaw(raw: Record<string, unknown> | undefined): ScreeningTallies {
  if (!raw) return emptyScreening();
  return {
    held: new Map(
      pairs(raw.held).map(([k, v]: [string, Record<string, unknown>]) => [
        k as HeldReason,
        { installs: tallyOf(v.installs), reports: v.reports as number },
      ]),
    ),
    pendingD1: tallyOf(raw.pendingD1),
    pendingD28: tallyOf(raw.pendingD28),
    newlyEstablished: tallyOf(raw.newlyEstablished),
    proven: tallyOf(raw.proven),
    newProfiles: tallies(raw.newProfiles),
    establishedProfiles: tallies(raw.establishedProfiles),
    failures: tallies(raw.failures),
  };
}

function exactFromRaw(raw: Record<string, unknown>): ExactDay {
  return {
    day: raw.day as Day,
    events: new Map(pairs(raw.events)) as Map<EventType, number>,
    d1: tallyOf(raw.d1),
    d7: tallyOf(raw.d7),
    d28: tallyOf(raw.d28),
    newInstalls: tallyOf(raw.newInstalls),
    breakdowns: new Map(pairs(raw.breakdowns).map(([k, v]) => [k, tallies(v)])),
    upgrades: tallies(raw.upgrades),
    versions: new Map(
      pairs(raw.versions).map(([k, v]: [string, Record<string, unknown>]) => [
        k,
        {
          active: tallyOf(v.active),
          crashed: tallyOf(v.crashed),
          crashEvents: v.crashEvents as number,
          fatalEvents: v.fatalEvents as number,
        },
      ]),
    ),
    signatures: new Map(
      pairs(raw.signatures).map(([k, v]: [string, Record<string, unknown>]) => [
        k,
        { installs: tallyOf(v.installs), events: v.events as number },
      ]),
    ),
    installFailures: tallies(raw.installFailures),
    counters: new Map(
      pairs(raw.counters).map(([k, g]: [string, Record<string, unknown>]) => [
        k,
        {
          installs: tallyOf(g.installs),
          values: new Map(
            pairs(g.values).map(([v, e]: [string, Record<string, unknown>]) => [
              v,
              { installs: tallyOf(e.installs), sum: e.sum as number },
            ]),
          ),
        },
      ]),
    ),
    reports: (raw.reports as number | undefined) ?? 0,
    screening: screeningFromRaw(raw.screening as Record<string, unknown> | undefined),
    provisional: new Map(
      pairs(raw.provisional).map(([k, v]: [string, Record<string, unknown>]) => [
        k,
        exactFromRaw(v),
      ]),
    ),
  };
}

/** Whether a value of an ExactDay is a tally: the only objects in one with a digest half. */
function isTally(value: unknown): value is Tally {
  return value instanceof Object && 'hi' in value;
}
