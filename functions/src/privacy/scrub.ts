/**
 * Free-text scrubbing: agents send error messages, sysDescr strings and similar prose that may
 * name people, machines and networks. Before anything is stored, every address-like token is
 * replaced by a placeholder and the text is length-capped. Pure and deterministic, so the
 * stored text of an event depends only on what the agent sent.
 *
 * Rules for the ambiguous cases (test/fixtures/scrub-corpus.json pins them down):
 * - Every FQDN becomes `<host>`, public service names (github.com, packagecloud.io) included:
 *   telling "public" from "private" names would need a list that is always out of date, and an
 *   internal name that happens to look public would leak.
 * - A dotted quad is an address unless it is glued to a letter (`v1.43.0.1`, `r1.2.3.4`), to a
 *   word and a dash (`netdata-1.43.0.1`), to a dotted identifier or number (`.1.3.6.1.4.1`), or
 *   follows a word such as "version" or "release". A bare `1.2.3.4` is an address.
 * - A port, zone or prefix length belongs to the address it follows and goes with it.
 * - Names whose last label is a common file extension (`main.go`, `netdata.conf`) are files.
 * - Single-label host names (`fw01`) cannot be told apart from words and are kept.
 * - `::` alone is not an address: it carries nothing and is C++/PHP/Rust syntax.
 * - Beyond the design's list, URL query strings and `--claim-token`/`password=` values go too:
 *   they are where tokens and passwords travel.
 * - Lengths count UTF-16 units, as the zod schema does.
 */

/** Placeholders, as they appear in scrubbed text. */
const PLACEHOLDERS = [
  '<email>',
  '<host>',
  '<ip>',
  '<mac>',
  '<user>',
  '<serial>',
  '<secret>',
  '<query>',
] as const;

const ELLIPSIS = '\u2026';

// Last labels that make a dotted name a file or code name rather than a host. Only extensions
// that are rare as top-level domains: a host under a denied label would survive unscrubbed.
const FILE_EXTENSIONS = new Set(
  (
    'c h cc cpp cxx hh hpp go rs py pyc pyi js mjs cjs jsx ts tsx php rb java class jar war kt ' +
    'swift cs lua so dylib dll exe msi ko conf cfg ini yml yaml json xml toml log txt sh bash ' +
    'zsh ps1 bat pid sock socket d plugin service slice scope mount automount timer target ' +
    'device swap md rst html htm css scss map wasm lock tmp temp bak old orig dist gz tgz xz ' +
    'zst bz zip tar deb rpm apk dmg iso img bin dat db sqlite rrd ndf njf csv tsv pdf png jpg ' +
    'jpeg gif svg ico webp crt pem csr der key asc gpg sig patch diff cmake mib properties tpl ' +
    'twig xsd vue run ' +
    // cgroup interface files, which Netdata's cgroup collector names in its errors.
    'stat max current procs pressure weight shares usage peak high low min threads controllers'
  ).split(' '),
);

// Letters, marks, digits and `_`: what host labels, user names and serials are made of.
const WORD = String.raw`\p{L}\p{M}\p{N}_`;
// A top-level domain: letters only, in one case or Title-case (`com`, `COM`, `Local`), or
// punycode. camelCase (`java.lang.NullPointerException`) is code, not a domain.
const TLD = String.raw`(?:xn--[a-z0-9-]{1,59}|[a-z]{2,24}|[A-Z][a-z]{1,23}|[A-Z]{2,24})`;
// The end of a dotted name: no further label character and no further `.label`. A letter of
// another script ends an ASCII TLD: CJK text does not put spaces around names.
const NAME_END = String.raw`(?![\p{Script=Latin}\p{M}\p{N}_-]|\.[${WORD}])`;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|[01]?\d?\d)`;
const QUAD = String.raw`${OCTET}\.${OCTET}\.${OCTET}\.${OCTET}`;

// Every pattern starts with a lookbehind that forbids starting inside a token, so each token is
// tried once and the scan stays linear; no pattern nests ambiguous quantifiers.

// scheme://authority/path?query — the authority (credentials, host, port) is rebuilt and the
// query dropped, since both routinely carry secrets (passwords, tokens, e-mail addresses).
const URL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)` +
    String.raw`([\p{L}\p{M}\p{N}._~%!$&*+=:@\[\]-]*)` +
    String.raw`(\/[^\s?#<>"'\u0060]*)?` +
    String.raw`(\?[^\s#<>"'\u0060\u2026]+)?`,
  'gu',
);

