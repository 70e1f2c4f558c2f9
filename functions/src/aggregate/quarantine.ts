/**
 * Quarantines: a maintainer's exclusion of a flagged cohort from publication
 * (`npm run quarantine`). A quarantine names a day and a profile; the installs of that profile
 * that were new or became established on the day are recorded by their keys (the same 64-bit
 * prefixes activity pages hold) and held out of every day from then on, and reports without
 * identity matching the profile are held out from the day on. Released quarantines stay
 * recorded and hold nothing.
 */
import type { Day } from '../../../shared/dates.ts';
import { matchesProfile, type ProfileMatch } from '../../../shared/screening.ts';
import type { InstallSnapshot, Quarantine, QuarantineKeys } from '../model/stored.ts';
import type { Store } from '../store/types.ts';
import { PREFIX_LENGTH } from '../model/buckets.ts';

/** Keys per stored part of a quarantine's cohort (16 hex digits each: 480 KB a part). */
export const QUARANTINE_KEYS_PER_PART = 30_000;

/** What the aggregation needs of the active quarantines. */
export interface QuarantineIndex {
  /** Install key → the first day it is held out. */
  keys: Map<string, Day>;
  /** Profiles of reports without identity held out from a day on. */
  profiles: { day: Day; profile: ProfileMatch }[];
}

/** An index that holds nothing out. */
export function emptyQuarantineIndex(): QuarantineIndex {
  return { keys: new Map(), profiles: [] };
}

/** The index of the active quarantines in the store, and the documents read for it. */
export async function loadQuarantineIndex(
  store: Store,
): Promise<{ index: QuarantineIndex; read: number }> {
  const index = emptyQuarantineIndex();
  const all = await store.readQuarantines();
  let read = Math.max(1, all.length);
  for (const q of all) {
    if (q.releasedAt !== null) continue;
    index.profiles.push({ day: q.day, profile: q.profile });
    if (q.installs === 0) continue;
    const parts = await store.readQuarantineKeys(q.id);
    read += Math.max(1, parts.length);
    for (const part of parts) {
      for (let i = 0; i < part.keys.length; i += PREFIX_LENGTH) {
        const key = part.keys.slice(i, i + PREFIX_LENGTH);
        const from = index.keys.get(key);
        if (from === undefined || q.day < from) index.keys.set(key, q.day);
      }
    }
  }
  return { index, read };
}

/** Whether a report without identity, looking like `snapshot` on `day`, is held out. */
export function quarantinedReport(
  index: QuarantineIndex | undefined,
  snapshot: InstallSnapshot,
  day: Day,
): boolean {
  return (index?.profiles ?? []).some((q) => day >= q.day && matchesProfile(snapshot, q.profile));
}

/** The stored parts of a cohort's keys (sorted, deduplicated). */
export function encodeQuarantineKeys(id: string, keys: Iterable<string>): QuarantineKeys[] {
  const sorted = [...new Set(keys)].sort();
  const parts: QuarantineKeys[] = [];
  for (let from = 0; from < sorted.length; from += QUARANTINE_KEYS_PER_PART)
    parts.push({
      quarantine: id,
      part: parts.length,
      keys: sorted.slice(from, from + QUARANTINE_KEYS_PER_PART).join(''),
    });
  return parts;
}

/** A quarantine as one line: `q-… 2026-11-20 version=1.6.0,os=debian (512 installs) active`. */
export function describeQuarantine(q: Quarantine, format: (p: ProfileMatch) => string): string {
  const state =
    q.releasedAt === null ? 'active' : `released ${new Date(q.releasedAt).toISOString()}`;
  return `${q.id}  ${q.day}  ${format(q.profile)}  (${q.installs} installs)  ${state}`;
}
