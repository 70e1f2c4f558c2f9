/**
 * Host names: dotted names, and single-label names where the text says they name a machine
 * (uname strings, Netdata's streaming tags, "host 'db01'", "connecting to redis:6379"), private
 * cloud names (`ip-10-0-0-1`) and Kubernetes pod names. All become `<host>`.
 */
import {
  EXTENSION_TLDS,
  FILE_EXTENSIONS,
  FILE_INNER_LABELS,
  isIPv4,
  LABEL,
  NAME_END,
  NOT_A_NAME,
  OCTET,
  type ScrubRule,
  TLD,
  WORD,
} from './scrub-lexicon.ts';

// Dotted names with a letter TLD, with an optional port; `*.example.org` is a name too.
const HOST_RE = new RegExp(
  String.raw`(?<![${WORD}-]|(?<!\*)\.)(?:[${WORD}][${WORD}-]*\.)+(${TLD})${NAME_END}(?::\d{1,5}(?!\d))?`,
  'gu',
);
// TLDs common enough that a name under them is a host even with an underscore in a label.
const COMMON_TLDS = new Set(
  (
    'com net org io de uk fr nl eu us ca au jp cn ru br in it es ch se pl be at dk no fi cz ' +
    'info biz local lan internal home arpa corp localdomain'
  ).split(' '),
);
// First labels of module and logger names in the products' stacks: code, not hosts.
const CODE_NAMESPACES = new Set(
  (
    'django celery kombu billiard amqp redis urllib3 requests paramiko netjsonconfig swapper ' +
    'channels daphne asgiref psycopg2 sqlalchemy java javax jdk os sys json logging asyncio ' +
    'subprocess socket ssl http importlib collections typing unittest reversion'
  ).split(' '),
);
// The only colon of a dotted-name match is the port's.
const PORT_RE = /:\d+/;
const COLON_END_RE = /:\s*$/;
const NAME_MARK_RE = /[\d.-]/;
const PASCAL_RE = /^[A-Z][a-z]+(?:[A-Z][a-z]*)*$/;
const DIGITS_RE = /^\d+$/;
// Tested on the one character before a name.
const PATH_SEPARATOR_RE = /[/\\]/;

/** Decides whether a dotted name is a host, or a file or code name that must stay. */
function dottedNameReplace(match: string, tld: string, offset: number, input: string): string {
  const lowerTld = tld.toLowerCase();
  const labels = match.replace(PORT_RE, '').split('.');
  // Host names have no underscores (RFC 1123); Python modules do (`openwisp_utils.admin_theme`).
  if (labels.some((label) => label.includes('_')) && !COMMON_TLDS.has(lowerTld)) return match;
  // Go and Java member names in PascalCase (`Client.Timeout`) are code; hosts are not written so.
  if (labels.every((label) => PASCAL_RE.test(label))) return match;
  // Logger and module names of the products' own stacks (`celery.app.trace`, `django.request`).
  // Stryker disable next-line StringLiteral: equivalent; split() always returns a first label
  if (CODE_NAMESPACES.has(labels[0] ?? '') && !COMMON_TLDS.has(lowerTld)) return match;
  if (!FILE_EXTENSIONS.has(lowerTld)) return '<host>';
  // A file extension that is also a TLD (`get.acme.sh`, `build.acme.zip`): a host when it has
  // three labels, none of them file-like (no TLD of EXTENSION_TLDS is in FILE_INNER_LABELS), and
  // it is not the last part of a path.
  const hostLike =
    EXTENSION_TLDS.has(lowerTld) &&
    labels.length >= 3 &&
    !labels.some((label) => DIGITS_RE.test(label)) &&
    !labels.some((label) => FILE_INNER_LABELS.has(label.toLowerCase())) &&
    !PATH_SEPARATOR_RE.test(input.slice(Math.max(0, offset - 1), offset));
  return hostLike ? '<host>' : match;
}

// AWS's default host names (`ip-10-0-0-1`); the FQDN form is already a dotted name.
const EC2_HOST_RE = new RegExp(
  String.raw`(?<![\w.-])ip-${OCTET}-${OCTET}-${OCTET}-${OCTET}(?![\w-]|\.[\w])`,
  'gu',
);
// `ip_10_0_0_1`: an address spelled as an identifier.
const UNDERSCORE_IP_RE = new RegExp(
  String.raw`(?<![A-Za-z0-9])(ip_)${OCTET}_${OCTET}_${OCTET}_${OCTET}(?![0-9])`,
  'giu',
);

const NAME = String.raw`${LABEL}(?:\.${LABEL})*`;
const PORT = String.raw`(?::\d{1,5}(?!\d))?`;
// A name ends where no label character or `.label` follows, and is no URL scheme (`http://`).
const NAME_STOP = String.raw`(?![\w-]|\.[A-Za-z0-9]|:\/\/)`;