// local@domain. The domain may be a name (its TLD up to 63 letters: `@` leaves no doubt), a
// dotted quad or a bracketed literal. The local part may be empty or made of characters outside
// the usual set (`/@a.key`): the domain alone identifies a mailbox. No file-extension exemption:
// `0@a.sh` is a valid address, and Netdata's `line@file` names C sources (`.c`, `.h`).
const EMAIL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{M}\p{N}!#$%&*+^_~.-])[\p{L}\p{M}\p{N}!#$%&*+^_~.-]*@` +
    String.raw`(?:(?:[${WORD}-]+\.)+(?:xn--[a-z0-9-]{1,59}|[A-Za-z]{2,63})${NAME_END}` +
    String.raw`|\[[^\]\s]{1,64}\]|${QUAD}(?!\d|\.\d))`,
  'gu',
);

// /home/<user>, /Users/<user>, C:\Users\<user> (also with JSON-doubled backslashes).
const HOME_RE = new RegExp(
  String.raw`(\/(?:home|Users)\/+|(?<![A-Za-z])[A-Za-z]:(?:\\{1,2}|\/)[Uu]sers(?:\\{1,2}|\/))` +
    String.raw`([^\s\\/'"<>:;,|*?()\[\]{}\u2026]+)`,
  'gu',
);

// Secrets handed over as options or key=value pairs (Netdata's kickstart `--claim-token`). The
// value must look random (hold a digit, or be long) so that "password: YES" stays readable.
const SECRET_NAMES = String.raw`(?:claim[_-]?token|access[_-]?token|auth[_-]?token|api[_-]?key|token|password|passwd|secret)`;
const SECRET_RE = new RegExp(
  String.raw`(?<![${WORD}-])(--?${SECRET_NAMES}(?:\s*=\s*|\s+)|${SECRET_NAMES}\s*[=:]\s*)` +
    String.raw`([^\s'"\u0060,;&()\[\]{}<>]{6,})`,
  'giu',
);

// IPv6 candidates: a run of hex digits, colons and dots (with zone, prefix length, or in
// brackets with a port); validated in code because a full IPv6 regex is unreadable.
const IPV6_RE = new RegExp(
  String.raw`\[([0-9A-Fa-f:.]+)(?:%[${WORD}.-]+)?\](?::\d{1,5}(?!\d))?` +
    String.raw`|(?<![0-9A-Za-z_.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f]*:)` +
    String.raw`([0-9A-Fa-f:.]+)((?:%[${WORD}.-]+)?(?:\/\d{1,3}(?!\d))?)`,
  'gu',
);

// MAC addresses: six hex pairs joined by one kind of separator, or Cisco's three dotted quads.
const MAC_RE =
  /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f]|[:-][0-9A-Fa-f])|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f]|\.[0-9A-Fa-f]))/gu;

// Dotted names with a letter TLD, with an optional port.
const HOST_RE = new RegExp(
  String.raw`(?<![${WORD}.-])(?:[${WORD}][${WORD}-]*\.)+(${TLD})${NAME_END}(?::\d{1,5}(?!\d))?`,
  'gu',
);

// Dotted quads, with an optional port or prefix length, unless they read as a version.
const IPV4_RE = new RegExp(
  String.raw`(?<![0-9A-Za-z_]\.?|[A-Za-z]-|\b(?:version|ver|release|rev|revision|firmware)\.?[\s:=#]{1,3})` +
    String.raw`${QUAD}(?!\d|\.\d)(?::\d{1,5}(?!\d)|\/(?:3[0-2]|[12]?\d)(?!\d))?`,
  'giu',
);

// Serial numbers: the token after a serial label. The token must hold a digit, so that
// "serial port" or "S/N: unknown" stay readable.
const SERIAL_RE = new RegExp(
  String.raw`(?<![${WORD}])((?:s\/n|sn(?=\s*[:=#])|serial[\s_-]?(?:number|num|nr|no)\.?|serialnumber|serialno|serial)` +
    String.raw`(?![${WORD}])\s*[:=#]?\s*)` +
    String.raw`(?=[\p{L}\p{M}\p{N}._/-]*\p{N})([\p{L}\p{M}\p{N}]+(?:[._/-][\p{L}\p{M}\p{N}]+)*)`,
  'giu',
);

/** True for a dotted quad of decimal octets 0-255. */
function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** True for an IPv6 address (no zone) that has at least one hex digit. */
function isIPv6(text: string): boolean {
  if (text.length > 45 || !/[0-9A-Fa-f]/.test(text)) return false;
  let hex = text;
  if (text.includes('.')) {
    // An embedded IPv4 stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    if (lastColon < 0 || !isIPv4(text.slice(lastColon + 1))) return false;
    hex = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const isGroup = (group: string): boolean => /^[0-9A-Fa-f]{1,4}$/.test(group);
  const halves = hex.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) {
    const groups = hex.split(':');
    return groups.length === 8 && groups.every(isGroup);
  }
  const [left = '', right = ''] = halves;
  const groups = [...(left ? left.split(':') : []), ...(right ? right.split(':') : [])];
  return groups.length <= 7 && groups.every(isGroup);
}

