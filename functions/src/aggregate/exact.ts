/**
 * The exact tallies of one day, before any publication rule: what each shard computes for its own
 * installs, what a merge sums, and what `publishDay` turns into the public aggregate. Every count
 * of installs carries the XOR digest of its contributors (digest.ts), so the publication module can
 * tell two equal counts of different installs apart. Everything here is a sum: shards add up.
 */
import type { Day } from '../../../shared/dates.ts';
import type { EventType } from '../../../shared/schema/event.ts';
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
}

/** Sorted entries of a map: the stored form is the same whatever order tallies were added in. */
function sorted<V>(map: Map<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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
  const raw = JSON.parse(json) as Record<string, unknown>;
  const t = (c: unknown) => fromContributors(c as Stored);
  const pairs = (v: unknown) => (v ?? []) as [string, never][];
  const tallies = (v: unknown) => new Map(pairs(v).map(([k, c]) => [k, t(c)]));
  return {
    day: raw.day as Day,
    events: new Map(pairs(raw.events)) as Map<EventType, number>,
    d1: t(raw.d1),
    d7: t(raw.d7),
    d28: t(raw.d28),
    newInstalls: t(raw.newInstalls),
    breakdowns: new Map(pairs(raw.breakdowns).map(([k, v]) => [k, tallies(v)])),
    upgrades: tallies(raw.upgrades),
    versions: new Map(
      pairs(raw.versions).map(([k, v]: [string, Record<string, unknown>]) => [
        k,
        {
          active: t(v.active),
          crashed: t(v.crashed),
          crashEvents: v.crashEvents as number,
          fatalEvents: v.fatalEvents as number,
        },
      ]),
    ),
    signatures: new Map(
      pairs(raw.signatures).map(([k, v]: [string, Record<string, unknown>]) => [
        k,
        { installs: t(v.installs), events: v.events as number },
      ]),
    ),
    installFailures: tallies(raw.installFailures),
    counters: new Map(
      pairs(raw.counters).map(([k, g]: [string, Record<string, unknown>]) => [
        k,
        {
          installs: t(g.installs),
          values: new Map(
            pairs(g.values).map(([v, e]: [string, Record<string, unknown>]) => [
              v,
              { installs: t(e.installs), sum: e.sum as number },
            ]),
          ),
        },
      ]),
    ),
  };
}

function isTally(value: unknown): value is Tally {
  return (
    typeof value === 'object' &&
    value !== null &&
    'hi' in value &&
    'lo' in value &&
    'n' in value &&
    Object.keys(value).length === 3
  );
}