// Names after words that say "this is a machine": quoted (`host 'db01'`, `server on 'db01'`,
// `connected to 'parent01'`), assigned (`host=db01`, `Hostname: fw01`), after strong phrases
// (`Could not resolve host: db01`, `connect to host db01`), with a port after "connecting to"
// (`Error 111 connecting to redis:6379`, not "connecting to Cloud"), Netdata's
// `[to parent01:19999]`, SNMP's `udp:sw01:161`, LibreNMS's per-device RRD folder
// (`rrd/core-sw01/`) and Celery's node names (`celery@worker1`).
const CONTEXT_HOST_RE = new RegExp(
  String.raw`(?<![\w-])(` +
    String.raw`(?:host(?:\s?name|\s+address)?|server(?:\s+(?:on|at))?|peer|parent|destination|upstream|proxy|remote|broker|backend|node|connect(?:ed|ing)?\s+to|received\s+from|data\s+from|resolve|resolving|DBENGINE\s+on|instance\s+with\s+name)\s*(?:[:=]\s*)?["'\u2018]` +
    String.raw`|(?:[A-Za-z]{1,20}_)?(?:host(?:name)?|server|peer|parent|upstream|proxy|remote|broker|node)\s*[:=]\s*` +
    String.raw`|(?:resolve\s+host(?:name)?(?!\s+address\b)|connect\s+to\s+host|unknown\s+host|getaddrinfo\s+for|from\s+client)(?:\s*:)?\s+` +
    String.raw`|lookup\s+(?=${NAME}\s+on\s)` +
    String.raw`|(?:connect(?:ed|ing)?|connection)\s+to\s+(?=${NAME}:\d)` +
    String.raw`|\[to\s+` +
    String.raw`|\b(?:udp6?|tcp6?|dtls|tls):|\brrd\/|\bcelery@` +
    String.raw`)(${NAME})(${PORT})${NAME_STOP}`,
  'giu',
);

/** True for a dotted name that ends in a file extension which is no TLD (`go.d`, `a.conf`). */
function isFileName(name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return name.includes('.') && FILE_EXTENSIONS.has(last) && !EXTENSION_TLDS.has(last);
}

/** Keeps words and literals that follow a host word in prose; replaces names. */
function contextHostReplace(match: string, context: string, name: string): string {
  const lower = name.toLowerCase();
  if (NOT_A_NAME.has(lower) || lower === 'localhost' || lower === 'parent') return match;
  if (DIGITS_RE.test(name) || isIPv4(name)) return match;
  if (isFileName(name)) return match;
  // After "server:" prose may follow ("web server: request refused"); a name after a colon
  // must look like one (a digit, dash or dot: `fw01`, `db-1`, `acme.sh`).
  if (COLON_END_RE.test(context) && !NAME_MARK_RE.test(name)) return match;
  return `${context}<host>`;
}

// The resolver's own words after a name: `ping: db01: Name or service not known`.
const RESOLVER_HOST_RE = new RegExp(
  String.raw`(?<![\w.-])(${NAME})(?=: (?:Name or service not known|Temporary failure in name resolution|No address associated with hostname|nodename nor servname provided|Unknown host))`,
  'gu',
);

