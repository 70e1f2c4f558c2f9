/**
 * Activity pages: for one day and one bucket of the pseudonym space, the installs active that day
 * (the first 64 bits of each pseudonym) with a key into the page's table of snapshots, and the
 * exact tallies that only that day's events decide (events by type, crashes, failures, counters).
 * A page is everything aggregation keeps from a (day, bucket) of events: later days read pages,
 * never old events, and a page is rebuilt only when its events changed.
 */
import { UNKNOWN } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { Day } from '../../../shared/dates.ts';
import type { EventType } from '../../../shared/schema/event.ts';
import type { InstallSnapshot, StoredEvent, StoredPage } from '../model/stored.ts';
import { ANONYMOUS, installKey, PREFIX_LENGTH } from '../model/buckets.ts';
import {
  boundValues,
  clipCounters,
  clipEventCounts,
  clipSignatureEvents,
} from '../privacy/publication/clip.ts';
import { splitCounterKey } from './counters.ts';
import { addHalves, halvesOf, tally } from './digest.ts';
import {
  counterTallies,
  emptyExact,
  entry,
  exactFromJson,
  exactToJson,
  versionTallies,
  type ExactDay,
} from './exact.ts';
import { failureSignature } from './reliability.ts';
import { byReceipt, snapshotJsonOf, snapshotOf } from './snapshot.ts';
import { forEachBreakdownValue, publishedAttributes } from './breakdowns.ts';

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
  /** Tallies decided by the day's events alone (parsed from `localJson` when first asked for). */
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

/** Installs per stored part: keeps a part well under Firestore's 1 MiB document limit. */
export const KEYS_PER_PART = 30_000;

const CRASH_TYPES = new Set(['crash', 'fatal']);

/**
 * Adds what one reporter's events of the day say to the day's local tallies, within the
 * contribution bounds of `config.privacy` (functions/src/privacy/publication/clip.ts): at most
 * `eventClip` events of all types, at most `valuesPerInstall` failure signatures and install
 * failure codes, at most `counterValuesPerInstall` counter values each clipped at `counterClip`.
 * The publication's noise is calibrated to these bounds. `salt` (the install's key, or the event
 * id of a report without identity) picks which values are kept when there are more.
 */
function addReporter(
  local: ExactDay,
  hi: number,
  lo: number,
  salt: string,
  version: string,
  events: StoredEvent[],
  config: DeploymentConfig,
): void {
  const { eventClip, valuesPerInstall, counterClip, counterValuesPerInstall } = config.privacy;
  const byType: Partial<Record<EventType, number>> = {};
  let crashed = false;
  let bySignature: Record<string, number> | undefined;
  let codes: string[] | undefined;
  let counters: StoredEvent['counters'];
  for (const event of events) {
    byType[event.type] = (byType[event.type] ?? 0) + 1;
    if (CRASH_TYPES.has(event.type)) {
      crashed = true;
      const signature = failureSignature(event.failure);
      (bySignature ??= {})[signature] = (bySignature[signature] ?? 0) + 1;
    } else if (event.type === 'install_failed') {
      (codes ??= []).push(event.failure?.code ?? UNKNOWN);
    }
    // Events come in receipt order: the last report with counters is the install's latest.
    if (event.counters) counters = event.counters;
  }
  const clipped = clipEventCounts(byType, eventClip);
  for (const [type, n] of Object.entries(clipped) as [EventType, number][])
    if (n > 0) local.events.set(type, (local.events.get(type) ?? 0) + n);
  const v = entry(local.versions, version, versionTallies);
  addHalves(v.active, hi, lo);
  v.crashEvents += clipped.crash ?? 0;
  v.fatalEvents += clipped.fatal ?? 0;
  if (crashed) addHalves(v.crashed, hi, lo);
  if (bySignature) {
    const bound = (clipped.crash ?? 0) + (clipped.fatal ?? 0);
    const kept = clipSignatureEvents(bySignature, bound, valuesPerInstall, salt);
    for (const [signature, n] of Object.entries(kept)) {
      const target = entry(local.signatures, signature, () => ({ installs: tally(), events: 0 }));
      addHalves(target.installs, hi, lo);
      target.events += n;
    }
  }
  for (const code of boundValues(codes ?? [], valuesPerInstall, salt))
    addHalves(entry(local.installFailures, code, tally), hi, lo);
  if (counters) {
    const seen = new Set<string>();
    const bounded = clipCounters(counters, counterClip, counterValuesPerInstall, salt);
    for (const [key, count] of Object.entries(bounded)) {
      const [groupName, value] = splitCounterKey(key);
      const group = entry(local.counters, groupName, counterTallies);
      if (!seen.has(groupName)) {
        seen.add(groupName);
        addHalves(group.installs, hi, lo);
      }
      const t = entry(group.values, value, () => ({ installs: tally(), sum: 0 }));
      addHalves(t.installs, hi, lo);
      t.sum += count;
    }
  }
}

