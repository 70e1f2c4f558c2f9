/**
 * What an install's history decides about a day: active in the 1/7/28 days ending on it, new,
 * how it looked (breakdowns) and whether it changed version. Computed per bucket from its pages
 * in day order; a bucket's history depends only on its own installs, so buckets (and shards of
 * buckets) are independent and their tallies add up.
 */
import type { DeploymentConfig } from '../../../shared/config.ts';
import { addDays, DAY_MS, startOfDay, type Day } from '../../../shared/dates.ts';
import { boundValues } from '../privacy/publication/clip.ts';
import {
  forEachBreakdownValue,
  publishedAttributes,
  type PublishedAttribute,
} from './breakdowns.ts';
import { addHalves, halvesOf, tally, type Tally } from './digest.ts';
import { emptyExact, entry, type ExactDay } from './exact.ts';
import { parseSnapshot, type Page } from './page.ts';

const dayIndexes = new Map<Day, number>();

/** Days since the epoch (cached: every bucket asks for the same few hundred days). */
function dayIndex(day: Day): number {
  let index = dayIndexes.get(day);
  if (index === undefined) dayIndexes.set(day, (index = Math.round(startOfDay(day) / DAY_MS)));
  return index;
}

/**
 * Snapshots interned across pages: each distinct snapshot is parsed once, and its breakdown
 * values listed once, however many installs and days share it.
 */
class SnapshotTable {
  private readonly ids = new Map<string, number>();
  readonly versions: (string | undefined)[] = [];
  private readonly json: string[] = [];
  private readonly values: ([string, string][] | undefined)[] = [];

  id(json: string): number {
    let id = this.ids.get(json);
    if (id === undefined) {
      id = this.json.length;
      this.ids.set(json, id);
      this.json.push(json);
      this.versions.push(parseSnapshot(json).version);
      this.values.push(undefined);
    }
    return id;
  }

  private readonly moduleLimit: number;

  constructor(moduleLimit: number) {
    this.moduleLimit = moduleLimit;
  }

  breakdownValues(id: number, attributes: readonly PublishedAttribute[]): [string, string][] {
    let values = this.values[id];
    if (values === undefined) {
      values = [];
      const list = values;
      const json = this.json[id] as string;
      const snapshot = parseSnapshot(json);
      // Pages keep each install's modules within the bound; a page stored before the bound
      // existed is held to it here, picked by the snapshot (every install has one bound or other).
      if (snapshot.modules && snapshot.modules.length > this.moduleLimit)
        snapshot.modules = boundValues(snapshot.modules, this.moduleLimit, json);
      forEachBreakdownValue(snapshot, attributes, (name, value) => list.push([name, value]));
      this.values[id] = values;
    }
    return values;
  }
}

/** Where an install was last seen before a day, looked up in pages older than the window. */
export type OlderLookup = (
  key: string,
  before: Day,
  notBefore: Day,
) => { day: Day; snapshot: string } | undefined;

/** Days of pages every run day needs decoded: its 28-day window (the rest only for lookups). */
export const WINDOW_DAYS = 28;

/**
 * The history tallies of one bucket for each of `days`, from its decoded pages of the 28 days
 * before the first of `days` up to the last, and `older` for the installs those pages do not
 * place: whether, and how, such an install was seen in the install memory before (new installs
 * and long-absent ones are few, so older pages are searched, never decoded whole).
 */
export function bucketHistory(
  pages: Map<Day, Page>,
  days: Day[],
  config: DeploymentConfig,
  older: OlderLookup = () => undefined,
): Map<Day, ExactDay> {
  const result = new Map<Day, ExactDay>();
  if (days.length === 0) return result;
  const wanted = new Set(days);
  days = [...days].sort();
  // Pages from here on are decoded (the caller's side of the bargain); older days come by lookup.
  const decodedFrom = dayIndex(days[0] as Day) - WINDOW_DAYS;
  const last = days.reduce((a, b) => (a > b ? a : b));
  const ordered = [...new Set([...pages.keys(), ...days])].filter((d) => d <= last).sort();
  const attributes = publishedAttributes(config);
  const table = new SnapshotTable(config.privacy.valuesPerInstall);
  // One slot per install seen: the last day it was active, its snapshot then, its digest halves.
  const slots = new Map<string, number>();
  const lastDay: number[] = [];
  const snap: number[] = [];
  const his: number[] = [];
  const los: number[] = [];
  for (const day of ordered) {
    const page = pages.get(day);
    const today = dayIndex(day);
    const exact = wanted.has(day) ? emptyExact(day) : undefined;
    const lookBefore = exact && addDays(days[0] as Day, -WINDOW_DAYS);
    const lookFrom = exact && addDays(day, -config.installRetentionDays);
    if (page) {
      const ids = page.snapshots.map((json) => table.id(json));
      for (let i = 0; i < page.keys.length; i += 1) {
        const key = page.keys[i] as string;
        const id = ids[page.snaps[i] as number] as number;
        let slot = slots.get(key);
        if (slot === undefined) {
          slot = lastDay.length;
          slots.set(key, slot);
          const [hi, lo] = halvesOf(key);
          his.push(hi);
          los.push(lo);
          lastDay.push(Number.NEGATIVE_INFINITY);
          snap.push(-1);
        }
        if (exact) {
          const hi = his[slot] as number;
          const lo = los[slot] as number;
          let previous = lastDay[slot] as number;
          let previousSnap = snap[slot] as number;
          if (previous < decodedFrom) {
            // Not in the decoded pages: look in the older ones of its install memory.
            const found = older(key, lookBefore as Day, lookFrom as Day);
            if (found) {
              previous = dayIndex(found.day);
              previousSnap = table.id(found.snapshot);
            }
          }
          // New: not active on any of the retention days before this one (a forgotten install
          // that returns is new again). Otherwise compare with the previous active day's version.
          if (previous < today - config.installRetentionDays) addHalves(exact.newInstalls, hi, lo);
          else {
            const from = table.versions[previousSnap];
            const to = table.versions[id];
            if (from && to && from !== to)
              addHalves(entry(exact.upgrades, `${from}\u0000${to}`, tally), hi, lo);
          }
        }
        lastDay[slot] = today;
        snap[slot] = id;
      }
    }
    if (!exact) continue;
    // Installs active in the 28 days ending on the day, grouped by snapshot so each snapshot's
    // breakdown values are added once with the count and digest of its installs.
    const bySnapshot = new Map<number, Tally>();
    for (let slot = 0; slot < lastDay.length; slot += 1) {
      const age = today - (lastDay[slot] as number);
      if (age > 27) continue;
      const hi = his[slot] as number;
      const lo = los[slot] as number;
      addHalves(exact.d28, hi, lo);
      if (age <= 6) addHalves(exact.d7, hi, lo);
      if (age === 0) addHalves(exact.d1, hi, lo);
      addHalves(entry(bySnapshot, snap[slot] as number, tally), hi, lo);
    }
    for (const [id, t] of bySnapshot) {
      for (const [name, value] of table.breakdownValues(id, attributes)) {
        const target = entry(
          entry(exact.breakdowns, name, () => new Map()),
          value,
          tally,
        );
        addHalves(target, t.hi, t.lo, t.n);
      }
    }
    result.set(day, exact);
  }
  return result;
}