// uname-style strings (`uname -snrvm`, which net-snmp reports as sysDescr): the second word is
// the node name. BSDs, macOS and Solaris always put it there; for Linux the word is a host when
// `#1 SMP ...` follows the release, or when it is no capitalised word of letters alone (as
// "Linux Mint 21.2" is): `uname -snr` prints `Linux Alice-PC 6.5.0`, WSL `DESKTOP-4JK2L7Q`.
const UNAME_RE = new RegExp(
  String.raw`(?<![\w-])((?:Linux|FreeBSD|OpenBSD|NetBSD|DragonFly|Darwin|SunOS|AIX|HP-UX|Minix|Haiku|GNU|pfSense|OPNsense)\s+)(${NAME})(?=\s+\d+\.\d)`,
  'gu',
);
const UNAME_NOT_HOST = new Set('kernel version release server lite mint desktop'.split(' '));
// Text is normalised to single spaces before the rules run.
const UNAME_TAIL_RE = /^ \S+ (?:#|SMP\b|PREEMPT)/;
const DISTRIBUTION_WORD_RE = /^[A-Z][A-Za-z]*$/;

// Netdata's log tags carry the host they are about: `STREAM_SENDER[child01]`, `HEALTH [db01]`,
// `STREAM CONNECT 'child01'`, and the older `STREAM child01 [receive from ...]`.
const TAG_HOST_RE = new RegExp(
  String.raw`(?<!\w)((?:STREAM(?:_[A-Z]+)?|RRDPUSH|RRDHOST|HEALTH|CTX|REPLAY|REPLICATION|METADATA)(?:\s[A-Z]{2,12})?\s?[\['])(${NAME})(?=[\]'])` +
    String.raw`|(?<!\w)(STREAM\s+)(${NAME})(?=\s+\[(?:receive|send)\b)`,
  'gu',
);
const TAG_NOT_HOST = new Set('localhost parent disabled duplicate'.split(' '));

// Kubernetes pod names: `<deployment>-<replicaset hash>-<5 chars>` or `<name>-<5 chars>`, from
// the consonant-and-digit alphabet Kubernetes uses for them. A pod name is the pod's host name.
const POD_CANDIDATE_RE = /(?<![\w.-])[a-z0-9]+(?:-[a-z0-9]+){1,10}(?![\w-]|\.\w)/gu;
const POD_HASH_RE = /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/;
const POD_SUFFIX_RE = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const HAS_DIGIT_RE = /\d/;
const HAS_LETTER_RE = /[a-z]/;

// Managed Kubernetes node names: GKE `gke-<cluster>-<pool>-<hash>-<id>`,
// AKS `aks-<pool>-<n>-vmss<id>`.
const K8S_NODE_RE =
  /^(?:gke-[a-z0-9-]+-[0-9a-f]{8}-[a-z0-9]{4}|aks-[a-z0-9-]+-\d{8}-vmss[0-9a-z]{6})$/;

/** True for a Kubernetes pod or managed node name. */
function isPodName(name: string): boolean {
  if (K8S_NODE_RE.test(name)) return true;
  const parts = name.split('-');
  // Stryker disable next-line StringLiteral: equivalent; split always returns a last part
  const suffix = parts.at(-1) ?? '';
  if (!POD_SUFFIX_RE.test(suffix)) return false;
  // Stryker disable next-line StringLiteral: equivalent; three parts always have a second-to-last
  if (parts.length >= 3 && POD_HASH_RE.test(parts.at(-2) ?? '')) return true;
  // A lone 5-character suffix (DaemonSet, Job) must mix letters and digits to tell it from a word.
  return HAS_DIGIT_RE.test(suffix) && HAS_LETTER_RE.test(suffix);
}

/** The host rules, in the order they run. */
export const HOST_RULES = {
  // Dotted names first, so later rules see `<host>` rather than half a name.
  dottedName: { name: 'host name (FQDN)', pattern: HOST_RE, replace: dottedNameReplace },
  ec2Host: { name: 'private cloud host name', pattern: EC2_HOST_RE, replace: '<host>' },
  underscoreIp: {
    name: 'IPv4 address in an identifier',
    pattern: UNDERSCORE_IP_RE,
    replace: '$1<ip>',
  },
  contextHost: {
    name: 'host name named as one',
    pattern: CONTEXT_HOST_RE,
    replace: contextHostReplace,
  },
  resolverHost: {
    name: 'host name in a resolver error',
    pattern: RESOLVER_HOST_RE,
    replace: (match: string) => {
      const lower = match.toLowerCase();
      return lower === 'localhost' || NOT_A_NAME.has(lower) ? match : '<host>';
    },
  },
  unameHost: {
    name: 'node name in a uname string',
    pattern: UNAME_RE,
    replace: (match: string, os: string, name: string, offset: number, input: string) => {
      const lower = name.toLowerCase();
      if (NOT_A_NAME.has(lower) || lower === 'localhost') return match;
      const osName = os.trim();
      if (osName !== 'Linux' && osName !== 'GNU') return `${os}<host>`;
      // `#1 SMP` after the release makes it uname output, whatever the word.
      const tail = input.slice(offset + match.length, offset + match.length + 64);
      if (UNAME_TAIL_RE.test(tail)) return `${os}<host>`;
      return DISTRIBUTION_WORD_RE.test(name) || UNAME_NOT_HOST.has(lower) ? match : `${os}<host>`;
    },
  },
  tagHost: {
    name: 'host name in a Netdata log tag',
    pattern: TAG_HOST_RE,
    replace: (match: string, tag?: string, name?: string, stream?: string, oldName?: string) => {
      // Stryker disable next-line StringLiteral: equivalent; one of the pattern's two alternatives always matched
      const prefix = tag ?? stream ?? '';
      // Stryker disable next-line StringLiteral: equivalent; as above
      const host = name ?? oldName ?? '';
      if (TAG_NOT_HOST.has(host.toLowerCase()) || isFileName(host)) return match;
      // The older form's word is a host only in lower or mixed case (`STREAM SND [` is a tag).
      if (stream !== undefined && host === host.toUpperCase()) return match;
      return `${prefix}<host>`;
    },
  },
  podName: {
    name: 'Kubernetes pod name',
    pattern: POD_CANDIDATE_RE,
    replace: (match: string) => (isPodName(match) ? '<host>' : match),
  },
} satisfies Record<string, ScrubRule>;

/** Patterns the host rules apply to a match rather than the whole text (ReDoS test). */
// Stryker disable next-line ArrayDeclaration: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const HOST_HELPER_PATTERNS: readonly RegExp[] = [
  PORT_RE,
  COLON_END_RE,
  NAME_MARK_RE,
  PASCAL_RE,
  DIGITS_RE,
  PATH_SEPARATOR_RE,
  UNAME_TAIL_RE,
  DISTRIBUTION_WORD_RE,
  K8S_NODE_RE,
  POD_HASH_RE,
  POD_SUFFIX_RE,
  HAS_DIGIT_RE,
  HAS_LETTER_RE,
];
