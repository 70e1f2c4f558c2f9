/**
 * Folds one day's events into install records. Each record keeps, per active day, a key to a
 * snapshot of how the install looked, so any past day can be recomputed exactly and in any order.
 */
import { addDays, DAY_MS, startOfDay, type Day } from '../../../shared/dates.ts';
import { contentId, stableJson } from '../ingest/pseudonym.ts';
import type { InstallRecord, InstallSnapshot, StoredEvent } from '../store/types.ts';

/** Days of activity a record keeps: the 90-day event retention plus a 28-day window. */
export const ACTIVITY_DAYS = 118;

/** Groups a day's identified events by install pseudonym, in the order they were received. */
export function eventsByInstall(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const grouped = new Map<string, StoredEvent[]>();
  for (const event of events) {
    if (event.install === null || event.type === 'opt_out') continue;
    const list = grouped.get(event.install);
    if (list) list.push(event);
    else grouped.set(event.install, [event]);
  }
  for (const list of grouped.values()) if (list.length > 1) list.sort(byReceipt);
  return grouped;
}

/** Receipt order; ids (hex digests) break ties so the order never depends on the read order. */
function byReceipt(a: StoredEvent, b: StoredEvent): number {
  return a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const PRODUCT_FIELDS = ['version', 'channel', 'installMethod'] as const;
const PLATFORM_FIELDS = [
  'os',
  'osVersion',
  'kernel',
  'kernelVersion',
  'arch',
  'virtualization',
  'container',
] as const;

/** Every snapshot field, in the order of their names: JSON.stringify then writes sorted keys. */
const SNAPSHOT_KEYS = [...PRODUCT_FIELDS, ...PLATFORM_FIELDS, 'modules', 'attributes'].sort() as (
  (typeof PRODUCT_FIELDS)[number] | (typeof PLATFORM_FIELDS)[number] | 'modules' | 'attributes'
)[];

/** How an install looked on a day: each field as the latest event of the day reported it. */
export function snapshotOf(events: StoredEvent[]): InstallSnapshot {
  const latest: InstallSnapshot = {};
  // Modules are replaced as a whole by each event that lists any: only the last list counts.
  let modules: StoredEvent['modules'];
  for (const event of events) {
    const { product, platform } = event;
    if (product)
      for (const field of PRODUCT_FIELDS) {
        const value = product[field];
        if (value !== undefined) latest[field] = value;
      }
    if (platform)
      for (const field of PLATFORM_FIELDS) {
        const value = platform[field];
        if (value !== undefined) latest[field] = value;
      }
    if (event.modules && event.modules.length > 0) modules = event.modules;
    if (event.attributes) latest.attributes = { ...latest.attributes, ...event.attributes };
  }
  if (modules)
    latest.modules = [...new Set(modules.map((m) => `${m.name}@${m.version ?? 'unknown'}`))].sort();
  // The same fields again, with keys (and attribute names) in sorted order.
  const snapshot: Record<string, unknown> = {};
  for (const key of SNAPSHOT_KEYS) {
    const value = latest[key];
    if (value === undefined) continue;
    if (key !== 'attributes') snapshot[key] = value;
    else {
      const attributes = value as Record<string, unknown>;
      const sorted: Record<string, unknown> = {};
      for (const name of Object.keys(attributes).sort()) sorted[name] = attributes[name];
      snapshot[key] = sorted;
    }
  }
  return snapshot as InstallSnapshot;
}

/**
 * The canonical, hashable JSON of a snapshot from snapshotOf: what stableJson would write, without
 * its per-object sorting, since snapshotOf already sorted every key. Attribute values are
 * primitives by the event schema; anything else goes through stableJson.
 */
function snapshotJson(snapshot: InstallSnapshot): string {
  const attributes = snapshot.attributes ? Object.values(snapshot.attributes) : [];
  return attributes.every((v) => v === null || typeof v !== 'object')
    ? JSON.stringify(snapshot)
    : stableJson(snapshot);
}

/** The record of one install after adding its activity on `day`. */
export function recordDay(
  existing: InstallRecord | undefined,
  id: string,
  day: Day,
  events: StoredEvent[],
  retentionDays: number,
): InstallRecord {
  const snapshot = snapshotOf(events);
  const key = contentId(snapshotJson(snapshot)).slice(0, 12);
  if (existing === undefined) {
    // A new install: nothing to merge or trim.
    return {
      id,
      firstSeen: day,
      lastSeen: day,
      activity: { [day]: key },
      snapshots: { [key]: snapshot },
      expireAt: startOfDay(day) + retentionDays * DAY_MS,
    };
  }
  const days = Object.keys(existing.activity);
  if (existing.activity[day] === undefined) days.push(day);
  let lastSeen = day;
  for (const d of days) if (d > lastSeen) lastSeen = d;
  const oldest = addDays(lastSeen, -ACTIVITY_DAYS);
  const activity: Record<Day, string> = {};
  const kept = new Set<string>();
  for (const d of days.filter((d) => d >= oldest).sort()) {
    const k = d === day ? key : (existing.activity[d] ?? key);
    activity[d] = k;
    kept.add(k);
  }
  const snapshots: Record<string, InstallSnapshot> = {};
  for (const k of [...kept].sort()) {
    const s = k === key ? snapshot : existing.snapshots[k];
    if (s !== undefined) snapshots[k] = s;
  }
  return {
    id,
    firstSeen: existing.firstSeen < day ? existing.firstSeen : day,
    lastSeen,
    activity,
    snapshots,
    expireAt: startOfDay(lastSeen) + retentionDays * DAY_MS,
  };
}

/** Whether `updated` (from recordDay) holds exactly what `existing` held: nothing to write. */
export function sameRecord(existing: InstallRecord, updated: InstallRecord): boolean {
  if (
    existing.firstSeen !== updated.firstSeen ||
    existing.lastSeen !== updated.lastSeen ||
    existing.expireAt !== updated.expireAt
  )
    return false;
  const days = Object.keys(updated.activity);
  if (days.length !== Object.keys(existing.activity).length) return false;
  if (days.some((d) => existing.activity[d] !== updated.activity[d])) return false;
  // Snapshot keys are digests of their content: the same key is the same snapshot.
  const keys = Object.keys(updated.snapshots);
  return (
    keys.length === Object.keys(existing.snapshots).length &&
    keys.every((k) => Object.hasOwn(existing.snapshots, k))
  );
}

/** The snapshot an install had on the latest day it was active on or before `day`. */
export function snapshotAsOf(record: InstallRecord, day: Day): InstallSnapshot | undefined {
  const latest = lastActiveOnOrBefore(record, day);
  return latest === undefined ? undefined : record.snapshots[record.activity[latest] ?? ''];
}

/** The latest day on or before `day` the install was active, if any. */
export function lastActiveOnOrBefore(record: InstallRecord, day: Day): Day | undefined {
  let latest: Day | undefined;
  for (const d in record.activity) if (d <= day && (latest === undefined || d > latest)) latest = d;
  return latest;
}
