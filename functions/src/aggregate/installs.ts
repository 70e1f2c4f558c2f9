/**
 * Folds one day's events into install records. Each record keeps, per active day, a key to a
 * snapshot of how the install looked, so any past day can be recomputed exactly and in any order.
 */
import { addDays, type Day } from '../../../shared/dates.ts';
import { contentId, stableJson } from '../ingest/pseudonym.ts';
import type { InstallRecord, InstallSnapshot, StoredEvent } from '../store/types.ts';

/** Days of activity a record keeps: the 90-day event retention plus a 28-day window. */
export const ACTIVITY_DAYS = 118;

/** Groups a day's identified events by install pseudonym, in the order they were received. */
export function eventsByInstall(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const grouped = new Map<string, StoredEvent[]>();
  for (const event of events) {
    if (event.install === null || event.type === 'opt_out') continue;
    const list = grouped.get(event.install) ?? [];
    list.push(event);
    grouped.set(event.install, list);
  }
  for (const list of grouped.values())
    list.sort((a, b) => a.receivedAt - b.receivedAt || a.id.localeCompare(b.id));
  return grouped;
}

/** How an install looked on a day: each field as the latest event of the day reported it. */
export function snapshotOf(events: StoredEvent[]): InstallSnapshot {
  const snapshot: InstallSnapshot = {};
  for (const event of events) {
    const p = event.product ?? {};
    const o = event.platform ?? {};
    assignDefined(snapshot, {
      version: p.version,
      channel: p.channel,
      installMethod: p.installMethod,
      os: o.os,
      osVersion: o.osVersion,
      kernel: o.kernel,
      kernelVersion: o.kernelVersion,
      arch: o.arch,
      virtualization: o.virtualization,
      container: o.container,
    });
    if (event.modules && event.modules.length > 0) {
      snapshot.modules = [
        ...new Set(event.modules.map((m) => `${m.name}@${m.version ?? 'unknown'}`)),
      ].sort();
    }
    if (event.attributes) snapshot.attributes = { ...snapshot.attributes, ...event.attributes };
  }
  return JSON.parse(stableJson(snapshot)) as InstallSnapshot;
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
  const key = contentId(stableJson(snapshot)).slice(0, 12);
  const merged: Record<Day, string> = { ...existing?.activity, [day]: key };
  const lastSeen = maxDay(Object.keys(merged));
  const oldest = addDays(lastSeen, -ACTIVITY_DAYS);
  const activity = Object.fromEntries(Object.entries(merged).filter(([d]) => d >= oldest));
  const snapshots: Record<string, InstallSnapshot> = {};
  const kept = new Set(Object.values(activity));
  for (const [k, s] of Object.entries({ ...existing?.snapshots, [key]: snapshot })) {
    if (kept.has(k)) snapshots[k] = s;
  }
  const firstSeen = existing && existing.firstSeen < day ? existing.firstSeen : day;
  return {
    id,
    firstSeen,
    lastSeen,
    activity: sortKeys(activity),
    snapshots: sortKeys(snapshots),
    expireAt: Date.parse(`${addDays(lastSeen, retentionDays)}T00:00:00Z`),
  };
}

/** The snapshot an install had on the latest day it was active on or before `day`. */
export function snapshotAsOf(record: InstallRecord, day: Day): InstallSnapshot | undefined {
  let best: [Day, string] | undefined;
  for (const entry of Object.entries(record.activity)) {
    if (entry[0] <= day && (best === undefined || entry[0] > best[0])) best = entry;
  }
  return best === undefined ? undefined : record.snapshots[best[1]];
}

function maxDay(days: Day[]): Day {
  return days.reduce((a, b) => (b > a ? b : a));
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function assignDefined(
  target: InstallSnapshot,
  values: Partial<Record<keyof InstallSnapshot, string | undefined>>,
): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
