/**
 * LibreNMS compat adapter: the daily stats callback (`log.php`) and the "clear remote stats"
 * request (`clear.php`). Pure: no I/O, never throws.
 *
 * `log.php` receives form-encoded `data=<json>` (LibreNMS\Util\Stats, or the older
 * callback.php, which did not URL-encode the JSON), where the JSON is
 *   {"uuid": "...",
 *    "data": {"<group>": [{"total": N, "<column>": "<value>"}, ...], ...},
 *    "info": [{"count": N, "os": "...", "sysDescr": "...", "sysObjectID": "..."}]}
 * Static facts are groups with a single `{"total": 1, "version"|"release": ...}` row.
 * PHP's PDO may deliver counts as numeric strings ("12"); both are accepted.
 */
import { z } from 'zod';
import { deploymentConfig, type AttributeSpec } from '../../../shared/config.ts';
import type { AttributeValue, Platform, Product } from '../../../shared/schema/event.ts';
import { COUNTERS_MAX, COUNT_MAX, INSTALL_ID_MAX } from '../../../shared/schema/limits.ts';
import {
  COUNTER_GROUP_MAX,
  COUNTER_KEY_SHAPE,
  DEVICE_SHAPES,
  PLATFORM_SHAPES,
  PRODUCT_SHAPES,
  fitsShape,
} from '../../../shared/schema/shapes.ts';
import type { AdapterFailure, AdapterResult, IncomingEvent } from '../model/incoming.ts';
import type { BodyIssue } from '../../../shared/schema/api.ts';
import type { DeviceInfo } from '../model/stored.ts';
import {
  checkJsonShape,
  compact,
  distributionId,
  fieldName,
  IgnoredFields,
  isRecord,
  mapSafely,
  shapedText,
  text,
  toAttribute,
  toInteger,
  truncate,
  zodIssues,
} from './coerce.ts';

/** Longest `data` form field we parse (the ingest body limit is far below). */
const DATA_MAX_CHARS = 1_048_576;
const COUNTER_KEY_MAX = COUNTER_KEY_SHAPE.max;
/** How many `info` rows one report keeps. */
const DEVICES_MAX = 500;
/** Longest sysDescr read (free text: scrubbed and cut again by the privacy pipeline). */
const SYSDESCR_MAX = 1024;
const uuidSchema = z
  .string()
  .trim()
  .min(1, 'uuid is required')
  // Install ids: LibreNMS UUIDs, or uniqid() of very old installs.
  .max(INSTALL_ID_MAX)
  .regex(/^[^\s]+$/, 'uuid must not contain spaces')
  .describe('Random id LibreNMS keeps in its `callback` table.');

const countSchema = z.union([z.number(), z.string().max(32)]);
const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One row of a stats group: a count and the value(s) it counts. */
export const libreNmsRowSchema = z
  .object({ total: countSchema.describe('How many.') })
  .catchall(cellSchema)
  .describe('{"total": N, "<column>": "<value>"}');

/** One `info` row: devices of one model. */
export const libreNmsDeviceSchema = z
  .looseObject({
    count: countSchema,
    os: cellSchema.optional(),
    sysDescr: cellSchema.optional(),
    sysObjectID: cellSchema.optional(),
  })
  .describe('Devices sharing os, sysDescr and sysObjectID.');

/** The JSON in the `data` form field of `log.php`. */
export const libreNmsStatsSchema = z
  .looseObject({
    uuid: uuidSchema,
    data: z
      .union([
        z.record(z.string(), z.unknown().describe('Rows: [{"total": N, "<column>": "<value>"}].')),
        // PHP encodes an empty array as [] rather than {}.
        z.array(z.unknown()).max(0),
      ])
      .optional()
      .describe('Stats groups: group name → rows.'),
    info: z
      .array(z.unknown())
      .max(10_000)
      .optional()
      .describe('Device models (count, os, sysDescr, sysObjectID).'),
  })
  .describe('LibreNMS daily stats report.');

