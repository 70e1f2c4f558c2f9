/**
 * Clean Insights compat adapter, as OpenWISP's `openwisp_utils.metric_collection` uses it.
 * Pure: no I/O, never throws.
 *
 * Wire format (Clean Insights Matomo Proxy): {"idsite": 5, "events": [{"category", "action",
 * "name", "value", "times", "period_start", "period_end"}, ...]} — one row per fact, all rows of a
 * request sharing the category ("Install", "Upgrade", "Heartbeat", "Consent Withdrawn"). OpenWISP
 * sends the action and name through Django's `escape()`, so HTML entities are decoded.
 * No install id is sent: each category in a request becomes one event without install identity
 * (a Heartbeat request is one install-day).
 */
import { z } from 'zod';
import { deploymentConfig, type AttributeSpec } from '../../../shared/config.ts';
import type {
  AttributeValue,
  EventType,
  Module,
  Platform,
  Product,
} from '../../../shared/schema/event.ts';
import { MODULES_MAX } from '../../../shared/schema/limits.ts';
import {
  ACTION_SHAPE,
  MODULE_SHAPES,
  PLATFORM_SHAPES,
  PRODUCT_SHAPES,
  type FieldShape,
} from '../../../shared/schema/shapes.ts';
import type { AdapterFailure, AdapterResult, IncomingEvent } from '../model/incoming.ts';
import type { BodyIssue } from '../../../shared/schema/api.ts';
import {
  checkJsonShape,
  compact,
  distributionId,
  fieldName,
  IgnoredFields,
  mapSafely,
  shapedText,
  text,
  toAttribute,
  zodIssues,
} from './coerce.ts';

const scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const optionalNumber = z.union([z.number(), z.string().max(32), z.null()]).optional();

/** One measurement row. */
export const cleanInsightsEventSchema = z
  .looseObject({
    category: z.string().max(200).describe('Install, Upgrade, Heartbeat or Consent Withdrawn.'),
    action: z.string().max(200).describe('Module name, "OpenWISP Version", os_version, ...'),
    name: scalar.optional().describe('The value: a version, an OS string, an install method.'),
    value: optionalNumber.describe('Always 1 for OpenWISP; not stored.'),
    times: optionalNumber.describe('Always 1 for OpenWISP; not stored.'),
    period_start: optionalNumber.describe('Unix time; not used (the server decides the day).'),
    period_end: optionalNumber.describe('Unix time; not used (the server decides the day).'),
  })
  .refine((row) => row.category.trim() !== '', {
    message: 'category is required',
    path: ['category'],
  })
  .refine((row) => row.action.trim() !== '', { message: 'action is required', path: ['action'] });

/** The body OpenWISP POSTs to `cleaninsights.php`. */
export const cleanInsightsBodySchema = z
  .looseObject({
    idsite: z
      .union([z.number(), z.string().max(64)])
      .describe('Matomo site id (5 for OpenWISP); not stored.'),
    events: z.array(cleanInsightsEventSchema).min(1).max(500),
  })
  .describe('Clean Insights measurement body.');

export type CleanInsightsBody = z.infer<typeof cleanInsightsBodySchema>;

const CATEGORY_TYPES: Readonly<Record<string, EventType>> = {
  install: 'install',
  upgrade: 'upgrade',
  heartbeat: 'heartbeat',
  'consent withdrawn': 'opt_out',
};

/** Row fields the protocol defines; other keys of a row are reported as ignored. */
const ROW_FIELDS = new Set([
  'category',
  'action',
  'name',
  'value',
  'times',
  'period_start',
  'period_end',
]);
/** Top-level fields consumed without being stored. */
const BODY_FIELDS = new Set(['idsite', 'events']);
/** Python's None, printed, means "no value" in OpenWISP's rows; "unspecified" too for the method. */
const NONE = ['none'];
/** OpenWISP sends one category per request; a request yields at most this many events. */
const CATEGORIES_MAX = 10;

/** Maps a Clean Insights body to one event per category it reports. */
export function mapCleanInsightsBody(
  body: unknown,
  attributes: Record<string, AttributeSpec> = deploymentConfig.attributes,
): AdapterResult<'cleaninsights'> {
  return mapSafely(() => mapBody(body, attributes));
}

interface Draft {
  event: IncomingEvent;
  /** The category names no type and has no name's shape: the event is a report of "unknown". */
  categoryRejected: boolean;
  product: Product;
  platform: Platform;
  modules: Map<string, Module>;
  attributes: Map<string, AttributeValue>;
}

function mapBody(
  body: unknown,
  allowed: Record<string, AttributeSpec>,
): AdapterResult<'cleaninsights'> {
  const shape = checkJsonShape(body);
  if (shape) return invalid(shape.message, [shape]);
  const parsed = cleanInsightsBodySchema.safeParse(body);
  if (!parsed.success)
    return invalid('Body is not a Clean Insights measurement.', zodIssues(parsed.error));

  const ignored = new IgnoredFields();
  for (const key of Object.keys(parsed.data))
    if (!BODY_FIELDS.has(key)) ignored.add(fieldName('', key));

  const drafts = new Map<string, Draft>();
  parsed.data.events.forEach((row, i) => {
    const field = `events[${i}]`;
    for (const key of Object.keys(row))
      if (!ROW_FIELDS.has(key)) ignored.add(fieldName(field, key));
    const category = unescapeHtml(row.category).trim();
    const draft = draftFor(drafts, category);
    if (!draft) {
      ignored.add(field);
      return;
    }
    if (draft.categoryRejected) {
      // Reported once, at the row that named the category first.
      ignored.add(`${field}.category`);
      draft.categoryRejected = false;
    }
    const applied = applyRow(draft, unescapeHtml(row.action).trim(), row.name, allowed);
    if (applied !== 'kept') ignored.add(applied === 'row' ? field : `${field}.name`);
  });

  const events = [...drafts.values()].map(finish);
  return { ok: true, source: 'cleaninsights', events, ignoredFields: ignored.list() };
}