/** The page of reports without identity: each report is one install on its own day only. */
function anonymousPage(day: Day, events: StoredEvent[], config: DeploymentConfig): Page {
  const local = emptyExact(day);
  const attributes = publishedAttributes(config);
  for (const event of events) {
    // Each report is its own unit: its one event is within any bound.
    if (event.type === 'opt_out') {
      local.events.set(event.type, (local.events.get(event.type) ?? 0) + 1);
      continue;
    }
    const [hi, lo] = halvesOf(event.id);
    addHalves(local.d1, hi, lo);
    addHalves(local.d7, hi, lo);
    addHalves(local.d28, hi, lo);
    if (event.type === 'install') addHalves(local.newInstalls, hi, lo);
    const snapshot = snapshotOf([event], moduleBound(config, event.id));
    forEachBreakdownValue(snapshot, attributes, (name, value) =>
      addHalves(
        entry(
          entry(local.breakdowns, name, () => new Map()),
          value,
          tally,
        ),
        hi,
        lo,
      ),
    );
    addReporter(local, hi, lo, event.id, event.product?.version ?? UNKNOWN, [event], config);
  }
  return {
    day,
    bucket: ANONYMOUS,
    events: events.length,
    keys: [],
    snaps: [],
    snapshots: [],
    local,
  };
}

/** An install's modules, at most `valuesPerInstall` of them, picked by its own salt. */
function moduleBound(config: DeploymentConfig, salt: string): (modules: string[]) => string[] {
  const limit = config.privacy.valuesPerInstall;
  return (modules) => (modules.length > limit ? boundValues(modules, limit, salt) : modules);
}

/** Builds the page of `bucket` on `day` from every event of that (day, bucket). */
export function buildPage(
  day: Day,
  bucket: string,
  events: StoredEvent[],
  config: DeploymentConfig,
): Page {
  if (bucket === ANONYMOUS) return anonymousPage(day, events, config);
  const local = emptyExact(day);
  // Group by install without an array per install: a chain of event indexes through `next`.
  const head = new Map<string, number>();
  const next = new Int32Array(events.length).fill(-1);
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i] as StoredEvent;
    // Opt-outs are stored unlinked: each is a unit of its own, with its one event.
    if (event.install === null || event.type === 'opt_out') {
      local.events.set(event.type, (local.events.get(event.type) ?? 0) + 1);
      continue;
    }
    const key = installKey(event.install);
    const first = head.get(key);
    if (first !== undefined) next[i] = first;
    head.set(key, i);
  }
  const keys = [...head.keys()].sort();
  const snaps: number[] = new Array<number>(keys.length);
  const snapshots: string[] = [];
  const snapshotIndex = new Map<string, number>();
  const versions: (string | undefined)[] = [];
  const list: StoredEvent[] = [];
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k] as string;
    list.length = 0;
    for (let i = head.get(key) as number; i !== -1; i = next[i] as number)
      list.push(events[i] as StoredEvent);
    if (list.length > 1) list.sort(byReceipt);
    const { json, version } = snapshotJsonOf(list, moduleBound(config, key));
    let index = snapshotIndex.get(json);
    if (index === undefined) {
      index = snapshots.length;
      snapshotIndex.set(json, index);
      snapshots.push(json);
      versions.push(version);
    }
    snaps[k] = index;
    const [hi, lo] = halvesOf(key);
    addReporter(local, hi, lo, key, versions[index] ?? UNKNOWN, list, config);
  }
  return { day, bucket, events: events.length, keys, snaps, snapshots, local };
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
      events: page.events,
      keys: page.keys.slice(from, to).join(''),
      snaps: page.snaps
        .slice(from, to)
        .map((n) => n.toString(36))
        .join(','),
      // The snapshot table and the local tallies ride on the first part only.
      snapshots: part === 0 ? page.snapshots : [],
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
  for (const p of own) {
    for (let i = 0; i < p.keys.length; i += PREFIX_LENGTH)
      keys.push(p.keys.slice(i, i + PREFIX_LENGTH));
    if (p.snaps) for (const s of p.snaps.split(',')) snaps.push(Number.parseInt(s, 36));
  }
  return {
    day: first.day,
    bucket: first.bucket,
    events: first.events,
    keys,
    snaps,
    snapshots: first.snapshots,
    localJson: first.local,
  };
}

/** The page without the installs in `erased` (keys), keeping its local tallies as they were. */
export function withoutInstalls(page: Page, erased: Set<string>): Page {
  const keys: string[] = [];
  const snaps: number[] = [];
  page.keys.forEach((key, i) => {
    if (erased.has(key)) return;
    keys.push(key);
    snaps.push(page.snaps[i] as number);
  });
  return { ...page, keys, snaps };
}

/** Parses a snapshot of a page's table. */
export function parseSnapshot(json: string): InstallSnapshot {
  return JSON.parse(json) as InstallSnapshot;
}

/**
 * The snapshot install `key` had in a stored page (all its parts), or undefined when the page
 * does not hold it: a binary search over the sorted keys, nothing decoded.
 */
export function findInParts(parts: StoredPage[], key: string): string | undefined {
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
        return first.snapshots[index];
      }
      if (at < key) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return undefined;
}
