/**
 * Netdata compat adapter: the bodies of the agent's `anonymous-statistics.sh` and of the
 * installer's `kickstart.sh`, mapped to canonical events. Pure: no I/O, never throws.
 *
 * Wire format (both scripts build it with shell here-documents):
 *   {"event": "<ACTION> <RESULT>", "properties": {...about 80 snake_case keys...}, "api_key"?}
 * Every value may arrive as a string ("12", "true", "", "null"), and a few as JSON literals or
 * arrays (`host_collectors`). Masking constants (`$ip: "127.0.0.1"`, `$host`, ...) are always sent
 * and never kept.
 */
import { z } from 'zod';
import { deploymentConfig, type AttributeSpec } from '../../../shared/config.ts';
import type {
  AttributeValue,
  EventType,
  Failure,
  Platform,
  Product,
} from '../../../shared/schema/event.ts';
import type { AdapterResult, IncomingEvent } from '../ingest/incoming.ts';
import {
  checkJsonShape,
  compact,
  fieldName,
  IgnoredFields,
  isAbsentText,
  mapSafely,
  text,
  toAttribute,
  toInteger,
  toNumber,
  zodIssues,
} from './coerce.ts';

/** A property value as the shell templates produce it. */
const propertyValueSchema = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.unknown()),
    z.record(z.string(), z.unknown()),
  ])
  .describe('A string, number, boolean, null, or (host_collectors) an array.');

/** The body Netdata's agent and installer POST. Unknown top-level keys are ignored. */
export const netdataBodySchema = z
  .looseObject({
    event: z
      .string()
      .max(1000)
      .refine((value) => value.trim().length > 0, 'event must name an action, e.g. "START -"')
      .describe('"<ACTION> <RESULT>", e.g. "START -", "FATAL netdata:MAIN", "INSTALL_FAILED".'),
    properties: z
      .record(z.string(), propertyValueSchema)
      .optional()
      .describe('Facts about the agent and host (distinct_id, netdata_version, host_os_id, ...).'),
    api_key: z.unknown().optional().describe('PostHog project key of older agents; never stored.'),
  })
  .describe('Netdata agent / installer telemetry body.');

export type NetdataBody = z.infer<typeof netdataBodySchema>;

/** Netdata actions and the canonical type each becomes; anything else is a `report`. */
const ACTION_TYPES: Readonly<Record<string, EventType>> = {
  START: 'start',
  EXIT: 'stop',
  FATAL: 'fatal',
  CRASH: 'crash',
  INSTALL_SUCCESS: 'install',
  INSTALL_FAILED: 'install_failed',
  INSTALL_CRASH: 'install_failed',
  META: 'heartbeat',
  META_START: 'heartbeat',
};

/** Properties that may carry the install id, in order of preference. */
const ID_PROPERTIES = ['distinct_id', 'netdata_machine_guid', 'system_distinct_id'] as const;

/** Prefixes `kickstart.sh` and the agent put before a machine id (`machine-<md5>`, ...). */
const ID_PREFIX = /^(?:machine|uuid|dbus|macos)-/;

/** Characters an install id may not contain: whitespace and control characters. */
// eslint-disable-next-line no-control-regex
const ID_FORBIDDEN = /[\s\u0000-\u001f\u007f]/;

/** Properties consumed by the event string itself. */
const EVENT_PROPERTIES = ['action', 'action_result', 'action_data'] as const;

/** Property → attribute key, with the coercion the attribute needs. */
const ATTRIBUTE_SOURCES: readonly {
  property: string;
  attribute: string;
  coerce?: (value: unknown) => AttributeValue | undefined;
}[] = [
  {
    property: 'system_cpu_logical_cpu_count',
    attribute: 'cpu_cores',
    coerce: (value) => toInteger(value, 1, 1_000_000),
  },
  { property: 'system_total_ram', attribute: 'memory_gib', coerce: bytesToGib },
  {
    property: 'mirrored_host_count',
    attribute: 'mirrored_hosts',
    coerce: (value) => toInteger(value, 0, 1e9),
  },
  { property: 'event_source', attribute: 'telemetry_source' },
  { property: 'netdata_buildinfo', attribute: 'netdata_buildinfo' },
  { property: 'cloud_provider_type', attribute: 'cloud_provider' },
];

type Props = Record<string, unknown>;

/**
 * Maps a Netdata body to one canonical event. `attributes` is the deployment's allowlist
 * (defaults to the deployed config); properties it does not allow are dropped and reported.
 */
