/**
 * Network identifiers: URLs (authority, tokens in the path, query), e-mail addresses, IPv6 and
 * IPv4 addresses, MAC addresses, UNC server names. Host names live in scrub-hosts.ts.
 */
import { isIPv4, isIPv6, LABEL, NAME_END, QUAD, type ScrubRule, WORD } from './scrub-lexicon.ts';

// scheme://authority/path?query — the authority (credentials, host, port) is rebuilt, tokens in
// the path go, and the query is dropped, since all three routinely carry secrets.
const URL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)` +
    String.raw`([\p{L}\p{M}\p{N}._~%!$&*+=:@\[\]-]*)` +
    String.raw`(\/[^\s?#<>"'\u0060]*)?` +
    String.raw`(\?[^\s#<>"'\u0060\u2026]+)?`,
  'gu',
);

// Telegram puts the bot token in the path: /bot123456789:AAH.../sendMessage.
const BOT_PATH_RE = /\/bot\d{1,20}:[A-Za-z0-9_-]+/gu;
// Path segments after which everything names a webhook, and so is its secret.
const WEBHOOK_SEGMENT_RE = /^(?:webhooks?|webhookb2|incomingwebhook|hooks)$/i;
// Services whose webhook route starts at a segment of their own.
const WEBHOOK_HOST_SEGMENTS: ReadonlyMap<string, RegExp> = new Map([
  ['hooks.slack.com', /^(?:services|workflows|triggers|commands)$/i],
  ['chat.googleapis.com', /^spaces$/i],
]);
// Services where the whole path is the secret (a ntfy topic is its password).
const SECRET_PATH_HOSTS: ReadonlySet<string> = new Set(['ntfy.sh']);
// A run of 16+ letters and digits, mixing both: a token, not a word or a version.
const TOKEN_RUN_RE = /[A-Za-z0-9]{16,}/gu;
const LETTER_RE = /[A-Za-z]/;
const DIGIT_RE = /\d/;
// Whole hex ids, which the id rules name `<id>` rather than `<secret>`. (A UUID needs no
// exemption: none of its runs is 16 long.)
const HEX_ID_SEGMENT_RE = /^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{64})$/;
const PORT_SUFFIX_RE = /:\d*$/;
// The lookbehind starts the run at its first character, so a long run is scanned once.
const QUERY_TAIL_RE = /(?<![).,;:!\]])[).,;:!\]]+$/;

/** True for a path segment holding a token: a long run that mixes letters and digits. */
function isTokenSegment(segment: string): boolean {
  if (HEX_ID_SEGMENT_RE.test(segment)) return false;
  for (const [run] of segment.matchAll(TOKEN_RUN_RE)) {
    if (LETTER_RE.test(run) && DIGIT_RE.test(run)) return true;
  }
  return false;
}

/** Replaces the secrets a URL path can carry: bot tokens, webhook ids, random segments. */
function scrubUrlPath(host: string, path: string): string {
  if (path === '' || path === '/') return path;
  if (SECRET_PATH_HOSTS.has(host)) return '/<secret>';
  const segments = path.replace(BOT_PATH_RE, '/bot<secret>').split('/');
  const hostSegment = WEBHOOK_HOST_SEGMENTS.get(host);
  const out: string[] = [];
  for (const [index, segment] of segments.entries()) {
    out.push(isTokenSegment(segment) ? '<secret>' : segment);
    const marker = WEBHOOK_SEGMENT_RE.test(segment) || hostSegment?.test(segment) === true;
    if (marker && segments.some((part, at) => at > index && part !== '')) {
      // Keep a trailing slash, so the shape of the URL still shows.
      out.push(segments.at(-1) === '' ? '<secret>/' : '<secret>');
      break;
    }
  }
  return out.join('/');
}

/** Rebuilds a URL authority: credentials dropped, host and port replaced by one placeholder. */
function scrubAuthority(authority: string): string {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) return '<ip>';
  const host = hostPort.replace(PORT_SUFFIX_RE, '');
  if (host === '') return '';
  return isIPv4(host) ? '<ip>' : '<host>';
}

// local@domain. The domain may be a name (its TLD up to 63 letters: `@` leaves no doubt), a
// dotted quad or a bracketed literal. The local part may be empty or made of characters outside
// the usual set (`/@a.key`): the domain alone identifies a mailbox. No file-extension exemption:
// `0@a.sh` is a valid address, and Netdata's `line@file` names C sources (`.c`, `.h`).
// Parts are bounded as RFC 5321 bounds them (local part 64, label 63): unbounded, the ReDoS
// checker finds inputs that make the pattern super-linear.
const EMAIL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{M}\p{N}!#$%&*+^_~.-])[\p{L}\p{M}\p{N}!#$%&*+^_~.-]{0,64}@` +
    String.raw`(?:(?:[${WORD}-]{1,63}\.){1,30}(?:xn--[a-z0-9-]{1,59}|[A-Za-z]{2,63})${NAME_END}` +
    String.raw`|\[[^\]\s]{1,64}\]|${QUAD}(?!\d|\.\d))`,
  'gu',
);