/** The form of `clear.php`. */
export const libreNmsClearSchema = z.strictObject({ uuid: uuidSchema });

/** Static version groups that are not attribute keys but map somewhere else. */
const ATTRIBUTE_ALIASES: Readonly<Record<string, string>> = { database_version: 'mysql_version' };

/** Maps a `log.php` form to one `report` event. */
export function mapLibreNmsLog(
  form: URLSearchParams,
  attributes: Record<string, AttributeSpec> = deploymentConfig.attributes,
): AdapterResult<'librenms'> {
  return mapSafely(() => mapLog(form, attributes));
}

/** Reads the install id of a `clear.php` form (`uuid=<uuid>`); the caller erases that install. */
export function mapLibreNmsClear(
  form: URLSearchParams,
): { ok: true; installId: string } | { ok: false; message: string; issues: BodyIssue[] } {
  try {
    const uuid = form.get('uuid');
    const parsed = libreNmsClearSchema.safeParse({ uuid: uuid ?? undefined });
    if (!parsed.success) {
      return {
        ok: false,
        message: 'Body must be the form uuid=<uuid>.',
        issues: zodIssues(parsed.error),
      };
    }
    return { ok: true, installId: parsed.data.uuid };
  } catch {
    return {
      ok: false,
      message: 'The body could not be read.',
      issues: [{ path: [], message: 'unreadable body' }],
    };
  }
}

