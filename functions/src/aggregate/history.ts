/**
 * What an install's history decides about a day: whether it counts (established, plausible, not
 * quarantined), active in the 1/7/28 days ending on it, new, newly established, how it looked
 * (breakdowns), whether it changed version, and what its events of the day add (reliability,
 * counters). Computed per bucket from its pages in day order; a bucket's history depends only on
 * its own installs, so buckets (and shards of buckets) are independent and their tallies add up.
 */
import type { DeploymentConfig } from '../../../shared/config.ts';
import { addDays, DAY_MS, startOfDay, type Day } from '../../../shared/dates.ts';
import type { HeldReason } from '../../../shared/screening.ts';
import { publishedAttributes } from './breakdowns.ts';
import {
  addContribution,
  needsSalt,
  NO_CONTRIBUTION,
  parseContribution,
  type Contribution,
} from './contribution.ts';
import { addHalves, halvesOf, tally, type Tally } from './digest.ts';
import { emptyExact, entry, hold, holdFailure, type ExactDay } from './exact.ts';
import type { StoredPage } from '../model/stored.ts';
import { findInParts, type FoundInstall, type Page } from './page.ts';
import { ProfileTable } from './profiles.ts';
import type { QuarantineIndex } from './quarantine.ts';

const dayIndexes = new Map<Day, number>();

/** Days since the epoch (cached: every bucket asks for the same few hundred days). */
export function dayIndex(day: Day): number {
  let index = dayIndexes.get(day);
  // Stryker disable next-line ConditionalExpression: equivalent; a day computed again is the same day (only slower)
  if (index === undefined) dayIndexes.set(day, (index = Math.round(startOfDay(day) / DAY_MS)));
  return index;
}

/** Contributions interned across pages: each distinct one is parsed once. */
class ContributionTable {
  private readonly ids = new Map<string, number>();
  readonly parsed: Contribution[] = [];

  id(json: string): number {
    let id = this.ids.get(json);
    // Stryker disable next-line ConditionalExpression: equivalent; a contribution parsed again is the same one under a new index, and its installs' parts add up the same
    if (id === undefined) {
      id = this.parsed.length;
      // Stryker disable next-line all: equivalent; the cache again (above)
      this.ids.set(json, id);
      this.parsed.push(parseContribution(json));
    }
    return id;
  }
}

/** Where an install was last seen before a day, looked up in pages older than the window. */
export type OlderLookup = (
  key: string,
  before: Day,
  notBefore: Day,
) => ({ day: Day } & FoundInstall) | undefined;

/**
 * The lookup into `older` (stored pages by day, not decoded): the latest day before `before` and
 * not before `notBefore` whose page holds the install, found by binary search.
 */
export function olderLookup(older: Map<Day, StoredPage[]>): OlderLookup {
  const days = [...older.keys()].sort().reverse();
  return (key, before, notBefore) => {
    for (const day of days) {
      if (day >= before) continue;
      if (day < notBefore) break;
      const parts = older.get(day);
      const found = parts && findInParts(parts, key);
      if (found !== undefined) return { day, ...found };
    }
    return undefined;
  };
}

/** Days of pages every run day needs decoded: its 28-day window (the rest only for lookups). */
export const WINDOW_DAYS = 28;

/** Whether an install becomes part of a quarantined cohort: new or newly established on a day. */
export type CohortKind = 'new' | 'established';

/** Options of a history computation besides its pages. */
export interface HistoryOptions {
  /** Installs taken out of publication by a maintainer (quarantine.ts). */
  quarantine?: QuarantineIndex;
  /** Called for each install new or newly established on a wanted day (the quarantine script). */
  collect?: (day: Day, key: string, snapshot: string, kind: CohortKind) => void;
}

/** How an install stands on its last active day. */
type Status = 'counted' | 'proven' | HeldReason;

/**
 * The history tallies of one bucket for each of `days`, from its decoded pages of the 28 days
 * before the first of `days` up to the last, and `older` for the installs those pages do not
 * place: whether, and how, such an install was seen in the install memory before (new installs
 * and long-absent ones are few, so older pages are searched, never decoded whole).
 *
 * An install counts once established: seen on at least `establishedDays` distinct days of its
 * install memory with a consistent profile (CONSISTENT_FIELDS unchanged from one active day to
 * the next; a value missing on either day is no change), or on a day its events carried a valid
 * proof of work. Until then it is held out (`not-established`) and shows only in the new and
 * pending figures.
 */
