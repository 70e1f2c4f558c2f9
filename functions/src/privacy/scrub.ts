/**
 * Free-text scrubbing: agents send error messages, sysDescr strings and similar prose that may
 * name people, machines, networks and credentials. Before anything is stored, every such token
 * is replaced by a placeholder and the text is length-capped. Pure and deterministic, so the
 * stored text of an event depends only on what the agent sent.
 *
 * The rules live in scrub-secrets.ts, scrub-network.ts, scrub-hosts.ts and scrub-people.ts and
 * run in the order scrub-rules.ts gives. Rules for the ambiguous cases (the corpus in
 * test/fixtures/scrub-corpus.json pins them down):
 * - Every FQDN becomes `<host>`, public service names (github.com, packagecloud.io) included:
 *   telling "public" from "private" names would need a list that is always out of date.
 * - A single-label name (`fw01`) is a host only where the text says so: a uname string, a
 *   Netdata log tag, "host 'db01'", "connecting to redis:6379". Elsewhere it reads as a word.
 * - A dotted quad is an address unless it reads as a version: glued to a letter (`v1.43.0.1`),
 *   to a word and dash with a first part below 10 (`netdata-1.43.0.1`) or before a package
 *   suffix, inside a longer dotted number (`.1.3.6.1.4.1`), or after "version" or "release".
 * - A port, zone or prefix length belongs to the address it follows and goes with it.
 * - Names whose last label is a file extension (`main.go`, `netdata.conf`) are files; where the
 *   extension is also a TLD (`.sh`, `.py`, `.zip`), three file-free labels make a host.
 * - `::` alone is not an address: it carries nothing and is C++/PHP/Rust syntax.
 * - System accounts (`root`, `netdata`, `www-data`) name nobody and stay.
 * - Lengths count UTF-16 units, as the zod schema does.
 */
import { PLACEHOLDERS, type Replacer } from './scrub-lexicon.ts';
import { SCRUB_RULES } from './scrub-rules.ts';

const ELLIPSIS = '\u2026';

/**
 * Runs the rules until nothing changes (a placeholder can complete a pattern an earlier pass
 * saw only in part), so that scrubbing scrubbed text is a no-op.
 */
function scrubCore(text: string): string {
  let current = text;
  // Stryker disable next-line EqualityOperator,UpdateOperator: equivalent; every text converges within four passes (the idempotence property), so more passes or an unbounded loop give the same text
  for (let round = 0; round < 4; round++) {
    let next = current;
    // replace() takes a string or a function at run time; the intersection satisfies its
    // overloads without a branch that would do the same on both sides.
    for (const { pattern, replace } of SCRUB_RULES) {
      next = next.replace(pattern, replace as string & Replacer);
    }
    // Stryker disable next-line ConditionalExpression: equivalent; once nothing changes, further passes change nothing (they only cost time)
    if (next === current) break;
    current = next;
  }
  return current;
}

// eslint-disable-next-line no-control-regex -- matching ESC is the point
const ANSI_CSI_RE = /\u001b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]/gu;
// One space per whitespace character: SPACES_RE joins runs once invisible characters are gone.
const WHITESPACE_RE = /[\s\u0085]/gu;
const INVISIBLE_RE =
  /[\p{Cc}\u00AD\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]/gu;
const SPACES_RE = / {2,}/g;
// A placeholder begun but not finished at the end of cut text (`<ho`, `<secr`, `<`).
const OPEN_PLACEHOLDER_RE = /<[a-z]*$/;

/** The patterns scrub.ts runs besides the rules: normalisation and the cut (ReDoS test). */
// Stryker disable next-line ArrayDeclaration: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const NORMALIZE_PATTERNS: readonly RegExp[] = [
  ANSI_CSI_RE,
  WHITESPACE_RE,
  INVISIBLE_RE,
  SPACES_RE,
  OPEN_PLACEHOLDER_RE,
];

/**
 * Makes text safe to match on: well-formed UTF-16, no control or invisible formatting characters
 * (which could split or hide an address), single spaces.
 */
function normalize(text: string): string {
  return (
    text
      .toWellFormed()
      // Terminal colour codes from installer output: the ESC alone would be dropped below and
      // leave `[0m` behind.
      .replace(ANSI_CSI_RE, '')
      .replace(WHITESPACE_RE, ' ')
      .replace(INVISIBLE_RE, '')
      .replace(SPACES_RE, ' ')
      .trim()
  );
}

/**
 * Cuts text to at most `max` UTF-16 units including the ellipsis, on a code point boundary and
 * never inside a placeholder.
 */
function cut(text: string, max: number): string {
  if (max <= 0) return '';
  let end = max - 1;
  // Never split a surrogate pair: a high surrogate last would be a lone one.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const head = text
    .slice(0, end)
    .replace(OPEN_PLACEHOLDER_RE, (open) =>
      PLACEHOLDERS.some((placeholder) => placeholder.startsWith(open)) ? '' : open,
    );
  return `${head.trimEnd()}${ELLIPSIS}`;
}

/** Replaces addresses, names, ids, secrets and serials in free text, then caps its length. */
export function scrubFreeText(text: string, maxLength: number): string {
  const max = Number.isNaN(maxLength) ? 0 : Math.max(0, Math.floor(maxLength));
  try {
    let result = scrubCore(normalize(text));
    // A cut can leave a token the passes read differently (`config.yaml` → `config.ya`): scrub
    // again after cutting, which may lengthen the text and need another cut.
    // Stryker disable next-line EqualityOperator: no text is known to need a fifth round (no test text differs); the final cut bounds the length either way
    for (let round = 0; round < 4 && result.length > max; round++) {
      result = scrubCore(cut(result, max));
    }
    return result.length > max ? cut(result, max) : result;
  } catch {
    // Not a string (a caller's type error), or a pattern that throws: store nothing rather than
    // anything raw.
    return '';
  }
}

/** Scrubs a string attribute value (at most 200 characters); numbers and booleans pass through. */
export function scrubAttributeValue<T>(value: T): T {
  return (typeof value === 'string' ? scrubFreeText(value, 200) : value) as T;
}