/** Rebuilds a URL authority: credentials dropped, host and port replaced by one placeholder. */
function scrubAuthority(authority: string): string {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort === '') return '';
  if (hostPort.startsWith('[')) return '<ip>';
  const host = hostPort.replace(/:\d*$/, '');
  if (host === '') return '';
  return isIPv4(host) ? '<ip>' : '<host>';
}

/** The passes, in order; each replaces what the ones before it could have misread. */
const PASSES: ReadonlyArray<(text: string) => string> = [
  // URLs first: `user:pw@host` inside a URL would otherwise read as an e-mail address.
  (text) =>
    text.replace(
      URL_RE,
      (_match, scheme: string, authority: string, path?: string, query?: string) =>
        `${scheme}${scrubAuthority(authority)}${path ?? ''}${query === undefined ? '' : '?<query>'}`,
    ),
  // E-mail before hosts, so the local part goes too.
  (text) => text.replace(EMAIL_RE, '<email>'),
  // Home directories before hosts: `/home/alice.smith` names a person, not a machine.
  (text) => text.replace(HOME_RE, '$1<user>'),
  (text) =>
    text.replace(SECRET_RE, (match, label: string, value: string) =>
      /\d/.test(value) || value.length >= 16 ? `${label}<secret>` : match,
    ),
  // IPv6 before MAC: eight hex pairs are an IPv6 address, six are a MAC.
  (text) =>
    text.replace(IPV6_RE, (match, bracketed?: string, bare?: string, suffix?: string) => {
      if (bracketed !== undefined) return isIPv6(bracketed) ? '<ip>' : match;
      if (bare === undefined) return match;
      // Punctuation may touch an address: "addr::2001:db8::1", "fe80::1: timeout", "at ::1.".
      // Try without one leading colon and without up to two trailing dots or colons.
      for (const start of bare.startsWith(':') ? [0, 1] : [0]) {
        for (let trim = 0; trim <= 2 && trim < bare.length - start; trim++) {
          const tail = bare.slice(bare.length - trim);
          if (!/^[.:]*$/.test(tail) || (trim > 0 && suffix)) break;
          if (isIPv6(bare.slice(start, bare.length - trim))) {
            return `${bare.slice(0, start)}<ip>${tail}`;
          }
        }
      }
      return match;
    }),
  (text) => text.replace(MAC_RE, '<mac>'),
  // Hosts before IPv4, so `10.0.0.5.nip.io` goes as one name.
  (text) =>
    text.replace(HOST_RE, (match, tld: string) =>
      FILE_EXTENSIONS.has(tld.toLowerCase()) ? match : '<host>',
    ),
  (text) => text.replace(IPV4_RE, '<ip>'),
  // Serials last: a label followed by an address keeps the address placeholder.
  (text) => text.replace(SERIAL_RE, '$1<serial>'),
];

/**
 * Runs the passes until nothing changes (a placeholder can complete a pattern an earlier pass
 * saw only in part), so that scrubbing scrubbed text is a no-op.
 */
function scrubCore(text: string): string {
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = PASSES.reduce((value, pass) => pass(value), current);
    if (next === current) break;
    current = next;
  }
  return current;
}

// eslint-disable-next-line no-control-regex -- matching ESC is the point
const ANSI_CSI_RE = /\u001b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]/gu;

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
      .replace(/[\s\u0085]+/gu, ' ')
      .replace(
        /[\p{Cc}\u00AD\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]/gu,
        '',
      )
      .replace(/ {2,}/g, ' ')
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
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  let head = text.slice(0, end);
  const open = head.lastIndexOf('<');
  if (open >= 0 && !head.includes('>', open)) {
    const partial = head.slice(open);
    if (PLACEHOLDERS.some((placeholder) => placeholder.startsWith(partial))) {
      head = head.slice(0, open);
    }
  }
  return `${head.trimEnd()}${ELLIPSIS}`;
}

/** Replaces addresses, names, home directories and serials in free text, then caps its length. */
export function scrubFreeText(text: string, maxLength: number): string {
  const max = Number.isNaN(maxLength) ? 0 : Math.max(0, Math.floor(maxLength));
  try {
    let result = scrubCore(normalize(typeof text === 'string' ? text : ''));
    // A cut can leave a token the passes read differently (`config.yaml` → `config.ya`): scrub
    // again after cutting, which may lengthen the text and need another cut.
    for (let round = 0; round < 4 && result.length > max; round++) {
      result = scrubCore(cut(result, max));
    }
    return result.length > max ? cut(result, max) : result;
  } catch {
    // Unreachable by design; if a pattern ever throws, store nothing rather than the raw text.
    return '';
  }
}

/** Scrubs a string attribute value (at most 200 characters); numbers and booleans pass through. */
export function scrubAttributeValue<T>(value: T): T {
  return (typeof value === 'string' ? scrubFreeText(value, 200) : value) as T;
}
