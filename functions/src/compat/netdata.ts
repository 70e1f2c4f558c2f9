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
import { FAILURE_LIMITS, INSTALL_ID_MAX } from '../../../shared/schema/limits.ts';
import {
  ACTION_SHAPE,
  PLATFORM_SHAPES,
  PRODUCT_SHAPES,
  type FieldShape,
} from '../../../shared/schema/shapes.ts';
import type { AdapterFailure, AdapterResult, IncomingEvent } from '../model/incoming.ts';
import { normaliseInstallId } from '../identity/install-id.ts';
import {
  checkJsonShape,
  compact,
  distributionId,
  fieldName,
  IgnoredFields,
  isAbsentText,
  mapSafely,
  shapedText,
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
const ACTION_TYPES: ReadonlyMap<string, EventType> = new Map([
  ['START', 'start'],
  ['EXIT', 'stop'],
  ['FATAL', 'fatal'],
  ['CRASH', 'crash'],
  ['INSTALL_SUCCESS', 'install'],
  ['INSTALL_FAILED', 'install_failed'],
  ['INSTALL_CRASH', 'install_failed'],
  ['META', 'heartbeat'],
  ['META_START', 'heartbeat'],
]);

/** Properties that may carry the install id, in order of preference. */
const ID_PROPERTIES = ['distinct_id', 'netdata_machine_guid', 'system_distinct_id'] as const;

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
): AdapterResult<'netdata'> {
  return mapSafely(() => mapBody(body, attributes));
}

function mapBody(body: unknown, allowed: Record<string, AttributeSpec>): AdapterResult<'netdata'> {
  const shape = checkJsonShape(body);
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
  const type = ACTION_TYPES.get(action.toUpperCase()) ?? 'report';

  const id = installIdOf(props, consumed);
  if (!id.ok) {
    return invalid('The install id is not usable.', [
      { path: ['properties', id.property], message: id.message },
    ]);
  }

  const event: IncomingEvent = { installId: id.installId, type };
  // The other ids of the machine (normalised, like the install id) are never stored either.
  if (id.identifiers.length > 0) event.identifiers = id.identifiers;
  if (type === 'report') {
    const name = shapedText(text(action, ACTION_SHAPE.max), ACTION_SHAPE);
    if (name.rejected) ignored.add('event');
    event.action = name.value ?? 'unknown';
  }
  const product = productOf(props, consumed, ignored);
  const platform = platformOf(props, consumed, ignored);
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
): AdapterFailure {
  return { ok: false, message, issues };
}

/** "FATAL netdata:MAIN" → action FATAL, result "netdata:MAIN"; "INSTALL_SUCCESS" → result "". */
function splitEvent(event: string): { action: string; result: string } {
  // No anchors: on the trimmed event the first match starts at its first character, and the
  // greedy `\s*` and `[\s\S]*` run to its end, so the result needs no trimming either.
  const match = /(\S+)\s*([\s\S]*)/.exec(event.trim());
  // Stryker disable next-line StringLiteral,OptionalChaining: unreachable; the schema refuses a blank event, so the pattern always matches
  return { action: match?.[1] ?? '', result: match?.[2] ?? '' };
}

type IdResult =
  | { ok: true; installId: string | null; identifiers: string[] }
  | { ok: false; property: string; message: string };

/**
 * The install id: the first usable of distinct_id, netdata_machine_guid, system_distinct_id,
 * normalised (normaliseInstallId) so one machine keeps one id whichever script reports it. The
 * all-zero GUID the agent sends when it has no registry id, "null", "" and null mean "no id"
 * (counted without install identity). Every id sent is returned too: none may be stored.
 */
function installIdOf(props: Props, consumed: Set<string>): IdResult {
  let installId: string | null = null;
  const identifiers: string[] = [];
  for (const property of ID_PROPERTIES) {
    consumed.add(property);
    const value = props[property];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      if (installId !== null) continue;
      return { ok: false, property, message: 'must be a string' };
    }
    const normalised = normaliseInstallId(String(value));
    if (isAbsentText(normalised) || /^[0-]*$/.test(normalised)) continue;
    if (normalised.length <= INSTALL_ID_MAX && !identifiers.includes(normalised))
      identifiers.push(normalised);
    if (installId !== null) continue;
    if (
      normalised.length > INSTALL_ID_MAX ||
      ID_FORBIDDEN.test(normalised) ||
      normalised !== normalised.toWellFormed()
    ) {
      return {
        ok: false,
        property,
        message: `must be at most ${INSTALL_ID_MAX} characters without spaces or control characters`,
      };
    }
    installId = normalised;
  }
  return { ok: true, installId, identifiers: identifiers.filter((id) => id !== installId) };
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

