/**
 * The last check of every structured string before storage, whatever the wire format: a value
 * without its shape (shared/schema/shapes.ts) is dropped and named, the rest of the event kept.
 * The canonical parser and the compat adapters drop such values already and name them as the
 * client sent them; this check guarantees the rule for any path that reaches the store.
 */
import type { Module, Platform, Product } from '../../../shared/schema/event.ts';
import {
  ACTION_SHAPE,
  COUNTER_KEY_SHAPE,
  DEVICE_SHAPES,
  MODULE_SHAPES,
  PLATFORM_SHAPES,
  PRODUCT_SHAPES,
  fitsShape,
  type FieldShape,
} from '../../../shared/schema/shapes.ts';
import type { DeviceInfo } from '../model/stored.ts';
import type { IncomingEvent } from '../model/incoming.ts';

/** The structured fields of an event that have their shape, and the names of those dropped. */
export interface ShapedFields {
  product?: Product;
  platform?: Platform;
  modules?: Module[];
  counters?: Record<string, number>;
  action?: string;
  devices?: DeviceInfo[];
  dropped: string[];
}

/** Keeps the structured fields that fit their shapes; free text (sysDescr) is left to scrubbing. */
export function keepShapedFields(event: IncomingEvent): ShapedFields {
  const dropped: string[] = [];
  const shaped: ShapedFields = { dropped };
  shaped.product = keepFields(event.product, PRODUCT_SHAPES, 'product', dropped);
  shaped.platform = keepFields(event.platform, PLATFORM_SHAPES, 'platform', dropped);
  if (event.modules) {
    const modules: Module[] = [];
    event.modules.forEach((module, i) => {
      if (!fitsShape(MODULE_SHAPES.name, module.name)) {
        dropped.push(`modules[${i}]`);
        return;
      }
      if (module.version !== undefined && !fitsShape(MODULE_SHAPES.version, module.version)) {
        dropped.push(`modules[${i}].version`);
        modules.push({ name: module.name });
      } else modules.push(module);
    });
    if (modules.length > 0) shaped.modules = modules;
  }
  if (event.counters) {
    const counters: Record<string, number> = {};
    let kept = 0;
    for (const [key, value] of Object.entries(event.counters)) {
      if (fitsShape(COUNTER_KEY_SHAPE, key)) {
        counters[key] = value;
        kept++;
      } else dropped.push(`counters.${key}`);
    }
    if (kept > 0) shaped.counters = counters;
  }
  if (event.action !== undefined) {
    if (fitsShape(ACTION_SHAPE, event.action)) shaped.action = event.action;
    else dropped.push('action');
  }
  if (event.devices) {
    shaped.devices = event.devices.map((device, i) => {
      const kept: DeviceInfo = { count: device.count };
      if (device.sysDescr !== undefined) kept.sysDescr = device.sysDescr;
      for (const key of ['os', 'sysObjectID'] as const) {
        const value = device[key];
        if (value === undefined) continue;
        if (fitsShape(DEVICE_SHAPES[key], value)) kept[key] = value;
        else dropped.push(`devices[${i}].${key}`);
      }
      return kept;
    });
  }
  return shaped;
}

function keepFields<T extends object>(
  fields: T | undefined,
  shapes: Readonly<Record<string, FieldShape>>,
  prefix: string,
  dropped: string[],
): T | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent; the loop finds no key in undefined
  if (!fields) return undefined;
  let kept: Record<string, string> | undefined;
  let changed = false;
  for (const key in fields) {
    const value: unknown = fields[key];
    if (value === undefined) continue;
    const shape = Object.hasOwn(shapes, key) ? shapes[key] : undefined;
    if (shape && typeof value === 'string' && fitsShape(shape, value)) {
      (kept ??= {})[key] = value;
    } else {
      dropped.push(`${prefix}.${key}`);
      changed = true;
    }
  }
  // Nearly every event keeps every field: hand the object on as it is.
  if (!changed) return kept ? fields : undefined;
  return kept as T | undefined;
}