export function mapNetdataBody(
  body: unknown,
  attributes: Record<string, AttributeSpec> = deploymentConfig.attributes,
): AdapterResult {
  return mapSafely(() => mapBody(body, attributes));
}

function mapBody(body: unknown, allowed: Record<string, AttributeSpec>): AdapterResult {
  const shape = checkJsonShape(body, 8);
  if (shape) return invalid(shape.message, [shape]);
  const parsed = netdataBodySchema.safeParse(body);
  if (!parsed.success)
    return invalid('Body is not a Netdata telemetry body.', zodIssues(parsed.error));

  const ignored = new IgnoredFields();
  for (const key of Object.keys(parsed.data)) {
    if (key !== 'event' && key !== 'properties') ignored.add(fieldName('', key));
  }
  const props: Props = parsed.data.properties ?? {};
  const consumed = new Set<string>(EVENT_PROPERTIES);

  const { action, result } = splitEvent(parsed.data.event);
  const upper = action.toUpperCase();
  const type = (Object.hasOwn(ACTION_TYPES, upper) && ACTION_TYPES[upper]) || 'report';

  const id = installIdOf(props, consumed);
  if (!id.ok) {
    return invalid('The install id is not usable.', [
      { path: ['properties', id.property], message: id.message },
    ]);
  }

  const event: IncomingEvent = {
    installId: id.installId,
    type,
    ...(type === 'report' ? { action: text(action, 64) ?? 'unknown' } : {}),
  };
  const product = productOf(props, consumed);
  const platform = platformOf(props, consumed);
  const failure = failureOf(type, result, props, consumed);
  const attributes = attributesOf(props, consumed, allowed, ignored);
  if (product) event.product = product;
  if (platform) event.platform = platform;
  if (failure) event.failure = failure;
  if (attributes) event.attributes = attributes;

  for (const key of Object.keys(props)) {
    if (!consumed.has(key)) ignored.add(fieldName('properties', key));
  }
  return { ok: true, source: 'netdata', events: [event], ignoredFields: ignored.list() };
}

function invalid(
  message: string,
  issues: { path: (string | number)[]; message: string }[],
): AdapterResult {
  return { ok: false, message, issues };
}

/** "FATAL netdata:MAIN" → action FATAL, result "netdata:MAIN"; "INSTALL_SUCCESS" → result "". */
function splitEvent(event: string): { action: string; result: string } {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(event.trim());
  return { action: match?.[1] ?? '', result: match?.[2]?.trim() ?? '' };
}

type IdResult =
  { ok: true; installId: string | null } | { ok: false; property: string; message: string };

/**
 * The install id: the first usable of distinct_id, netdata_machine_guid, system_distinct_id.
 * Normalised so one machine keeps one id whichever script reports it: lower case, without the
 * `machine-`/`uuid-`/`dbus-`/`macos-` prefixes. The all-zero GUID the agent sends when it has no
 * registry id, "null", "" and null mean "no id" (counted without install identity).
 */
function installIdOf(props: Props, consumed: Set<string>): IdResult {
  let installId: string | null = null;
  for (const property of ID_PROPERTIES) {
    consumed.add(property);
    if (installId !== null) continue;
    const value = props[property];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      return { ok: false, property, message: 'must be a string' };
    }
    const normalised = String(value).trim().toLowerCase().replace(ID_PREFIX, '');
    if (isAbsentText(normalised) || /^[0-]*$/.test(normalised)) continue;
    if (
      normalised.length > 128 ||
      ID_FORBIDDEN.test(normalised) ||
      normalised !== normalised.toWellFormed()
    ) {
      return {
        ok: false,
        property,
        message: 'must be at most 128 characters without spaces or control characters',
      };
    }
    installId = normalised;
  }
  return { ok: true, installId };
}

function take(
  props: Props,
  consumed: Set<string>,
  key: string,
  max: number,
  multiline = false,
): string | undefined {
  consumed.add(key);
  return text(props[key], max, { multiline });
}

function productOf(props: Props, consumed: Set<string>): Product | undefined {
  const version = take(props, consumed, 'netdata_version', 64)?.replace(/^v(?=\d)/i, '');
  const channel = take(props, consumed, 'netdata_release_channel', 32);
  const installType = take(props, consumed, 'netdata_install_type', 64);
  const selected = take(props, consumed, 'selected_install_method', 64);
  return compact<Product>({ version, channel, installMethod: installType ?? selected });
}

