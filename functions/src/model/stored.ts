/**
 * The records homecall stores: events, activity pages, erasures, run plans and partials. The model
 * of the data, imported by the adapters, the ingest pipeline, the store and the aggregation alike;
 * it imports nothing of the app but shared/ and the registry's union of event sources.
 */
import type { Day } from '../../../shared/dates.ts';
import type { ProfileMatch } from '../../../shared/screening.ts';
import type {
  AttributeValue,
  EventType,
  Failure,
  Module,
  Platform,
  Product,
} from '../../../shared/schema/event.ts';
// Type-only: the union of sources is derived from the wire formats' entries (formats/registry.ts).
import type { EventSource } from '../formats/registry.ts';

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
  /** The event carried a valid proof of work for its install id (canonical API only). */
  proof?: true;
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
  /** Page format (aggregate/page.ts PAGE_FORMAT); absent on pages from before format 2. */
  format?: number;
  /** Events of the (day, bucket) the page was built from. */
  events: number;
  /** Install keys (the first 16 hex digits of each pseudonym), concatenated, sorted. */
  keys: string;
  /** Per key, its snapshot index in base 36, comma-separated. */
  snaps: string;
  /** Per key, its contribution index in base 36, comma-separated (format 2). */
  cons?: string;
  /** Distinct snapshots as canonical JSON (part 0 only). */
  snapshots: string[];
  /** Distinct contributions as canonical JSON (part 0 only; format 2). */
  contribs?: string[];
  /** Cohorts of reports without identity: snapshot, contribution, reports, base 36 (format 2). */
  cohorts?: string;
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

/**
 * A maintainer's exclusion of a flagged cohort from publication (`quarantines/{id}`): the day
 * and profile named, and how many installs its recorded cohort holds.
 */
export interface Quarantine {
  /** `q-` and the time it was recorded, sortable. */
  id: string;
  day: Day;
  profile: ProfileMatch;
  createdAt: number;
  /** When it was released (then it holds nothing out), or null while active. */
  releasedAt: number | null;
  /** Installs of the cohort (new or newly established on the day, with the profile). */
  installs: number;
}

/** One stored part of a quarantined cohort's keys (`quarantineKeys/{id}_{part}`). */
export interface QuarantineKeys {
  quarantine: string;
  part: number;
  /** Install keys (16 hex digits each), concatenated, sorted. */
  keys: string;
}
