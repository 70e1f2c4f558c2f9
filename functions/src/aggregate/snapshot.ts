/**
 * How an install looked on a day, from its events of that day. Activity pages keep one snapshot
 * per install and day, so any past day can be recomputed exactly and in any order.
 */
import { stableJson } from '../identity/pseudonym.ts';
import type { InstallSnapshot, StoredEvent } from '../model/stored.ts';

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

/** Keeps an install's modules within the contribution bound (identity when none is given). */
export type ModuleBound = (modules: string[]) => string[];
const allModules: ModuleBound = (modules) => modules;

/** How an install looked on a day: each field as the latest event of the day reported it. */
export function snapshotOf(
  events: StoredEvent[],
  boundModules: ModuleBound = allModules,
): InstallSnapshot {
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
    latest.modules = boundModules(
      [...new Set(modules.map((m) => `${m.name}@${m.version ?? 'unknown'}`))].sort(),
    );
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
 * The canonical JSON of a snapshot from snapshotOf (keys sorted at every depth). Only needed when
 * an attribute value is not a scalar: snapshotJsonOf writes every other snapshot itself.
 */
export function snapshotJson(snapshot: InstallSnapshot): string {
  return stableJson(snapshot);
}

const PRODUCT = new Set<string>(PRODUCT_FIELDS);
const QUOTED = new Map(SNAPSHOT_KEYS.map((key) => [key, `${JSON.stringify(key)}:`]));

/**
 * What `snapshotJson(snapshotOf(events))` gives, written straight from the events without the two
 * intermediate objects per install (the daily fold calls it once per active install), and the
 * snapshot's version. Events are in receipt order.
 */
export function snapshotJsonOf(
  events: StoredEvent[],
  boundModules: ModuleBound = allModules,
): { json: string; version?: string } {
  let json = '{';
  let version: string | undefined;
  for (const key of SNAPSHOT_KEYS) {
    let piece: string | undefined;
    if (key === 'modules') {
      for (let i = events.length - 1; i >= 0 && piece === undefined; i -= 1) {
        const modules = (events[i] as StoredEvent).modules;
        if (modules && modules.length > 0)
          piece = JSON.stringify(
            boundModules(
              [...new Set(modules.map((m) => `${m.name}@${m.version ?? 'unknown'}`))].sort(),
            ),
          );
      }
    } else if (key === 'attributes') {
      let merged: Record<string, unknown> | undefined;
      for (const event of events) {
        const more = event.attributes;
        // The first event's attributes are taken as they are, not copied; a merge with none is a
        // copy of the same names and values.
        // Stryker disable next-line ConditionalExpression: equivalent (above)
        if (more) merged = merged ? { ...merged, ...more } : more;
      }
      if (merged) {
        const names = Object.keys(merged).sort();
        let inner = '{';
        for (const name of names) {
          const value = merged[name];
          // Attribute values are scalars by the event schema; anything else takes the slow path.
          // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: equivalent; the slow path writes the same text for null
          if (value !== null && typeof value === 'object') {
            const snapshot = snapshotOf(events, boundModules);
            return { json: snapshotJson(snapshot), version: snapshot.version };
          }
          if (value === undefined) continue;
          inner += `${inner.length > 1 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}`;
        }
        piece = `${inner}}`;
      }
    } else {
      const product = PRODUCT.has(key);
      for (let i = events.length - 1; i >= 0; i -= 1) {
        const event = events[i] as StoredEvent;
        const value = product
          ? event.product?.[key as (typeof PRODUCT_FIELDS)[number]]
          : event.platform?.[key as (typeof PLATFORM_FIELDS)[number]];
        if (value === undefined) continue;
        piece = JSON.stringify(value);
        if (key === 'version') version = value;
        break;
      }
    }
    if (piece !== undefined) json += `${json.length > 1 ? ',' : ''}${QUOTED.get(key)}${piece}`;
  }
  return { json: `${json}}`, version };
}