function platformOf(props: Props, consumed: Set<string>): Platform | undefined {
  const osId = take(props, consumed, 'host_os_id', 64);
  const osName = take(props, consumed, 'host_os_name', 64);
  const versionId = take(props, consumed, 'host_os_version_id', 64);
  const version = take(props, consumed, 'host_os_version', 64);
  return compact<Platform>({
    os: osId ?? osName,
    osVersion: versionId ?? version,
    osLike: take(props, consumed, 'host_os_id_like', 128),
    kernel: take(props, consumed, 'system_kernel_name', 64),
    kernelVersion: take(props, consumed, 'system_kernel_version', 128),
    arch: take(props, consumed, 'system_architecture', 32),
    virtualization: take(props, consumed, 'system_virtualization', 64),
    container: take(props, consumed, 'system_container', 64),
  });
}

function failureOf(
  type: EventType,
  result: string,
  props: Props,
  consumed: Set<string>,
): Failure | undefined {
  const reason = (): string | undefined => take(props, consumed, 'netdata_fail_reason', 2000, true);
  switch (type) {
    case 'fatal': {
      const [program, thread] = splitOnce(result, ':');
      const data = text(props.action_data, 500);
      const location = data === undefined ? undefined : parseFatalLocation(data);
      return compact<Failure>({
        program: text(program, 64),
        thread: text(thread, 64),
        ...location,
        message: reason() ?? (location ? undefined : data),
      });
    }
    case 'crash':
      return compact<Failure>({ message: reason() });
    case 'install_failed':
      return compact<Failure>({
        code: take(props, consumed, 'error_code', 64),
        message: take(props, consumed, 'error_message', 2000, true) ?? reason(),
      });
    case 'stop': {
      // EXIT OK is a clean stop; EXIT ERROR keeps its result as the failure code.
      const code = text(result, 64);
      return code && code.toUpperCase() !== 'OK' ? { code } : undefined;
    }
    default:
      return undefined;
  }
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

/**
 * The agent's fatal location, printed as `%04lu@%-10.10s:%-15.15s/%d`
 * (line@file:function/errno, file and function space-padded and cut to 10 and 15 characters).
 */
function parseFatalLocation(
  data: string,
): Pick<Failure, 'line' | 'file' | 'function' | 'errno'> | undefined {
  const match = /^(\d{1,9})@([\s\S]*):([^:/]*)\/(-?\d{1,9})$/.exec(data.trim());
  if (!match) return undefined;
  const line = toInteger(match[1], 0, 10_000_000);
  const errno = toInteger(match[4], -100_000, 100_000);
  return (
    compact({
      line,
      file: text(match[2], 256),
      function: text(match[3], 128),
      errno,
    }) ?? {}
  );
}

/** Total RAM in bytes (as both scripts report it) → GiB rounded to a whole number. */
function bytesToGib(value: unknown): number | undefined {
  const bytes = toNumber(value);
  if (bytes === undefined || bytes <= 0 || bytes > 1e18) return undefined;
  return Math.round(bytes / 2 ** 30);
}

function attributesOf(
  props: Props,
  consumed: Set<string>,
  allowed: Record<string, AttributeSpec>,
  ignored: IgnoredFields,
): Record<string, AttributeValue> | undefined {
  const out = new Map<string, AttributeValue>();
  const sources = [
    ...ATTRIBUTE_SOURCES,
    // A property named exactly like an allowed attribute maps to it as is.
    ...Object.keys(props)
      .filter((key) => Object.hasOwn(allowed, key))
      .map((key) => ({ property: key, attribute: key, coerce: undefined })),
  ];
  for (const { property, attribute, coerce } of sources) {
    const spec = Object.hasOwn(allowed, attribute) ? allowed[attribute] : undefined;
    if (!spec || !Object.hasOwn(props, property) || out.has(attribute)) continue;
    const raw = props[property];
    consumed.add(property);
    const value = coerce ? coerce(raw) : toAttribute(spec, raw);
    if (value !== undefined && typeof value === spec.kind) out.set(attribute, value);
    else if (!isEmptyValue(raw)) ignored.add(fieldName('properties', property));
  }
  return out.size > 0 ? Object.fromEntries(out) : undefined;
}

/** Whether a raw value carries nothing (so dropping it is not worth reporting). */
function isEmptyValue(value: unknown): boolean {
  return (
    value === null || value === undefined || (typeof value === 'string' && isAbsentText(value))
  );
}
