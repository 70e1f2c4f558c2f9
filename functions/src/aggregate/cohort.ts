/**
 * Recording and releasing quarantines (`npm run quarantine`): finding a flagged cohort in the
 * activity pages and storing it. A day is published once, when final, and never again, so a
 * quarantine changes only days not yet published: the aggregation applies it when it publishes
 * them. A day already published is refused (publishedDay), and nothing is recorded.
 */
import { addDays, type Day } from '../../../shared/dates.ts';
import { matchesProfile, type ProfileMatch } from '../../../shared/screening.ts';
import type { Quarantine, StoredPage } from '../model/stored.ts';
import { ANONYMOUS, BUCKETS, bucketId } from '../model/buckets.ts';
import { bucketHistory, olderLookup, WINDOW_DAYS } from './history.ts';
import { decodePage, parseSnapshot, type Page } from './page.ts';
import type { AggregationDependencies } from './plan.ts';
import { encodeQuarantineKeys } from './quarantine.ts';

/** Buckets whose pages are read at the same time while a cohort is searched. */
const READ_AHEAD = 4;

/** A cohort: the installs new or newly established on a day with a profile, and its reports. */
export interface Cohort {
  day: Day;
  profile: ProfileMatch;
  /** Keys of the installs, sorted. */
  keys: string[];
  /** Reports without identity on the day that match the profile. */
  reports: number;
  /** Documents read to find it. */
  read: number;
}

/**
 * The cohort of `day` and `profile`: the installs that were new on the day or became established
 * on it, whose snapshot on the day matches the profile, found bucket by bucket in the pages of
 * the install memory; and the reports without identity of the day that match it.
 */
export async function findCohort(
  deps: Pick<AggregationDependencies, 'store' | 'config'>,
  day: Day,
  profile: ProfileMatch,
  onProgress?: (done: number, total: number) => void,
): Promise<Cohort> {
  const { store, config } = deps;
  const from = addDays(day, -config.installRetentionDays);
  const decodeFrom = addDays(day, -WINDOW_DAYS);
  const keys = new Set<string>();
  let read = 0;
  const reads = new Map<number, Promise<StoredPage[]>>();
  const partsOf = (b: number) => {
    for (let k = b; k < Math.min(BUCKETS, b + READ_AHEAD); k += 1)
      if (!reads.has(k)) reads.set(k, store.readPages(bucketId(k), from, day));
    const found = reads.get(b) as Promise<StoredPage[]>;
    reads.delete(b);
    return found;
  };
  for (let b = 0; b < BUCKETS; b += 1) {
    const stored = await partsOf(b);
    read += stored.length;
    const byDay = new Map<Day, StoredPage[]>();
    for (const part of stored) byDay.set(part.day, [...(byDay.get(part.day) ?? []), part]);
    onProgress?.(b + 1, BUCKETS + 1);
    if (!byDay.has(day)) continue;
    const pages = new Map<Day, Page>();
    const older = new Map<Day, StoredPage[]>();
    for (const [d, parts] of byDay) {
      if (d >= decodeFrom) pages.set(d, decodePage(parts));
      else older.set(d, parts);
    }
    bucketHistory(pages, [day], config, olderLookup(older), {
      collect: (_day, key, snapshot) => {
        if (matchesProfile(parseSnapshot(snapshot), profile)) keys.add(key);
      },
    });
  }
  let reports = 0;
  const anonymous = await store.readPages(ANONYMOUS, day, day);
  read += Math.max(1, anonymous.length);
  if (anonymous.length > 0) {
    const page = decodePage(anonymous);
    for (let i = 0; i + 2 < page.cohorts.length; i += 3) {
      const snapshot = parseSnapshot(page.snapshots[page.cohorts[i] as number] as string);
      if (matchesProfile(snapshot, profile)) reports += page.cohorts[i + 2] as number;
    }
  }
  onProgress?.(BUCKETS + 1, BUCKETS + 1);
  return { day, profile, keys: [...keys].sort(), reports, read };
}

/** A new quarantine id: sortable by the time it was recorded. */
function quarantineId(now: number): string {
  return `q-${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
}

/** Stores a quarantine of `cohort` (its keys first), active from now. */
export async function recordQuarantine(
  deps: Pick<AggregationDependencies, 'store' | 'clock'>,
  cohort: Cohort,
): Promise<Quarantine> {
  const now = deps.clock();
  const quarantine: Quarantine = {
    id: quarantineId(now),
    day: cohort.day,
    profile: cohort.profile,
    createdAt: now,
    releasedAt: null,
    installs: cohort.keys.length,
  };
  await deps.store.writeQuarantine(quarantine, encodeQuarantineKeys(quarantine.id, cohort.keys));
  return quarantine;
}

/** Releases quarantine `id` (it stays recorded); undefined when there is none by that id. */
export async function releaseQuarantine(
  deps: Pick<AggregationDependencies, 'store' | 'clock'>,
  id: string,
): Promise<Quarantine | undefined> {
  const found = (await deps.store.readQuarantines()).find((q) => q.id === id);
  if (!found) return undefined;
  if (found.releasedAt !== null) return found;
  const released = { ...found, releasedAt: deps.clock() };
  await deps.store.writeQuarantine(released);
  return released;
}

/**
 * Whether `day` is published: its figures are final and stay as published (a published day is
 * never republished: every version would spend the day's privacy budget again, and two versions
 * would speak about their difference), so a quarantine can no longer change it.
 */
export async function publishedDay(
  deps: Pick<AggregationDependencies, 'store'>,
  day: Day,
): Promise<boolean> {
  const [stored] = await deps.store.readDays(day, day, ['privacy']);
  return stored !== undefined;
}
