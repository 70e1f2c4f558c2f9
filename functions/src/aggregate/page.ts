/**
 * Activity pages: for one day and one bucket of the pseudonym space, the installs active that day
 * (the first 64 bits of each pseudonym), each with a key into the page's table of snapshots (how
 * it looked) and its table of contributions (what its events add: crashes, failures, counters),
 * and the day's events by type. Whether an install counts is decided from its history when a day
 * is computed, so a page keeps each install's part apart instead of the page's sums.
 * A page is everything aggregation keeps from a (day, bucket) of events: later days read pages,
 * never old events, and a page is rebuilt only when its events changed.
 */
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { Day } from '../../../shared/dates.ts';
import type { InstallSnapshot, StoredEvent, StoredPage } from '../model/stored.ts';
import { ANONYMOUS, installKey, PREFIX_LENGTH } from '../model/buckets.ts';
import { boundValues } from '../privacy/publication/clip.ts';
import { contributionJsonOf } from './contribution.ts';
import { emptyExact, exactFromJson, exactToJson, type ExactDay } from './exact.ts';
import { byReceipt, snapshotJsonOf } from './snapshot.ts';

/** The format pages are built with; a page stored in an older one is rebuilt from its events. */
export const PAGE_FORMAT = 2;

/** One (day, bucket) page in memory. */
export interface Page {
  day: Day;
  bucket: string;
  /** Events of the (day, bucket) the page was built from: the next run compares a count with it. */
  events: number;
  /** Install keys (16 hex digits), sorted. */
  keys: string[];
  /** Per key, its index into `snapshots`. */
  snaps: number[];
  /** Distinct snapshots of the page, as canonical JSON. */
  snapshots: string[];
  /** Per key, its index into `contribs`. */
  cons: number[];
  /** Distinct contributions (contribution.ts) of the page, as canonical JSON. */
  contribs: string[];
  /**
   * Reports without identity (the anonymous page only), grouped into cohorts of identical
   * reports: `[snapshot index, contribution index, reports]` per cohort, flattened.
   */
  cohorts: number[];
  /** Format it was built with (PAGE_FORMAT); 1 for pages from before contributions. */
  format: number;
  /** Events of the day by type (parsed from `localJson` when first asked for). */
  local?: ExactDay;
  localJson?: string;
}

/** The local tallies of a page; a stored page parses them only when its day is computed. */
export function pageLocal(page: Page): ExactDay {
  if (page.local === undefined && !page.localJson)
    throw new Error(`page ${page.day}/${page.bucket}: tallies dropped by an erase, rebuild it`);
  page.local ??= exactFromJson(page.localJson as string);
  return page.local;
}

/** Whether an erase dropped the page's tallies: it must be rebuilt before its day is computed. */
export function talliesDropped(page: Page): boolean {
  return page.local === undefined && !page.localJson;
}

/** Whether the page must be rebuilt from its events before its day is computed. */
export function needsRebuild(page: Page): boolean {
  return talliesDropped(page) || page.format < PAGE_FORMAT;
}

/** Installs per stored part: keeps a part well under Firestore's 1 MiB document limit. */
export const KEYS_PER_PART = 30_000;

/** A table of distinct strings, each with its index in order of first appearance. */
class Interned {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  id(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(value, i);
      this.list.push(value);
    }
    return i;
  }
}

/**
 * The events of the day's unlinked units by type (opt-outs, stored without identity, and events
 * of no install in a bucket of installs): each is a unit of its own with its one event, so it is
 * within any bound and no screening rule can place it. Every other event reaches the figures
 * through its reporter's contribution, and only if the reporter counts.
 */
function unlinkedEvents(day: Day, events: StoredEvent[], anonymous: boolean): ExactDay {
  const local = emptyExact(day);
  for (const event of events)
    if (event.type === 'opt_out' || (!anonymous && event.install === null))
      local.events.set(event.type, (local.events.get(event.type) ?? 0) + 1);
  return local;
}

/**
 * The page of reports without identity: each report is one install on its own day only. Equal
 * reports (same snapshot, same contribution) form a cohort, so the aggregation can bound each
 * cohort by its own recent days.
 */
