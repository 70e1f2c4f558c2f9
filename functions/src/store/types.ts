/** The store interface every backend implements (the records it holds are in model/stored.ts). */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import type { DayField, DayProjection } from '../../../shared/days-query.ts';
import type {
  Erasure,
  Quarantine,
  QuarantineKeys,
  RunPlan,
  StoredEvent,
  StoredPage,
  StoredPartial,
} from '../model/stored.ts';

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
  /** Creates or replaces a quarantine, and (when given) its cohort's key parts. */
  writeQuarantine(quarantine: Quarantine, keys?: QuarantineKeys[]): Promise<void>;
  /** Every quarantine, active or released, oldest first. */
  readQuarantines(): Promise<Quarantine[]>;
  /** The key parts of quarantine `id`. */
  readQuarantineKeys(id: string): Promise<QuarantineKeys[]>;
}