// IPv6 candidates: a run of hex digits, colons and dots (with zone, prefix length, or in
// brackets with a port); validated in code because a full IPv6 regex is unreadable.
const IPV6_RE = new RegExp(
  String.raw`\[([0-9A-Fa-f:.]+)(?:%[${WORD}.-]+)?\](?::\d{1,5}(?!\d))?` +
    String.raw`|(?<![0-9A-Za-z_.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)` +
    String.raw`([0-9A-Fa-f:.]+)((?:%[${WORD}.-]+)?(?:\/\d{1,3}(?!\d))?)`,
  'gu',
);
// What may end a sentence right after an address.
const TRAILING_PUNCTUATION = '.:';

// MAC addresses: six hex pairs joined by one kind of separator, or Cisco's three dotted quads.
const MAC_RE =
  /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f]|[:-][0-9A-Fa-f])|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f]|\.[0-9A-Fa-f]))/gu;

// MACs without separators (`001a2b3c4d5e`, RADIUS `Calling-Station-Id`): twelve hex digits in
// one case. They must mix letters and digits unless a label says MAC, since twelve decimal
// digits are more often a number.
const BARE_MAC_RE = /(?<![0-9A-Za-z])(?:[0-9a-f]{12}|[0-9A-F]{12})(?![0-9A-Za-z])/gu;
const MAC_LABEL_RE = /(?:mac|hwaddr|ether|lladdr|bssid|station[_-]?id|chaddr)[\s"':=#-]{0,4}$/i;
const HEX_LETTER_RE = /[a-f]/i;

// UNC paths (`\\fs01\share`, JSON-escaped `\\\\fs01\\share`): the server goes.
const UNC_RE = new RegExp(
  String.raw`(?<![\\\w:>])(\\{4}|\\{2})(${LABEL}(?:\.${LABEL})*)(?=\\)`,
  'gu',
);

// Dotted quads, with an optional port or prefix length. Whether one glued to a word is an
// address or a version is decided in code from what touches it (see ipv4Replace).
const IPV4_RE = new RegExp(
  String.raw`(?<![0-9]|[0-9A-Za-z_]\.)${QUAD}(?!\d|\.\d)(?::\d{1,5}(?!\d)|\/(?:3[0-2]|[12]?\d)(?!\d))?`,
  'gu',
);
// A word such as "version" right before makes a dotted quad a version.
const VERSION_WORD_RE = /\b(?:version|ver|release|rev|revision|firmware)\.?[\s:=#]{1,3}$/i;
// Words that, glued to a quad (`ip10.0.0.1`, `host-10.0.0.1`, `node_10.0.0.1`), say address.
const ADDRESS_WORD_RE =
  /(?:^|[^A-Za-z])(?:ip|ipv4|addr|address|host|node|server|srv|peer|client|src|dst|gw|gateway|router|from|to|at|via|inet|vm|box)[-_]?$/i;
// What follows a quad in a package file name (`netdata-1.43.0.1.tar.gz`, `pkg_1.2.3.4_amd64`).
const PACKAGE_TAIL_RE =
  /^(?:[._-](?:tar|tgz|txz|zip|gz|xz|bz2|deb|rpm|run|exe|msi|dmg|pkg|apk|whl|jar|el\d|fc\d|amd64|arm64|armhf|x86|aarch64|i[36]86|noarch|src)\b|[-+~]\d)/i;
const KERNEL_TAIL_RE = /^(?:-[A-Za-z]|\+)/;
const GLUE_RE = /[A-Za-z0-9][-_]$/;
const LETTER_END_RE = /[A-Za-z]$/;

/** Decides whether a dotted quad is an address, from what touches it on either side. */
function ipv4Replace(match: string, offset: number, input: string): string {
  const before = input.slice(Math.max(0, offset - 24), offset);
  if (VERSION_WORD_RE.test(before)) return match;
  const after = input.slice(offset + match.length, offset + match.length + 12);
  if (LETTER_END_RE.test(before)) {
    // Glued to a letter: `v1.43.0.1` is a version, `ip10.0.0.1` an address.
    return ADDRESS_WORD_RE.test(before) ? '<ip>' : match;
  }
  if (GLUE_RE.test(before)) {
    // Glued by a dash or underscore: `host-10.0.0.1` is an address, `netdata-1.43.0.1` (first
    // part below 10, or a package name follows) a version.
    if (ADDRESS_WORD_RE.test(before)) return '<ip>';
    const first = Number(match.slice(0, match.indexOf('.')));
    return first >= 10 && !PACKAGE_TAIL_RE.test(after) ? '<ip>' : match;
  }
  // A kernel-style tail (`2.6.25.5-smp`, `4.4.302+`) on a small first part is a version.
  const first = Number(match.slice(0, match.indexOf('.')));
  return first < 10 && KERNEL_TAIL_RE.test(after) ? match : '<ip>';
}

/** The network rules, in the order they run. */
export const NETWORK_RULES = {
  // URLs first: `user:pw@host` inside a URL would otherwise read as an e-mail address.
  url: {
    name: 'URL authority, path token and query',
    pattern: URL_RE,
    replace: (_match: string, scheme: string, authority: string, path?: string, query?: string) => {
      const host = authority
        .slice(authority.lastIndexOf('@') + 1)
        .replace(PORT_SUFFIX_RE, '')
        .toLowerCase();
      const scrubbedPath = scrubUrlPath(host, path ?? '');
      // Closing punctuation belongs to the sentence around a URL, not to its query.
      const after = query === undefined ? '' : `?<query>${QUERY_TAIL_RE.exec(query)?.[0] ?? ''}`;
      return `${scheme}${scrubAuthority(authority)}${scrubbedPath}${after}`;
    },
  },
  email: { name: 'e-mail address', pattern: EMAIL_RE, replace: '<email>' },
  unc: {
    name: 'UNC server',
    pattern: UNC_RE,
    replace: (_match: string, slashes: string, server: string) =>
      `${slashes}${isIPv4(server) ? '<ip>' : '<host>'}`,
  },
  // IPv6 before MAC: eight hex pairs are an IPv6 address, six are a MAC.
  ipv6: {
    name: 'IPv6 address',
    pattern: IPV6_RE,
    // One alternative of the pattern matched: the bare candidate is there when no bracketed one is.
    replace: (match: string, bracketed: string | undefined, bare: string, suffix?: string) => {
      if (bracketed !== undefined) return isIPv6(bracketed) ? '<ip>' : match;
      // Punctuation may touch an address: "addr::2001:db8::1", "fe80::1: timeout", "at ::1.",
      // "connecting to fe80::1...". Try without one leading colon and without the dots and colons
      // at the end, one at a time (an address may itself end in `::`). A zone or prefix length
      // follows the address itself, so then nothing is trimmed.
      for (const start of bare.startsWith(':') ? [0, 1] : [0]) {
        // `end` counts down by one from bare.length >= start, so it meets `start` exactly.
        for (let end = bare.length; end !== start; end--) {
          if (isIPv6(bare.slice(start, end)))
            return `${bare.slice(0, start)}<ip>${bare.slice(end)}`;
          if (suffix || !TRAILING_PUNCTUATION.includes(bare.charAt(end - 1))) break;
        }
      }
      return match;
    },
  },
  mac: { name: 'MAC address', pattern: MAC_RE, replace: '<mac>' },
  bareMac: {
    name: 'MAC address without separators',
    pattern: BARE_MAC_RE,
    replace: (match: string, offset: number, input: string) => {
      const labelled = MAC_LABEL_RE.test(input.slice(Math.max(0, offset - 24), offset));
      return labelled || (HEX_LETTER_RE.test(match) && DIGIT_RE.test(match)) ? '<mac>' : match;
    },
  },
  ipv4: { name: 'IPv4 address', pattern: IPV4_RE, replace: ipv4Replace },
} satisfies Record<string, ScrubRule>;

/** Patterns the network rules apply to a match rather than the whole text (ReDoS test). */
// Stryker disable next-line ArrayDeclaration: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const NETWORK_HELPER_PATTERNS: readonly RegExp[] = [
  BOT_PATH_RE,
  WEBHOOK_SEGMENT_RE,
  ...WEBHOOK_HOST_SEGMENTS.values(),
  TOKEN_RUN_RE,
  LETTER_RE,
  DIGIT_RE,
  HEX_ID_SEGMENT_RE,
  PORT_SUFFIX_RE,
  QUERY_TAIL_RE,
  MAC_LABEL_RE,
  HEX_LETTER_RE,
  VERSION_WORD_RE,
  ADDRESS_WORD_RE,
  PACKAGE_TAIL_RE,
  KERNEL_TAIL_RE,
  GLUE_RE,
  LETTER_END_RE,
];
