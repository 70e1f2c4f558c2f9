/**
 * Building blocks shared by the scrubber's rules: the placeholders, the character classes
 * names are made of, word lists that tell names from prose, and address validators.
 */

/** Placeholders, as they appear in scrubbed text. */
export const PLACEHOLDERS = [
  '<email>',
  '<host>',
  '<ip>',
  '<mac>',
  '<user>',
  '<serial>',
  '<secret>',
  '<query>',
  '<id>',
] as const;

/**
 * A replace() callback: the match, its groups, then offset and input as String.replace passes
 * them. Typed loosely on purpose: each rule names its own groups.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- String.prototype.replace's own callback type
export type Replacer = (match: string, ...args: any[]) => string;

/** One scrubbing rule: a global pattern and what each match becomes. */
export interface ScrubRule {
  /** What the rule removes, as the README and test names say it. */
  readonly name: string;
  readonly pattern: RegExp;
  readonly replace: string | Replacer;
}

// Letters, marks, digits and `_`: what host labels, user names and serials are made of.
export const WORD = String.raw`\p{L}\p{M}\p{N}_`;
// A top-level domain: letters only, in one case or Title-case (`com`, `COM`, `Local`), or
// punycode. camelCase (`java.lang.NullPointerException`) is code, not a domain.
export const TLD = String.raw`(?:xn--[a-z0-9-]{1,59}|[a-z]{2,24}|[A-Z][a-z]{1,23}|[A-Z]{2,24})`;
// The end of a dotted name: no further label character and no further `.label`. A letter of
// another script ends an ASCII TLD: CJK text does not put spaces around names.
export const NAME_END = String.raw`(?![\p{Script=Latin}\p{M}\p{N}_-]|\.[${WORD}])`;
export const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|[01]?\d?\d)`;
export const QUAD = String.raw`${OCTET}\.${OCTET}\.${OCTET}\.${OCTET}`;
// One host label as RFC 1123 allows it (underscores tolerated: Windows and Docker names).
export const LABEL = String.raw`[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})`;
// A user or account name: a letter or `_` first, then what login names use.
export const ACCOUNT = String.raw`[\p{L}_][\p{L}\p{N}_.-]{0,63}`;

// The lists are written one space apart, with none at either end.
const words = (list: string): ReadonlySet<string> => new Set(list.split(' '));

// Last labels that make a dotted name a file or code name rather than a host. Only extensions
// that are rare as top-level domains, or where a file is far likelier than a host (see
// EXTENSION_TLDS): a host under a listed label is scrubbed only with more evidence.
export const FILE_EXTENSIONS = words(
  'c h cc cpp cxx hh hpp go rs py pyc pyi js mjs cjs jsx ts tsx php rb java class jar war kt ' +
    'swift cs lua so dylib dll exe msi ko conf cfg ini yml yaml json xml toml log txt sh bash ' +
    'zsh ps1 bat pid sock socket d plugin service slice scope mount automount timer target ' +
    'device swap md rst html htm css scss map wasm lock tmp temp bak old orig dist gz tgz xz ' +
    'zst bz zip tar deb rpm apk dmg iso img bin dat db sqlite rrd ndf njf csv tsv pdf png jpg ' +
    'jpeg gif svg ico webp crt pem csr der key asc gpg sig patch diff cmake mib properties tpl ' +
    'twig xsd vue run git whl egg gem ' +
    // cgroup interface files, which Netdata's cgroup collector names in its errors.
    'stat max current procs pressure weight shares usage peak high low min threads controllers',
);

// File extensions that are also delegated top-level domains. `install.sh` is a file, but
// `get.acme.sh` (three labels, nothing file-like) or `host: api.acme.sh` is a machine.
export const EXTENSION_TLDS = words('bz cc md properties py rs run sh so zip');

// Inner labels that mark a three-label name as a file all the same (`settings.local.py`,
// `netdata.tar.gz`, `go.d.plugin`, `app.min.js`).
export const FILE_INNER_LABELS = words('tar min d local test tests spec config settings conf dist');

// Accounts every system has: naming them identifies nobody and keeps messages readable.
export const SYSTEM_ACCOUNTS = words(
  'root nobody nogroup daemon bin sys adm wheel sudo docker staff users admin administrator ' +
    'guest netdata librenms openwisp www-data www nginx apache httpd mysql mariadb postgres ' +
    'redis celery rabbitmq ubuntu debian centos ec2-user pi vagrant sshd _apt messagebus ' +
    'syslog snmp debian-snmp localhost',
);

// Words that follow a label such as `user`, `host` or `password:` in prose, not as a value.
export const NOT_A_NAME = words(
  'a an the is was are be been has have not no yes none null nil empty true false unknown ' +
    'invalid incorrect wrong missing required expired set unset changed mismatch ok failed ' +
    'failure error denied and or of for to from in on at by with without as if when please ' +
    'authentication login logins password passwords name names id key keys token tokens ' +
    'specified provided given supplied defined configured found address user via ' +
    'n/a na unavailable undefined default disabled enabled auto any all',
);

/** True for an account name that identifies nobody (system accounts, `systemd-*`, `_apt`). */
export function isSystemAccount(name: string): boolean {
  const lower = name.toLowerCase();
  return SYSTEM_ACCOUNTS.has(lower) || lower.startsWith('systemd-');
}

const DECIMAL_OCTET_RE = /^\d{1,3}$/;
const HEX_DIGIT_RE = /[0-9A-Fa-f]/;
const HEX_GROUP_RE = /^[0-9A-Fa-f]{1,4}$/;

/** True for a dotted quad of decimal octets 0-255. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 && parts.every((part) => DECIMAL_OCTET_RE.test(part) && Number(part) <= 255)
  );
}

/** True for an IPv6 address (no zone) that has at least one hex digit. */
export function isIPv6(text: string): boolean {
  // No address is longer than 45 characters: the bound changes no answer, it keeps a long run of
  // hex digits and colons cheap (the IPv6 rule may ask once per dot trailing it).
  // Stryker disable next-line ConditionalExpression: equivalent in result; see above
  if (text.length > 45) return false;
  if (!HEX_DIGIT_RE.test(text)) return false;
  let hex = text;
  if (text.includes('.')) {
    // An embedded IPv4 stands for the last two groups. (Without a colon, the whole text is
    // the quad and `0:0` alone is no address.)
    const lastColon = text.lastIndexOf(':');
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    hex = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return false;
  // `::` stands for at least one group; an empty half holds none.
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const fits = halves.length === 1 ? groups.length === 8 : groups.length <= 7;
  return fits && groups.every((group) => HEX_GROUP_RE.test(group));
}

/** The patterns above, which rules apply to a match rather than the whole text (ReDoS test). */
// Stryker disable next-line ArrayDeclaration: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const LEXICON_PATTERNS: readonly RegExp[] = [DECIMAL_OCTET_RE, HEX_DIGIT_RE, HEX_GROUP_RE];
