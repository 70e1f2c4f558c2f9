/**
 * How an install looked on a day, from its events of that day. Activity pages keep one snapshot
 * per install and day, so any past day can be recomputed exactly and in any order.
 */
import { stableJson } from '../ingest/pseudonym.ts';
import type { InstallSnapshot, StoredEvent } from '../store/types.ts';

/** Receipt order; ids (hex digests) break ties so the order never depends on the read order. */
export function byReceipt(a: StoredEvent, b: StoredEvent): number {
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
 * The canonical JSON of a snapshot from snapshotOf: what stableJson would write, without its
 * per-object sorting, since snapshotOf already sorted every key. Attribute values are primitives
 * by the event schema; anything else goes through stableJson.
 */
export function snapshotJson(snapshot: InstallSnapshot): string {
  const attributes = snapshot.attributes ? Object.values(snapshot.attributes) : [];
  return attributes.every((v) => v === null || typeof v !== 'object')
    ? JSON.stringify(snapshot)
    : stableJson(snapshot);
}
