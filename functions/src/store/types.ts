/** What homecall stores, and the store interface every backend implements. */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import type {
  AttributeValue,
  EventType,
  Failure,
  Module,
  Platform,
  Product,
} from '../../../shared/schema/event.ts';

/** Where an event came in. */
export type EventSource = 'v1' | 'netdata' | 'librenms' | 'cleaninsights';

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

/** One `installs/{pseudonym}` document, maintained by the daily aggregation. */
export interface InstallRecord {
  /** The HMAC pseudonym; never the raw install id. */
  id: string;
  firstSeen: Day;
  lastSeen: Day;
  /** Day → key into `snapshots` of how the install looked that day (recent days only). */
  activity: Record<Day, string>;
  snapshots: Record<string, InstallSnapshot>;
  /** Epoch milliseconds after which retention deletes the record. */
  expireAt: number;
}

/** Outcome of saving a batch of events. */
export interface SaveResult {
  created: number;
  duplicates: number;
}

/** What an erase or purge removed. */
export interface DeleteResult {
  events: number;
  installs: number;
}

/** The persistence homecall needs; Firestore in production, memory in unit tests. */
export interface Store {
  /** Creates each event unless a document with its id exists already (a retry). */
  saveEvents(events: StoredEvent[]): Promise<SaveResult>;
  /** Every stored event whose `day` is `day`. */
  readDayEvents(day: Day): Promise<StoredEvent[]>;
  /** The install records with these ids that exist. */
  readInstalls(ids: string[]): Promise<Map<string, InstallRecord>>;
  /** Every install record last seen on or after `day`. */
  readInstallsSeenSince(day: Day): Promise<InstallRecord[]>;
  /** Creates or replaces these install records. */
  writeInstalls(installs: InstallRecord[]): Promise<void>;
  /** Creates or replaces these day aggregates. */
  writeDays(days: DayAggregate[]): Promise<void>;
  /** The stored aggregates from `from` to `to` (both included), ordered by day. */
  readDays(from: Day, to: Day): Promise<DayAggregate[]>;
  /** Deletes every event and the record of one install. Idempotent. */
  eraseInstall(install: string): Promise<DeleteResult>;
  /** Deletes events of days before `eventsBefore` and installs last seen before `installsBefore`. */
  purgeExpired(eventsBefore: Day, installsBefore: Day): Promise<DeleteResult>;
}