function mapLog(
  form: URLSearchParams,
  allowed: Record<string, AttributeSpec>,
): AdapterResult<'librenms'> {
  const raw = form.get('data');
  if (raw === null)
    return invalid('Body must be the form data=<json>.', [
      { path: ['data'], message: 'data is required' },
    ]);
  if (raw.length > DATA_MAX_CHARS) {
    return invalid('The data field is too large.', [
      { path: ['data'], message: `data must be at most ${DATA_MAX_CHARS} characters` },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return invalid('The data field is not valid JSON.', [
      { path: ['data'], message: 'data must be JSON' },
    ]);
  }
  const shape = checkJsonShape(json);
  if (shape)
    return invalid(shape.message, [{ path: ['data', ...shape.path], message: shape.message }]);
  const parsed = libreNmsStatsSchema.safeParse(json);
  if (!parsed.success) {
    return invalid(
      'The data field is not a LibreNMS stats report.',
      zodIssues(parsed.error, ['data']),
    );
  }

  const ignored = new IgnoredFields();
  for (const key of form.keys()) if (key !== 'data') ignored.add(fieldName('', key));
  for (const key of Object.keys(parsed.data)) {
    if (key !== 'uuid' && key !== 'data' && key !== 'info') ignored.add(fieldName('data', key));
  }

  const event: IncomingEvent = { installId: parsed.data.uuid, type: 'report' };
  const groups = Array.isArray(parsed.data.data) ? {} : (parsed.data.data ?? {});
  const mapped = mapGroups(groups, allowed, ignored);
  if (mapped.product) event.product = mapped.product;
  if (mapped.platform) event.platform = mapped.platform;
  if (mapped.counters) event.counters = mapped.counters;
  if (mapped.attributes) event.attributes = mapped.attributes;
  const devices = mapDevices(parsed.data.info ?? [], ignored);
  if (devices.length > 0) event.devices = devices;
  return { ok: true, source: 'librenms', events: [event], ignoredFields: ignored.list() };
}

function invalid(message: string, issues: BodyIssue[]): AdapterFailure {
  return { ok: false, message, issues };
}

interface MappedGroups {
  product?: Product;
  platform?: Platform;
  counters?: Record<string, number>;
  attributes?: Record<string, AttributeValue>;
}

/** A group of static facts: one `{"total": 1, "version"|"release": value}` row. */
function staticValue(rows: unknown[]): { column: string; value: unknown } | undefined {
  if (rows.length !== 1 || !isRecord(rows[0])) return undefined;
  const columns = Object.keys(rows[0]).filter((key) => key !== 'total');
  if (columns.length !== 1 || (columns[0] !== 'version' && columns[0] !== 'release'))
    return undefined;
  return { column: columns[0], value: rows[0][columns[0]] };
}

function mapGroups(
  groups: Record<string, unknown>,
  allowed: Record<string, AttributeSpec>,
  ignored: IgnoredFields,
): MappedGroups {
  const product: Product = {};
  let platform: Platform | undefined;
  const attributes = new Map<string, AttributeValue>();
  const counters = new Map<string, number>();

  for (const [group, rows] of Object.entries(groups)) {
    const field = fieldName('data', group);
    if (!Array.isArray(rows)) {
      ignored.add(field);
      continue;
    }
    const fact = staticValue(rows);
    if (group === 'librenms_release' && fact) {
      const { value: release, rejected } = shapedText(fact.value, PRODUCT_SHAPES.version);
      if (rejected) ignored.add(field);
      if (release) {
        product.version = release;
        // Stats reports "master" when the install follows the master branch.
        product.channel = release.toLowerCase() === 'master' ? 'master' : 'release';
      }
      continue;
    }
    if (group === 'os_version' && fact) {
      platform = osPlatform(fact.value);
      if (platform === undefined && text(fact.value, 128) !== undefined) ignored.add(field);
      continue;
    }
    if (group.endsWith('_version') && fact?.column === 'version') {
      mapVersionGroup(group, fact.value, allowed, attributes, ignored);
      continue;
    }
    if (fact && group === 'dbschema') {
      // The number of applied migrations: neither a count of things nor an allowed attribute.
      ignored.add(field);
      continue;
    }
    rows.forEach((row, i) => {
      const counted = counterOf(group, row);
      if (!counted || !fitsShape(COUNTER_KEY_SHAPE, counted.key)) {
        ignored.add(`${field}[${i}]`);
        return;
      }
      counters.set(
        counted.key,
        Math.min(COUNT_MAX, (counters.get(counted.key) ?? 0) + counted.total),
      );
    });
  }

  // Keep the COUNTERS_MAX largest counters (ties by key), the canonical limit.
  let kept = [...counters.entries()];
  if (kept.length > COUNTERS_MAX) {
    kept.sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
    for (const [key] of kept.slice(COUNTERS_MAX)) ignored.add(`counters.${key}`);
    kept = kept.slice(0, COUNTERS_MAX);
  }

  return {
    product: compact(product),
    platform,
    counters:
      kept.length > 0 ? Object.fromEntries(kept.sort(([a], [b]) => compareText(a, b))) : undefined,
    attributes: attributes.size > 0 ? Object.fromEntries(attributes) : undefined,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `php_version` etc. become the attribute of the same name (or its alias) when allowed. */
function mapVersionGroup(
  group: string,
  value: unknown,
  allowed: Record<string, AttributeSpec>,
  attributes: Map<string, AttributeValue>,
  ignored: IgnoredFields,
): void {
  const key = (Object.hasOwn(ATTRIBUTE_ALIASES, group) && ATTRIBUTE_ALIASES[group]) || group;
  const spec = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
  const reported = text(value, 200);
  // "MariaDB 10.11.6-MariaDB-0+deb12u1": the engine goes to `database`, the rest is the version.
  const engine = group === 'database_version' ? DATABASE_ENGINE.exec(reported ?? '') : null;
  const version = engine ? reported?.slice(engine[0].length) : value;
  const coerced = spec ? toAttribute(key, spec, version) : undefined;
  if (spec && coerced !== undefined) attributes.set(key, coerced);
  else if (reported !== undefined) ignored.add(fieldName('data', group));
  if (engine?.[1] && Object.hasOwn(allowed, 'database')) {
    attributes.set('database', engine[1].toLowerCase());
  }
}

const DATABASE_ENGINE = /^(mariadb|mysql|sqlite|postgresql)\s+/i;

/** `os_version` ("Debian GNU/Linux 12", os-release NAME and VERSION_ID) → platform. */
function osPlatform(value: unknown): Platform | undefined {
  const reported = text(value, 128);
  if (!reported) return undefined;
  const match = /^(.*\S)\s+(\d[\w.+~-]*)$/.exec(reported);
  const name = match?.[1] ?? reported;
  return compact<Platform>({
    os: shapedText(distributionId(name) ?? name, PLATFORM_SHAPES.os).value,
    osVersion: match ? shapedText(match[2], PLATFORM_SHAPES.osVersion).value : undefined,
  });
}

/**
 * One counter from one row: key `<group>.<value>` (several columns joined by ":"), or
 * `<group>.total` for groups without a column. Null and empty values count as "(none)".
 * Keys are made to fit `^[^.\s]+\.[^\s]+$` and 128 characters; rows that collide add up.
 */
function counterOf(group: string, row: unknown): { key: string; total: number } | undefined {
  const parsed = libreNmsRowSchema.safeParse(row);
  if (!parsed.success) return undefined;
  const total = toInteger(parsed.data.total, 0, COUNT_MAX);
  if (total === undefined) return undefined;
  const values = Object.entries(parsed.data)
    .filter(([column]) => column !== 'total')
    .map(([, cell]) => cellText(cell));
  const groupKey = truncate(sanitise(group, GROUP_FORBIDDEN), COUNTER_GROUP_MAX) || 'group';
  const valueKey =
    values.length === 0 ? 'total' : sanitise(values.join(':'), VALUE_FORBIDDEN) || '(none)';
  return { key: truncate(`${groupKey}.${valueKey}`, COUNTER_KEY_MAX), total };
}

// Counter keys are `<group>.<value>`: no dots in the group, no whitespace or control characters.
// eslint-disable-next-line no-control-regex
const GROUP_FORBIDDEN = /[.\s\u0000-\u001f\u007f]+/g;
// eslint-disable-next-line no-control-regex
const VALUE_FORBIDDEN = /[\s\u0000-\u001f\u007f]+/g;

/** A counted value as reported (only null and blank become "(none)"), bounded. */
function cellText(cell: unknown): string {
  if (typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'boolean')
    return '(none)';
  const value = truncate(String(cell).trim(), COUNTER_KEY_MAX);
  return value === '' ? '(none)' : value;
}

function sanitise(value: string, forbidden: RegExp): string {
  return value
    .toWellFormed()
    .replace(forbidden, '_')
    .replace(/^_+|_+$/g, '');
}

/** `info` rows → devices (scrubbed later by the privacy pipeline). */
function mapDevices(rows: unknown[], ignored: IgnoredFields): DeviceInfo[] {
  const devices: DeviceInfo[] = [];
  rows.forEach((row, i) => {
    const parsed = libreNmsDeviceSchema.safeParse(row);
    const count = parsed.success ? toInteger(parsed.data.count, 0, COUNT_MAX) : undefined;
    if (!parsed.success || count === undefined || devices.length >= DEVICES_MAX) {
      ignored.add(`info[${i}]`);
      return;
    }
    const device: DeviceInfo = { count };
    const os = shapedText(parsed.data.os, DEVICE_SHAPES.os);
    const sysDescr = text(parsed.data.sysDescr, SYSDESCR_MAX, { multiline: true });
    const sysObjectID = shapedText(parsed.data.sysObjectID, DEVICE_SHAPES.sysObjectID);
    if (os.value) device.os = os.value;
    else if (os.rejected) ignored.add(`info[${i}].os`);
    if (sysDescr) device.sysDescr = sysDescr;
    if (sysObjectID.value) device.sysObjectID = sysObjectID.value;
    else if (sysObjectID.rejected) ignored.add(`info[${i}].sysObjectID`);
    devices.push(device);
  });
  return devices;
}
