/**
 * The shapes of every structured string homecall stores: versions, names, counter keys, OIDs and
 * short labels. Structured strings are published as breakdowns once enough installs share them,
 * so they are never scrubbed: a value either has its field's shape and is stored as sent, or it
 * is dropped and named in `ignoredFields`. Each shape is defined here once; the zod schema states
 * it as its pattern, the compat adapters drop what does not fit, and the privacy pipeline checks
 * every stored event against it before saving.
 *
 * A shape is a pattern (which characters, in which order), a length bound, and for the kinds that
 * could carry them a refusal of address-like and identifier-like tokens: IPv4 and IPv6 addresses,
 * dotted host names, MAC addresses, UUIDs and long hex ids, home-directory paths. E-mail addresses
 * cannot fit, since no shape allows `@`.
 */
import { z } from 'zod';
import { ATTRIBUTE_TEXT_MAX } from './limits.ts';

/** The kinds of structured string. */
export type ShapeKind = 'version' | 'name' | 'nameList' | 'label' | 'counterKey' | 'oid';

/** A field's shape: its kind and its longest value in UTF-16 units. */
export interface FieldShape {
  kind: ShapeKind;
  max: number;
}

interface KindSpec {
  pattern: RegExp;
  /** Whether address-like and identifier-like tokens are refused (all but OIDs). */
  guarded: boolean;
  /** What the shape allows, in the words of an error message. */
  description: string;
}

// Every pattern is anchored and unambiguous (each character has one way to match), and values are
// length-checked first, so matching is linear in a value of at most a few hundred characters.
const NAME = String.raw`[A-Za-z0-9](?:[A-Za-z0-9_+-]|\.(?=[A-Za-z0-9]))*`;

