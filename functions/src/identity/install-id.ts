/**
 * Install ids as clients send them, made comparable: one normalisation used when an event is
 * stored and when an install is erased, and a redactor that removes an install's own id from the
 * strings of its events, in every form the adapters accept.
 */
import { pseudonymise } from './pseudonym.ts';

/** Prefixes Netdata's scripts put before a machine id (`machine-<md5>`, `uuid-<uuid>`, ...). */
const ID_PREFIX = /^(?:machine|uuid|dbus|macos)-/;
const ID_PREFIX_SOURCE = '(?:(?:machine|uuid|dbus|macos)-)?';
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/;
/** Ids shorter than this are only redacted where they stand as a whole token. */
const SHORT_ID = 8;
/** Ids shorter than this identify nothing (and would take ordinary words and numbers with them). */
const TOO_SHORT_ID = 4;
/** What an install's own id becomes in stored text. */
export const INSTALL_ID_PLACEHOLDER = '<install-id>';

/**
 * The form of an install id that is pseudonymised: trimmed, lower-case, without the
 * `machine-`/`uuid-`/`dbus-`/`macos-` prefix of Netdata's scripts (a prefix alone is no id: '').
 * Idempotent, so ingest and every erase path can apply it to whatever they receive.
 */
export function normaliseInstallId(raw: string): string {
  return raw.trim().toLowerCase().replace(ID_PREFIX, '');
}

/** The stored pseudonym of an install, from any form of its id that a client sends. */
export function installPseudonym(secret: string, rawId: string): string {
  return pseudonymise(secret, normaliseInstallId(rawId));
}

/** Finds an install's own ids in text, in every form the adapters accept. */
export interface InstallIdRedactor {
  /** Whether the text may hold one of the ids: cheap, and never false when it does. */
  mayHold(text: string): boolean;
  /** The text with each id replaced by INSTALL_ID_PLACEHOLDER. */
  redact(text: string): string;
}

/**
 * A redactor of `ids` in any case, with or without a Netdata prefix, and (for UUIDs) with or
 * without dashes; undefined when there is no id long enough to look for. Most events hold none
 * of their ids, so the exact pattern is only compiled once a cheap test finds a candidate.
 */
export function installIdRedactor(ids: readonly string[]): InstallIdRedactor | undefined {
  const cores = [...new Set(ids.map(normaliseInstallId))].filter((c) => c.length >= TOO_SHORT_ID);
  if (cores.length === 0) return undefined;
  // Every form of an id holds this much of it, lower-cased: a UUID's first group, else all of
  // it. An id beyond ASCII may change length when its case changes: always look for it.
  const needles = cores.map((core) =>
    !/^[\x20-\x7e]*$/.test(core) ? '' : UUID.test(core) ? core.slice(0, 8) : core,
  );
  const shortest = Math.min(...needles.map((needle) => needle.length));
  let pattern: RegExp | undefined;
  const mayHold = (text: string): boolean => {
    // Most stored strings (versions, names) are shorter than any id: no need to look.
    // Stryker disable next-line ConditionalExpression: equivalent; a shorter text holds no needle (the test spares the lower-casing)
    if (text.length < shortest) return false;
    const lower = text.toLowerCase();
    return needles.some((needle) => lower.includes(needle));
  };
  return {
    mayHold,
    redact: (text) => {
      // Every string of every event is redacted and nearly none holds an id: the cheap test
      // spares compiling and running the exact pattern, which finds nothing there either.
      // Stryker disable next-line ConditionalExpression: `false` is equivalent (the pattern replaces nothing in a text without a needle); `true` never redacts and fails the redaction tests
      if (!mayHold(text)) return text;
      pattern ??= redactionPattern(cores);
      return text.replace(pattern, INSTALL_ID_PLACEHOLDER);
    },
  };
}

function redactionPattern(cores: readonly string[]): RegExp {
  const alternatives = cores.map((core) => {
    const source = UUID.test(core) ? uuidSource(core) : escapeRegExp(core);
    return core.length < SHORT_ID
      ? `(?<![\\p{L}\\p{N}])${ID_PREFIX_SOURCE}${source}(?![\\p{L}\\p{N}])`
      : `${ID_PREFIX_SOURCE}${source}`;
  });
  // Longest first, so an id is replaced whole even where another id is part of it.
  return new RegExp(alternatives.sort((a, b) => b.length - a.length).join('|'), 'giu');
}

/** A UUID's hex digits with an optional dash at each of its four dash positions. */
function uuidSource(uuid: string): string {
  const hex = uuid.replaceAll('-', '');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
    .map(escapeRegExp)
    .join('-?');
}

function escapeRegExp(text: string): string {
  // Syntax characters only: the pattern is compiled in unicode mode, where `\-` is an error (and
  // `/` is no syntax in a pattern built from a string).
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