export function bucketHistory(
  pages: Map<Day, Page>,
  days: Day[],
  config: DeploymentConfig,
  older: OlderLookup = () => undefined,
  options: HistoryOptions = {},
): Map<Day, ExactDay> {
  const result = new Map<Day, ExactDay>();
  if (days.length === 0) return result;
  const { screening } = config;
  const needed = Math.max(1, screening.establishedDays);
  const memory = config.installRetentionDays;
  const learn = screening.releasedVersions === undefined;
  const wanted = new Set(days);
  days = [...days].sort();
  // Pages from here on are decoded (the caller's side of the bargain); older days come by lookup.
  const decodedFrom = dayIndex(days[0] as Day) - WINDOW_DAYS;
  const lookBefore = addDays(days[0] as Day, -WINDOW_DAYS);
  const last = days[days.length - 1] as Day;
  // Stryker disable next-line MethodExpression,ConditionalExpression: equivalent; a later page changes no wanted day (it only costs time)
  const ordered = [...new Set([...pages.keys(), ...days])].filter((d) => d <= last).sort();
  const attributes = publishedAttributes(config);
  const table = new ProfileTable(config);
  const contributions = new ContributionTable();
  const quarantined = options.quarantine?.keys;

  // One slot per install seen: its last active day and snapshot then, its digest
  // halves, and its run of days (`chain`: the most recent active days of its consistent run,
  // as day * 2 + 1 when that day carried a proof of work, oldest first).
  const slots = new Map<string, number>();
  const keyOf: string[] = [];
  const lastDay: number[] = [];
  const snap: number[] = [];
  const his: number[] = [];
  const los: number[] = [];
  const chains: number[][] = [];
  // The first decoded day of a run that may continue into older pages (-1 once it cannot).
  const openFrom: number[] = [];
  const openSnap: number[] = [];
  const status: (Status | undefined)[] = [];
  const statusDay: number[] = [];
  const keep = 2 * needed;

  /** The weight of run entries from `from` on: a proven day counts as the whole run. */
  const weight = (chain: number[], from: number, skipLast = false): number => {
    let w = 0;
    const newest = chain.length - 1 - (skipLast ? 1 : 0);
    // Stryker disable next-line ConditionalExpression: equivalent; chain[-1] reads as day 0, before any `from`: the loop ends there too
    for (let i = newest; i >= 0; i -= 1) {
      const entryDay = (chain[i] as number) >> 1;
      if (entryDay < from) break;
      w += (chain[i] as number) & 1 ? needed : 1;
    }
    return w;
  };

  /** Days of the run from `from` on, each as one (a proof counts for no more than its day). */
  const plainDays = (chain: number[], from: number): number => {
    let n = 0;
    // Stryker disable next-line ConditionalExpression: equivalent; chain[-1] reads as day 0, before any `from`: the loop ends there too
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      if ((chain[i] as number) >> 1 < from) break;
      n += 1;
    }
    return n;
  };

  /** Extends an open run into older pages until it has enough weight within the memory. */
  const resolve = (slot: number, at: number): void => {
    const from = openFrom[slot] as number;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent; `from` is a day index or -1, and a closed run looks up from 1970 and finds nothing (only slower)
    if (from < 0) return;
    // Called while the run (without its last day) weighs under `needed`: never full already.
    const chain = chains[slot] as number[];
    const notBefore = addDays(dayAt(at), -memory);
    let beforeDay = dayAt(from);
    let beforeSnap = openSnap[slot] as number;
    const found: number[] = [];
    // The search ends once the run is heavy enough and its days alone count: older days found
    // beyond that are the oldest of the run, counted by no figure the newer ones do not decide.
    while (
      weight(chain, at - memory) + found.length < 2 * needed ||
      plainDays(chain, at - memory) + found.length < needed
    ) {
      const hit = older(keyOf[slot] as string, beforeDay, notBefore);
      if (!hit) break;
      const id = table.id(hit.snapshot);
      if (!table.consistent(id, beforeSnap)) break;
      const proof = hit.contribution ? parseContribution(hit.contribution).p === 1 : false;
      found.unshift(dayIndex(hit.day) * 2 + (proof ? 1 : 0));
      beforeDay = hit.day;
      beforeSnap = id;
    }
    chains[slot] = [...found, ...chain];
    // Stryker disable next-line UnaryOperator: equivalent; a run open from 1970-01-02 finds nothing older (only slower)
    openFrom[slot] = -1;
  };

  /** How the install in `slot` stands as of its last active day. */
  const statusOf = (slot: number): Status => {
    const at = lastDay[slot] as number;
    // Stryker disable next-line ConditionalExpression: equivalent; the status is computed again the same (only slower)
    if (statusDay[slot] === at) return status[slot] as Status;
    const id = snap[slot] as number;
    let s: Status;
    const quarantinedFrom = quarantined?.get(keyOf[slot] as string);
    if (table.impossible(id)) s = 'impossible-profile';
    else if (quarantinedFrom !== undefined && at >= dayIndex(quarantinedFrom)) s = 'quarantined';
    else if (!table.released(id)) s = 'unknown-version';
    else {
      // Older days decide whether it counts by its days or, before they would, by a proof alone.
      // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent; a run whose days count already gains only older days that change no status (only slower); never resolving here fails the older-page tests
      if (plainDays(chains[slot] as number[], at - memory) < needed) resolve(slot, at);
      const w = weight(chains[slot] as number[], at - memory);
      if (w < needed) s = 'not-established';
      else s = plainDays(chains[slot] as number[], at - memory) >= needed ? 'counted' : 'proven';
    }
    status[slot] = s;
    statusDay[slot] = at;
    return s;
  };

  for (const day of ordered) {
    const page = pages.get(day);
    const today = dayIndex(day);
    const exact = wanted.has(day) ? emptyExact(day) : undefined;
    const lookFrom = addDays(day, -memory);
    // Installs active on the day that count, grouped by (snapshot, contribution) so each group's
    // contribution is added once with the count and digest of its installs.
    const groups = new Map<string, Tally>();
    if (page) {
      const ids = page.snapshots.map((json) => table.id(json));
      const cids = page.contribs.map((json) => contributions.id(json));
      for (let i = 0; i < page.keys.length; i += 1) {
        const key = page.keys[i] as string;
        const id = ids[page.snaps[i] as number] as number;
        // A page of format 1 has no contribution indexes: -1, no contribution.
        const cid = cids[page.cons[i] as number] ?? -1;
        const proof = contributions.parsed[cid]?.p === 1;
        let slot = slots.get(key);
        const first = slot === undefined;
        if (slot === undefined) {
          slot = lastDay.length;
          slots.set(key, slot);
          keyOf.push(key);
          const [hi, lo] = halvesOf(key);
          his.push(hi);
          los.push(lo);
          lastDay.push(Number.NEGATIVE_INFINITY);
          // Stryker disable next-line CallExpression: equivalent; a first-seen install has no earlier snapshot to read (it is new, or one is looked up), and its slot is written below
          snap.push(id);
          chains.push([]);
          openFrom.push(today);
          openSnap.push(id);
          // Stryker disable next-line CallExpression: equivalent; a status is written before it is read (its day below is never the slot's day until then), the push only keeps the arrays packed
          status.push(undefined);
          // Stryker disable next-line CallExpression: equivalent (above)
          statusDay.push(Number.NaN);
        }
        const hi = his[slot] as number;
        const lo = los[slot] as number;
        let previous = lastDay[slot] as number;
        let previousSnap = snap[slot] as number;
        // The run goes on while the profile stays consistent and the install is remembered.
        const chain = chains[slot] as number[];
        if (!first) {
          // Stryker disable next-line ConditionalExpression: equivalent; a run kept past the memory weighs only its days within it, and finds no older day within it (only slower); never remembering fails the memory tests
          const remembered = (lastDay[slot] as number) >= today - memory;
          if (!remembered || !table.consistent(snap[slot] as number, id)) {
            chain.length = 0;
            // Stryker disable next-line UnaryOperator: equivalent; a run open from 1970-01-02 finds nothing older (only slower)
            openFrom[slot] = -1;
          }
        }
        chain.push(today * 2 + (proof ? 1 : 0));
        // Stryker disable next-line BlockStatement: equivalent; a longer run changes no status (below)
        if (chain.length > keep) {
          // Enough days of the run are decoded: older pages can no longer change its weight. The
          // trim only saves memory and lookups: the run's newest `keep` days, when all within the
          // memory, count it and decide every figure; when not, the older ones are beyond it too.
          // Stryker disable next-line CallExpression: equivalent (above)
          chain.shift();
          // Stryker disable next-line UnaryOperator: equivalent; a run open from 1970-01-02 finds nothing older (only slower)
          openFrom[slot] = -1;
        }
        lastDay[slot] = today;
        snap[slot] = id;
        if (!exact) continue;
        if (previous < decodedFrom) {
          // Not in the decoded pages: look in the older ones of its install memory.
          const found = older(key, lookBefore, lookFrom);
          if (found) {
            previous = dayIndex(found.day);
            previousSnap = table.id(found.snapshot);
          }
        }

        // New: not active on any of the memory's days before this one (a forgotten install that
        // returns is new again). Counted apart from the actives, whatever else holds it out.
        const isNew = previous < today - memory;
        if (isNew) {
          addHalves(exact.newInstalls, hi, lo);
          addHalves(entry(exact.screening.newProfiles, table.cohort(id), tally), hi, lo);
        }
        const s = statusOf(slot);
        const c = contributions.parsed[cid] ?? NO_CONTRIBUTION;
        if (s !== 'counted' && s !== 'proven') {
          const t = tally();
          addHalves(t, hi, lo);
          hold(exact.screening, s, t, Math.min(c.e, config.privacy.eventClip));
          if (s === 'not-established') {
            addHalves(exact.screening.pendingD1, hi, lo);
            holdFailure(exact.screening, c.x, t);
          }
          if (isNew) options.collect?.(day, key, table.json(id), 'new');
          continue;
        }
        // With versions learned, an install counted by its proof alone waits for the merge to
        // know its version (exact.ts `provisional`), with everything it adds to the day.
        const target = s === 'proven' && learn ? provisional(exact, table.version(id)) : exact;
        if (s === 'proven') addHalves(target.screening.proven, hi, lo);
        // Newly established: the run reached its weight on this day. A new install that counts
        // always is (nothing of its run lies before this day), so it is reported as established.
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent for always (and at `needed`): a run heavy enough without this day gains only older days (only slower); never resolving here fails the older-page tests
        if (weight(chains[slot] as number[], today - memory, true) < needed) resolve(slot, today);
        const w = weight(chains[slot] as number[], today - memory, true);
        if (w < needed) {
          addHalves(target.screening.newlyEstablished, hi, lo);
          addHalves(entry(target.screening.establishedProfiles, table.cohort(id), tally), hi, lo);
          options.collect?.(day, key, table.json(id), 'established');
        }
        if (!isNew) {
          const from = table.versionOf(previousSnap);
          const to = table.versionOf(id);
          if (from && to && from !== to)
            addHalves(entry(target.upgrades, `${from}\u0000${to}`, tally), hi, lo);
        }
        // A contribution whose bounds pick some of its values picks them by the install's own
        // key (clip.ts), so it is added on its own; any other is added with its group.
        const own = needsSalt(c, config);
        const group = `${target === exact ? '' : 'p'}${id},${cid}${own ? `,${key}` : ''}`;
        addHalves(entry(groups, group, tally), hi, lo);
      }
    }
    if (!exact) continue;
    for (const [group, t] of groups) {
      const proven = group.startsWith('p');
      const [ids, cids, salt = group] = (proven ? group.slice(1) : group).split(',');
      const id = Number(ids);
      const cid = Number(cids);
      const version = table.version(id);
      const target = proven ? provisional(exact, version) : exact;
      const c = cid >= 0 ? (contributions.parsed[cid] as Contribution) : NO_CONTRIBUTION;
      addContribution(target, version, c, t, config, salt);
    }
    // Installs active in the 28 days ending on the day, grouped by target and snapshot so each
    // snapshot's breakdown values are added once with the count and digest of its installs.
    const bySnapshot = new Map<ExactDay, Map<number, Tally>>();
    // Stryker disable next-line EqualityOperator: equivalent; a slot past the end has no status (its status and status day both read undefined), so it counts nowhere
    for (let slot = 0; slot < lastDay.length; slot += 1) {
      const age = today - (lastDay[slot] as number);
      if (age > 27) continue;
      const hi = his[slot] as number;
      const lo = los[slot] as number;
      const s = statusOf(slot);
      if (s === 'not-established') {
        addHalves(exact.screening.pendingD28, hi, lo);
        continue;
      }
      if (s !== 'counted' && s !== 'proven') continue;
      const id = snap[slot] as number;
      const target = s === 'proven' && learn ? provisional(exact, table.version(id)) : exact;
      addHalves(target.d28, hi, lo);
      if (age <= 6) addHalves(target.d7, hi, lo);
      if (age === 0) addHalves(target.d1, hi, lo);
      addHalves(
        entry(
          entry(bySnapshot, target, () => new Map()),
          id,
          tally,
        ),
        hi,
        lo,
      );
    }
    for (const [target, snapshots] of bySnapshot)
      for (const [id, t] of snapshots)
        for (const [name, value] of table.breakdownValues(id, attributes))
          addHalves(
            entry(
              entry(target.breakdowns, name, () => new Map()),
              value,
              tally,
            ),
            t.hi,
            t.lo,
            t.n,
          );
    result.set(day, exact);
  }
  return result;
}

/** The provisional tallies of `version` on the day (counted once the version is known). */
function provisional(exact: ExactDay, version: string): ExactDay {
  return entry(exact.provisional, version, () => emptyExact(exact.day));
}

/** The day of a day index. */
function dayAt(index: number): Day {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}