function anonymousPage(day: Day, events: StoredEvent[], config: DeploymentConfig): Page {
  const snapshots = new Interned();
  const contribs = new Interned();
  const counts = new Map<string, number>();
  // Receipt order, so the tables (and the stored page) do not depend on the read order.
  for (const event of [...events].sort(byReceipt)) {
    if (event.type === 'opt_out') continue;
    const s = snapshots.id(snapshotJsonOf([event], moduleBound(config, event.id)).json);
    const c = contribs.id(contributionJsonOf([event]));
    const key = `${s},${c}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const cohorts: number[] = [];
  for (const [key, n] of counts) {
    const [s, c] = key.split(',').map(Number) as [number, number];
    cohorts.push(s, c, n);
  }
  return {
    day,
    bucket: ANONYMOUS,
    events: events.length,
    keys: [],
    snaps: [],
    snapshots: snapshots.list,
    cons: [],
    contribs: contribs.list,
    cohorts,
    format: PAGE_FORMAT,
    local: unlinkedEvents(day, events, true),
  };
}

/**
 * An install's modules, at most `valuesPerInstall` of them, picked by its own salt (a list within
 * the bound comes back as it is: deduplicated and sorted, as snapshotJsonOf hands it over).
 */
function moduleBound(config: DeploymentConfig, salt: string): (modules: string[]) => string[] {
  const limit = config.privacy.valuesPerInstall;
  return (modules) => boundValues(modules, limit, salt);
}

/** Builds the page of `bucket` on `day` from every event of that (day, bucket). */
export function buildPage(
  day: Day,
  bucket: string,
  events: StoredEvent[],
  config: DeploymentConfig,
): Page {
  if (bucket === ANONYMOUS) return anonymousPage(day, events, config);
  const local = unlinkedEvents(day, events, false);
  // Group by install without an array per install: a chain of event indexes through `next`.
  const head = new Map<string, number>();
  const next = new Int32Array(events.length).fill(-1);
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i] as StoredEvent;
    if (event.install === null || event.type === 'opt_out') continue;
    const key = installKey(event.install);
    const first = head.get(key);
    if (first !== undefined) next[i] = first;
    head.set(key, i);
  }
  const keys = [...head.keys()].sort();
  // Sized up front (every index is written below); an unsized array gives the same page.
  // Stryker disable next-line ArrayDeclaration: equivalent (above)
  const snaps: number[] = new Array<number>(keys.length);
  // Stryker disable next-line ArrayDeclaration: equivalent (above)
  const cons: number[] = new Array<number>(keys.length);
  const snapshots = new Interned();
  const contribs = new Interned();
  const list: StoredEvent[] = [];
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k] as string;
    list.length = 0;
    for (let i = head.get(key) as number; i !== -1; i = next[i] as number)
      list.push(events[i] as StoredEvent);
    list.sort(byReceipt);
    snaps[k] = snapshots.id(snapshotJsonOf(list, moduleBound(config, key)).json);
    cons[k] = contribs.id(contributionJsonOf(list));
  }
  return {
    day,
    bucket,
    events: events.length,
    keys,
    snaps,
    snapshots: snapshots.list,
    cons,
    contribs: contribs.list,
    cohorts: [],
    format: PAGE_FORMAT,
    local,
  };
}

/** Numbers as stored: base 36, comma-separated. */
function encodeNumbers(numbers: readonly number[]): string {
  return numbers.map((n) => n.toString(36)).join(',');
}

function decodeNumbers(text: string | undefined, into: number[]): void {
  if (text) for (const s of text.split(',')) into.push(Number.parseInt(s, 36));
}

/** The stored documents of a page: one part per KEYS_PER_PART installs (at least one). */
export function encodePage(page: Page, run: string): StoredPage[] {
  const parts = Math.max(1, Math.ceil(page.keys.length / KEYS_PER_PART));
  const stored: StoredPage[] = [];
  for (let part = 0; part < parts; part += 1) {
    const from = part * KEYS_PER_PART;
    const to = Math.min(page.keys.length, from + KEYS_PER_PART);
    stored.push({
      day: page.day,
      bucket: page.bucket,
      part,
      parts,
      run,
      format: page.format,
      events: page.events,
      keys: page.keys.slice(from, to).join(''),
      snaps: encodeNumbers(page.snaps.slice(from, to)),
      cons: encodeNumbers(page.cons.slice(from, to)),
      // The tables, the cohorts and the local tallies ride on the first part only.
      snapshots: part === 0 ? page.snapshots : [],
      contribs: part === 0 ? page.contribs : [],
      cohorts: part === 0 ? encodeNumbers(page.cohorts) : '',
      local: part === 0 ? (page.localJson ?? exactToJson(pageLocal(page))) : '',
    });
  }
  return stored;
}

/**
 * The page stored as `parts` (every part of one day and bucket, any order). Parts of another run
 * (left over when a page shrank) are ignored; a page with a part missing is an error, since
 * computing from it would silently drop installs.
 */
export function decodePage(parts: StoredPage[]): Page {
  const first = parts.find((p) => p.part === 0);
  if (!first) throw new Error(`page ${parts[0]?.day}/${parts[0]?.bucket}: part 0 missing`);
  const own = parts.filter((p) => p.run === first.run).sort((a, b) => a.part - b.part);
  if (own.length !== first.parts)
    throw new Error(`page ${first.day}/${first.bucket}: ${own.length} of ${first.parts} parts`);
  const keys: string[] = [];
  const snaps: number[] = [];
  const cons: number[] = [];
  const cohorts: number[] = [];
  for (const p of own) {
    for (let i = 0; i < p.keys.length; i += PREFIX_LENGTH)
      keys.push(p.keys.slice(i, i + PREFIX_LENGTH));
    decodeNumbers(p.snaps, snaps);
    decodeNumbers(p.cons, cons);
  }
  decodeNumbers(first.cohorts, cohorts);
  return {
    day: first.day,
    bucket: first.bucket,
    events: first.events,
    keys,
    snaps,
    snapshots: first.snapshots,
    cons,
    contribs: first.contribs ?? [],
    cohorts,
    format: first.format ?? 1,
    localJson: first.local,
  };
}

/** The page without the installs in `erased` (keys), keeping its local tallies as they were. */
export function withoutInstalls(page: Page, erased: Set<string>): Page {
  const keys: string[] = [];
  const snaps: number[] = [];
  const cons: number[] = [];
  page.keys.forEach((key, i) => {
    if (erased.has(key)) return;
    keys.push(key);
    snaps.push(page.snaps[i] as number);
    if (page.cons.length > 0) cons.push(page.cons[i] as number);
  });
  return { ...page, keys, snaps, cons };
}

/** Parses a snapshot of a page's table. */
export function parseSnapshot(json: string): InstallSnapshot {
  return JSON.parse(json) as InstallSnapshot;
}

/** What a stored page says of one install: its snapshot and, when the page keeps it, its part. */
export interface FoundInstall {
  snapshot: string;
  contribution?: string;
}

/**
 * The snapshot (and contribution) install `key` had in a stored page (all its parts), or
 * undefined when the page does not hold it: a binary search over the sorted keys, nothing decoded.
 */
export function findInParts(parts: StoredPage[], key: string): FoundInstall | undefined {
  const first = parts.find((p) => p.part === 0);
  if (!first) return undefined;
  for (const part of parts) {
    if (part.run !== first.run) continue;
    let lo = 0;
    let hi = part.keys.length / PREFIX_LENGTH - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = part.keys.slice(mid * PREFIX_LENGTH, (mid + 1) * PREFIX_LENGTH);
      if (at === key) {
        const index = Number.parseInt(part.snaps.split(',')[mid] as string, 36);
        const snapshot = first.snapshots[index] as string;
        // A page of format 1 has neither contributions nor their indexes.
        if (!first.contribs) return { snapshot };
        // A page with contributions has their indexes in every part.
        const c = Number.parseInt((part.cons as string).split(',')[mid] as string, 36);
        return { snapshot, contribution: first.contribs[c] };
      }
      // Stryker disable next-line EqualityOperator: equivalent; `at <= key` differs only when equal, returned above
      if (at < key) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return undefined;
}
