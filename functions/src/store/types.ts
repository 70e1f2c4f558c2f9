/** What homecall stores, and the store interface every backend implements. */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import type { DayField, DayProjection } from '../../../shared/days-query.ts';
import type {
  AttributeValue,
  EventType,
  Failure,
  Module,
  Platform,
  Product,
} from '../../../shared/schema/event.ts';
import type { EventSource } from '../formats/registry.ts';

/** Where an event came in: derived from the wire formats' registry. */
export type { EventSource } from '../formats/registry.ts';

/** Hardware facts LibreNMS reports per device model, kept scrubbed for maintainers. */
export interface DeviceInfo {
  count: number;
  os?: string;
  sysDescr?: string;
  sysObjectID?: string;
}

/** A scrubbed, pseudonymised event: one `events/{id}` document. */
export interface StoredEvent {
  /** Deterministic document id, so a retried event is stored once. */
  id: string;
  /** HMAC pseudonym of the install, or null when the install has no identity (or opted out). */
  install: string | null;
  day: Day;
  type: EventType;
  source: EventSource;
  /** Epoch milliseconds when the server accepted it. */
  receivedAt: number;
  /** Epoch milliseconds after which retention deletes it. */
  expireAt: number;
  product?: Product;
  platform?: Platform;
  modules?: Module[];
  failure?: Failure;
  counters?: Record<string, number>;
  attributes?: Record<string, AttributeValue>;
  /** The client's own name of an action homecall has no type for (kept as a `report`). */
  action?: string;
  devices?: DeviceInfo[];
}

/** What an install looked like on a day it was active. */
export interface InstallSnapshot {
  version?: string;
  channel?: string;
  installMethod?: string;
  os?: string;
  osVersion?: string;
  kernel?: string;
  kernelVersion?: string;
  arch?: string;
  virtualization?: string;
  container?: string;
  /** `name@version` of each enabled module, sorted. */
  modules?: string[];
  attributes?: Record<string, AttributeValue>;
}

/**
 * One stored part of an activity page (`pages/{day}_{bucket}_{part}`): the installs of a bucket
 * active on a day. Large pages are split into parts; the snapshot table and the local tallies ride
 * on part 0. Every field but `day` and `bucket` is exempt from indexing.
 */
export interface StoredPage {
  day: Day;
  /** Two hex digits of the pseudonym, or `anon` for reports without identity. */
  bucket: string;
  part: number;
  parts: number;
  /** The run that wrote the page: parts of another run are left-overs of a larger page. */
  run: string;
  /** Events of the (day, bucket) the page was built from. */
  events: number;
  /** Install keys (the first 16 hex digits of each pseudonym), concatenated, sorted. */
  keys: string;
  /** Per key, its snapshot index in base 36, comma-separated. */
  snaps: string;
  /** Distinct snapshots as canonical JSON (part 0 only). */
  snapshots: string[];
  /** The page's local exact tallies as JSON (part 0 only). */
  local: string;
}

/** An erased install (`erasures/{pseudonym}`) that the next aggregation run still has to apply. */
export interface Erasure {
  install: string;
  /** Days whose pages held the install when it was erased. */
  days: Day[];
  erasedAt: number;
}

/** The plan of one aggregation run (`runs/{id}`): what every shard and merge task reads. */
export interface RunPlan {
  /** Sortable: the time the run was planned, then a random suffix. */
  id: string;
  createdAt: number;
  /** The day the run counts as today (finality). */
  today: Day;
  /** Days the run publishes, in order. */
  days: Day[];
  /** Days whose pages are all rebuilt from events (a forced recompute). */
  rebuild: Day[];
  /** Days whose event count changed since they were last published: their buckets are checked. */
  changed: Day[];
  shards: number;
  /** Erasures the run applies to the pages (and then deletes). */
  erasures: Erasure[];
}

/** One shard's exact tallies of one day (`partials/{run}_{day}_{shard}`). */
export interface StoredPartial {
  run: string;
  day: Day;
  shard: number;
  /** ExactDay as JSON (aggregate/exact.ts). */
  exact: string;
  documentsRead: number;
  documentsWritten: number;
}

/** The id of a partial. */
export function partialId(run: string, day: Day, shard: number): string {
  return `${run}_${day}_${shard}`;
}

/** Which events a count or read covers: a range of pseudonyms, or those without identity. */
export type EventRange = { lo: string; hi: string } | 'anonymous';

/** Outcome of saving a batch of events. */
export interface SaveResult {
  created: number;
  duplicates: number;
}

/** What an erase removed: events, and 1 when the install's activity was known (0 on a repeat). */
export interface DeleteResult {
  events: number;
  installs: number;
}

/** What a purge removed. */
export interface PurgeResult {
  events: number;
  pages: number;
}

/** The persistence homecall needs; Firestore in production, memory in unit tests. */
export interface Store {
  /** Creates each event unless a document with its id exists already (a retry). */
  saveEvents(events: StoredEvent[]): Promise<SaveResult>;
  /** Every stored event whose `day` is `day`. */
  readDayEvents(day: Day): Promise<StoredEvent[]>;
  /** How many events of `day` fall in `range` (an aggregation count, not a read of each). */
  countEvents(day: Day, range?: EventRange): Promise<number>;
  /** Every event of `day` in `range`. */
  readRangeEvents(day: Day, range: EventRange): Promise<StoredEvent[]>;
  /** Every stored page part of `bucket` from `from` to `to` (both included). */
  readPages(bucket: string, from: Day, to: Day): Promise<StoredPage[]>;
  /** Creates or replaces these page parts. */
  writePages(pages: StoredPage[]): Promise<void>;
  /** Erasures not yet applied by an aggregation run. */
  readErasures(): Promise<Erasure[]>;
  /** Deletes the erasures of these installs (applied). */
  deleteErasures(installs: string[]): Promise<void>;
  /** Stores a run plan. */
  writeRun(run: RunPlan): Promise<void>;
  /** The plan of run `id`, if stored. */
  readRun(id: string): Promise<RunPlan | undefined>;
  /** Creates or replaces these partials. */
  writePartials(partials: StoredPartial[]): Promise<void>;
  /** The partials with these ids that exist. */
  readPartials(ids: string[]): Promise<StoredPartial[]>;
  /** Deletes the plans and partials of runs before `run` (their days are published). */
  deleteRunsBefore(run: string): Promise<number>;
  /** Creates or replaces these day aggregates. */
  writeDays(days: DayAggregate[]): Promise<void>;
  /** The stored aggregates from `from` to `to` (both included), ordered by day. */
  readDays(from: Day, to: Day): Promise<DayAggregate[]>;
  /**
   * The same days with only `day`, `final` and the fields asked for (`projectDay`); all of each
   * day when `fields` is undefined. FirestoreStore reads one document per calendar month of the
   * range for it (see `firestore-months.ts`), however many days the range has.
   */
  readDays(from: Day, to: Day, fields: readonly DayField[] | undefined): Promise<DayProjection[]>;
  /**
   * Deletes every event of one install, takes it out of every activity page, and records an
   * erasure so the next aggregation run recomputes the days it was in. Idempotent.
   */
  eraseInstall(install: string): Promise<DeleteResult>;
  /** Deletes events of days before `eventsBefore` and pages of days before `pagesBefore`. */
  purgeExpired(eventsBefore: Day, pagesBefore: Day): Promise<PurgeResult>;
}