function invalid(message: string, issues: BodyIssue[]): AdapterFailure {
  return { ok: false, message, issues };
}

/** The event of a category; undefined once a request has named too many categories. */
function draftFor(drafts: Map<string, Draft>, category: string): Draft | undefined {
  const key = category.toLowerCase();
  let draft = drafts.get(key);
  if (!draft) {
    if (drafts.size >= CATEGORIES_MAX) return undefined;
    const type = (Object.hasOwn(CATEGORY_TYPES, key) && CATEGORY_TYPES[key]) || 'report';
    const event: IncomingEvent = { installId: null, type };
    const action = type === 'report' ? shapedText(category, ACTION_SHAPE) : { rejected: false };
    if (type === 'report') event.action = action.value ?? 'unknown';
    draft = {
      event,
      categoryRejected: action.rejected,
      product: {},
      platform: {},
      modules: new Map(),
      attributes: new Map(),
    };
    drafts.set(key, draft);
  }
  return draft;
}

/**
 * Folds one row into its category's event: `kept`, or what had to be dropped — the whole `row`, or
 * only its `name` (a value without its field's shape).
 */
function applyRow(
  draft: Draft,
  action: string,
  rawName: unknown,
  allowed: Record<string, AttributeSpec>,
): 'kept' | 'row' | 'name' {
  const name = typeof rawName === 'string' ? unescapeHtml(rawName) : rawName;
  const shaped = (shape: FieldShape, absent: readonly string[] = NONE) =>
    shapedText(name, shape, { absent });
  /** Sets a field from the row's name unless an earlier row did; reports a misshapen name. */
  const fill = <T extends object>(
    target: T,
    key: keyof T & string,
    shape: FieldShape,
    absent?: readonly string[],
  ): 'kept' | 'name' => {
    const result = shaped(shape, absent);
    if (result.value !== undefined) (target as Record<string, string>)[key] ??= result.value;
    return result.rejected ? 'name' : 'kept';
  };
  switch (action.toLowerCase()) {
    case 'openwisp version':
      return fill(draft.product, 'version', PRODUCT_SHAPES.version);
    case 'installation method':
      return fill(draft.product, 'installMethod', PRODUCT_SHAPES.installMethod, [
        ...NONE,
        'unspecified',
      ]);
    case 'os_version': {
      const { os, osVersion } = osFromUname(name);
      draft.platform.os ??= os;
      draft.platform.osVersion ??= osVersion;
      // A build string naming no distribution tells nothing an aggregate can use.
      return os !== undefined || text(name, 200, { absent: NONE }) === undefined ? 'kept' : 'row';
    }
    case 'kernel_version': {
      const filled = fill(draft.platform, 'kernelVersion', PLATFORM_SHAPES.kernelVersion);
      if (draft.platform.kernelVersion !== undefined) draft.platform.kernel ??= 'Linux';
      return filled;
    }
    case 'hardware_platform':
      return fill(draft.platform, 'arch', PLATFORM_SHAPES.arch);
    case 'action':
      // "Consent Withdrawn" carries {"action": "Action", "name": "Opt-out"}: the category says it all.
      return 'kept';
  }
  const spec = Object.hasOwn(allowed, action) ? allowed[action] : undefined;
  if (spec) {
    const coerced = toAttribute(action, spec, name);
    if (coerced !== undefined && !draft.attributes.has(action))
      draft.attributes.set(action, coerced);
    return coerced !== undefined || text(name, 200, { absent: NONE }) === undefined
      ? 'kept'
      : 'name';
  }
  const moduleName = shapedText(action, MODULE_SHAPES.name).value;
  if (!moduleName) return 'row';
  if (draft.modules.has(moduleName)) return 'kept';
  if (draft.modules.size >= MODULES_MAX) return 'row';
  const version = shaped(MODULE_SHAPES.version);
  draft.modules.set(
    moduleName,
    version.value ? { name: moduleName, version: version.value } : { name: moduleName },
  );
  return version.rejected ? 'name' : 'kept';
}

/**
 * OpenWISP's `os_version` is `uname -v`, the kernel build string: "#59~20.04.1-Ubuntu SMP ...",
 * "#1 SMP Debian 6.1.90-1 (2024-05-03)". It names the distribution on Ubuntu and Debian, and
 * Ubuntu's release after "~" on HWE kernels; the rest (build number, date) is not kept.
 */
function osFromUname(value: unknown): { os?: string; osVersion?: string } {
  const reported = text(value, 200, { absent: NONE });
  if (reported === undefined) return {};
  const os = distributionId(reported);
  const ubuntu = os === 'ubuntu' ? /~(\d{2}\.\d{2})(?:\.\d+)?-ubuntu/i.exec(reported) : null;
  return { os, osVersion: ubuntu?.[1] };
}

function finish(draft: Draft): IncomingEvent {
  const event = draft.event;
  const product = compact(draft.product);
  const platform = compact(draft.platform);
  if (product) event.product = product;
  if (platform) event.platform = platform;
  if (draft.modules.size > 0) event.modules = [...draft.modules.values()];
  if (draft.attributes.size > 0) event.attributes = Object.fromEntries(draft.attributes);
  return event;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#39;': "'",
};

/** Undoes Django's `escape()` (the five entities it produces). */
function unescapeHtml(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}