/** A structured property: its value when it has the shape; a value without it is reported. */
function takeShaped(
  props: Props,
  consumed: Set<string>,
  ignored: IgnoredFields,
  key: string,
  shape: FieldShape,
  clean: (value: string) => string = (value) => value,
): string | undefined {
  consumed.add(key);
  const raw = text(props[key], 1024);
  if (raw === undefined) return undefined;
  const shaped = shapedText(clean(raw), shape);
  if (shaped.rejected) ignored.add(fieldName('properties', key));
  return shaped.value;
}

function productOf(
  props: Props,
  consumed: Set<string>,
  ignored: IgnoredFields,
): Product | undefined {
  const shaped = (key: string, shape: FieldShape, clean?: (value: string) => string) =>
    takeShaped(props, consumed, ignored, key, shape, clean);
  // v1.44.3 and 1.44.3 are one version.
  const version = shaped('netdata_version', PRODUCT_SHAPES.version, (v) =>
    v.replace(/^v(?=\d)/i, ''),
  );
  const channel = shaped('netdata_release_channel', PRODUCT_SHAPES.channel);
  consumed.add('selected_install_method');
  const installMethod =
    shaped('netdata_install_type', PRODUCT_SHAPES.installMethod) ??
    shaped('selected_install_method', PRODUCT_SHAPES.installMethod);
  return compact<Product>({ version, channel, installMethod });
}

function platformOf(
  props: Props,
  consumed: Set<string>,
  ignored: IgnoredFields,
): Platform | undefined {
  const shaped = (key: string, shape: FieldShape, clean?: (value: string) => string) =>
    takeShaped(props, consumed, ignored, key, shape, clean);
  // Fallbacks are read only when needed: host_os_name ("Debian GNU/Linux") stands in for a
  // missing host_os_id as its os-release id, host_os_version ("12 (bookworm)") for a missing
  // VERSION_ID with its leading version.
  consumed.add('host_os_name').add('host_os_version');
  const os =
    shaped('host_os_id', PLATFORM_SHAPES.os) ??
    shaped('host_os_name', PLATFORM_SHAPES.os, (name) => distributionId(name) ?? name);
  const osVersion =
    shaped('host_os_version_id', PLATFORM_SHAPES.osVersion) ??
    shaped('host_os_version', PLATFORM_SHAPES.osVersion, (v) => /^\d[\w.+~-]*/.exec(v)?.[0] ?? v);
  return compact<Platform>({
    os,
    osVersion,
    osLike: shaped('host_os_id_like', PLATFORM_SHAPES.osLike),
    kernel: shaped('system_kernel_name', PLATFORM_SHAPES.kernel),
    kernelVersion: shaped('system_kernel_version', PLATFORM_SHAPES.kernelVersion),
    arch: shaped('system_architecture', PLATFORM_SHAPES.arch),
    virtualization: shaped('system_virtualization', PLATFORM_SHAPES.virtualization),
    container: shaped('system_container', PLATFORM_SHAPES.container),
  });
}

function failureOf(
  type: EventType,
  result: string,
  props: Props,
  consumed: Set<string>,
): Failure | undefined {
  const reason = (): string | undefined =>
    take(props, consumed, 'netdata_fail_reason', FAILURE_LIMITS.message, true);
  switch (type) {
    case 'fatal': {
      const [program, thread] = splitOnce(result, ':');
      const data = text(props.action_data, 500);
      const location = data === undefined ? undefined : parseFatalLocation(data);
      return compact<Failure>({
        program: text(program, FAILURE_LIMITS.program),
        thread: text(thread, FAILURE_LIMITS.thread),
        ...location,
        message: reason() ?? (location ? undefined : data),
      });
    }
    case 'crash':
      return compact<Failure>({ message: reason() });
    case 'install_failed':
      return compact<Failure>({
        code: take(props, consumed, 'error_code', FAILURE_LIMITS.code),
        message: take(props, consumed, 'error_message', FAILURE_LIMITS.message, true) ?? reason(),
      });
    case 'stop': {
      // EXIT OK is a clean stop; EXIT ERROR keeps its result as the failure code.
      const code = text(result, FAILURE_LIMITS.code);
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
  const line = toInteger(match[1], 0, FAILURE_LIMITS.line);
  const errno = toInteger(match[4], -FAILURE_LIMITS.errno, FAILURE_LIMITS.errno);
  return (
    compact({
      line,
      file: text(match[2], FAILURE_LIMITS.file),
      function: text(match[3], FAILURE_LIMITS.function),
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
    const value = coerce ? coerce(raw) : toAttribute(attribute, spec, raw);
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