const KINDS: Readonly<Record<ShapeKind, KindSpec>> = {
  version: {
    // 1.44.3, v1.44.3, 6.1.0-18-amd64, 24.1.0-17-g4f3e, 10.11.6-MariaDB-0+deb12u1, 5.10.103-v7l+;
    // or one lower-case word (master, rolling, sid).
    pattern: /^(?:[vV]?\d[0-9A-Za-z]*(?:[._+~-][0-9A-Za-z]+)*\+?|[a-z][a-z0-9]{0,23})$/,
    guarded: true,
    description:
      'a version (digits and letters joined by . _ + ~ -, e.g. 1.44.3 or 6.1.0-18-amd64)',
  },
  name: {
    // linux, x86_64, kickstart-static, openwisp-controller, INCOMPLETE_SHUTDOWN.
    pattern: new RegExp(`^${NAME}$`),
    guarded: true,
    description: 'a name (letters, digits and _ + - . without spaces, e.g. x86_64)',
  },
  nameList: {
    // rhel centos fedora
    pattern: new RegExp(`^${NAME}(?: ${NAME})*$`),
    guarded: true,
    description: 'names separated by single spaces (e.g. rhel fedora)',
  },
  label: {
    // agent installer, dbengine|Native HTTPS|HTTPD (h2o), AWS.
    pattern: /^[\p{L}\p{N}](?:[\p{L}\p{N}_+.,:;|()/-]| (?=[^ ]))*$/u,
    guarded: true,
    description: 'a short label (letters, digits, single spaces and _ + . , : ; | ( ) / -)',
  },
  counterKey: {
    // os.linux, port_ifspeed.1000, hardware.CCR2004-16G-2S+, type.(none), full_type.ios,_network
    pattern: /^[A-Za-z0-9_-]{1,48}\.[\p{L}\p{N}_+.,:;()/#-]+$/u,
    guarded: true,
    description: '<group>.<value>: a group of letters, digits, _ and -, a dot, and a value',
  },
  oid: {
    // .1.3.6.1.4.1.9.1.1208: every sysObjectID lies under iso.org.dod.internet (1.3.6.1), or is
    // zeroDotZero (0.0) for an unknown one. Anything else (an address in dotted form) is not one.
    pattern: /^\.?(?:1\.3\.6\.1(?:\.\d{1,10}){0,120}|0\.0)$/,
    guarded: false,
    description: 'a numeric OID under 1.3.6.1 (e.g. .1.3.6.1.4.1.9.1.516)',
  },
};

/** Shapes of the product fields. */
export const PRODUCT_SHAPES = {
  version: { kind: 'version', max: 64 },
  channel: { kind: 'name', max: 32 },
  installMethod: { kind: 'name', max: 64 },
} as const satisfies Record<string, FieldShape>;

/** Shapes of the platform fields. */
export const PLATFORM_SHAPES = {
  os: { kind: 'name', max: 64 },
  osVersion: { kind: 'version', max: 64 },
  osLike: { kind: 'nameList', max: 128 },
  kernel: { kind: 'name', max: 64 },
  kernelVersion: { kind: 'version', max: 128 },
  arch: { kind: 'name', max: 32 },
  virtualization: { kind: 'name', max: 64 },
  container: { kind: 'name', max: 64 },
} as const satisfies Record<string, FieldShape>;

/** Shapes of a module's fields. */
export const MODULE_SHAPES = {
  name: { kind: 'name', max: 64 },
  version: { kind: 'version', max: 64 },
} as const satisfies Record<string, FieldShape>;

/** A counter key, `<group>.<value>`. */
export const COUNTER_KEY_SHAPE: FieldShape = { kind: 'counterKey', max: 128 };
/** The longest counter group (the part before the first dot). */
export const COUNTER_GROUP_MAX = 48;
/**
 * The client's name of an action homecall has no type for (a `report` event): Netdata's
 * INCOMPLETE_SHUTDOWN, a Clean Insights category such as "OS Details".
 */
export const ACTION_SHAPE: FieldShape = { kind: 'label', max: 64 };
/** LibreNMS device facts that are not free text. */
export const DEVICE_SHAPES = {
  os: { kind: 'name', max: 64 },
  sysObjectID: { kind: 'oid', max: 128 },
} as const satisfies Record<string, FieldShape>;

/**
 * The shape of a string attribute: `<name>_version` attributes hold versions, every other string
 * attribute a short label, unless the deployment's config names a kind.
 */
export function attributeShape(key: string, kind?: 'version' | 'label'): FieldShape {
  return {
    kind: kind ?? (key.endsWith('_version') ? 'version' : 'label'),
    max: ATTRIBUTE_TEXT_MAX,
  };
}

/** Whether `value` has the shape: pattern, length, and no address or identifier in it. */
export function fitsShape(shape: FieldShape, value: string): boolean {
  if (value.length === 0 || value.length > shape.max) return false;
  // The same few hundred versions and names arrive with nearly every event: remember the values
  // that fit (they are what is stored anyway; a value that does not fit is never kept).
  const fitting = FITTING[shape.kind];
  if (fitting.has(value)) return true;
  const spec = KINDS[shape.kind];
  if (!spec.pattern.test(value)) return false;
  const fits =
    !spec.guarded || !carriesIdentifier(guardedPart(shape.kind, value), shape.kind === 'version');
  if (fits) {
    if (fitting.size >= FITTING_MAX) fitting.clear();
    fitting.add(value);
  }
  return fits;
}

/** Values known to fit each kind (whatever their field's bound, which is checked first). */
const FITTING: Readonly<Record<ShapeKind, Set<string>>> = {
  version: new Set(),
  name: new Set(),
  nameList: new Set(),
  label: new Set(),
  counterKey: new Set(),
  oid: new Set(),
};
const FITTING_MAX = 4096;

/** The part of a value that could carry an identifier: a counter key's group is a plain word. */
function guardedPart(kind: ShapeKind, value: string): string {
  return kind === 'counterKey' ? value.slice(value.indexOf('.') + 1) : value;
}

/**
 * A zod string with this shape's pattern and bound (trimmed first unless it is a record key), for
 * the wire schemas and the JSON Schemas made from them. The refusal of address-like and id-like
 * tokens, which a JSON Schema pattern cannot state readably, is checked once per event by the
 * privacy pipeline (functions/src/ingest/shape-check.ts), with the same fitsShape.
 */
export function shapedString(shape: FieldShape, options: { trim?: boolean } = {}): z.ZodString {
  const spec = KINDS[shape.kind];
  const base = options.trim === false ? z.string() : z.string().trim();
  return base.min(1).max(shape.max).regex(spec.pattern, `must be ${spec.description}`);
}

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
// A dotted quad that is a whole token: not glued to a letter, digit or dot on either side.
const QUAD_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}.])${OCTET}(?:\.${OCTET}){3}(?![\p{N}]|\.\p{N})`,
  'gu',
);
// Dotted names; a name is a host when its last label is a top-level domain (letters only).
const DOTTED_RE = /(?<![\p{L}\p{N}_.-])[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+/gu;
const TLD_RE = /^(?:[A-Za-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// Cheap first tests: four dot-separated numbers somewhere; a dot before a letters-only label.
const MAYBE_QUAD_RE = /\d\.\d{1,3}\.\d{1,3}\.\d/;
const MAYBE_TLD_RE = /\.(?:[A-Za-z]{2,63}(?![A-Za-z0-9_-])|xn--)/;
const UUID_RE = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/;
// A run of 12 or more hex digits standing alone: a MAC without separators, a machine id, a hash.
const HEX_RUN_RE = /(?<![\p{L}\p{N}])[0-9A-Fa-f]{12,}(?![\p{L}\p{N}])/gu;
const MAC_RE =
  /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f])/;
const IPV6_RE = /(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])/g;
const HOME_RE = /(?:^|[/\\])(?:home|Users)[/\\]/i;

/**
 * Whether a structured value carries something that identifies a person, a machine or a network.
 * In a version, a dotted quad at the very start followed by a build suffix is the version itself
 * (`5.15.153.1-microsoft-standard-WSL2`); anywhere else a dotted quad is an address.
 */
function carriesIdentifier(value: string, isVersion: boolean): boolean {
  // Cheap character tests first: every check below needs a dot, a colon, a separator run or
  // length, and most structured values (linux, x86_64, 1.44.3) rule most of them out at once.
  if (value.includes('@')) return true;
  const dots = value.includes('.');
  const colons = value.includes(':');
  if (!dots && !colons && value.length < 12) return false;
  if ((value.includes('/') || value.includes('\\')) && HOME_RE.test(value)) return true;
  if (value.length >= 14 && (MAC_RE.test(value) || (value.length >= 32 && UUID_RE.test(value)))) {
    return true;
  }
  if (dots && MAYBE_QUAD_RE.test(value)) {
    for (const match of value.matchAll(QUAD_RE)) {
      const leadingVersion =
        isVersion && match.index === 0 && /^[-+~_]./.test(value.slice(match[0].length));
      if (!leadingVersion) return true;
    }
  }
  if (dots && MAYBE_TLD_RE.test(value)) {
    for (const match of value.matchAll(DOTTED_RE)) {
      const last = match[0].slice(match[0].lastIndexOf('.') + 1);
      if (TLD_RE.test(last)) return true;
    }
  }
  if (value.length >= 12) {
    for (const match of value.matchAll(HEX_RUN_RE)) {
      if (/[A-Fa-f]/.test(match[0]) && /\d/.test(match[0])) return true;
    }
  }
  if (colons) {
    for (const match of value.matchAll(IPV6_RE)) if (isIPv6(match[0])) return true;
  }
  return false;
}

/** A full IPv6 address, or a compressed one (`::`), with groups of at most four hex digits. */
function isIPv6(candidate: string): boolean {
  const halves = candidate.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}
