/**
 * Secrets that travel in error messages: private key blocks, well-known key and token formats,
 * HTTP authorisation headers, `--token X` options, `password=` assignments, SNMP communities
 * and long random values. Each becomes `<secret>`; the label before it stays, so the message
 * still says what was wrong.
 */
import { NOT_A_NAME, type Replacer, type ScrubRule } from './scrub-lexicon.ts';

/** A well-known credential format: the pattern of the key itself and a made-up example. */
export interface KeyFormat {
  readonly name: string;
  readonly source: string;
  readonly example: string;
}

/** Key formats recognised anywhere in text, with no label needed. */
export const KEY_FORMATS: readonly KeyFormat[] = [
  {
    name: 'AWS access key id',
    source: '(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}',
    example: 'AKIAIOSFODNN7EXAMPLE',
  },
  {
    name: 'GitHub token',
    source: 'gh[pousr]_[A-Za-z0-9]{36,251}',
    example: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  },
  {
    name: 'GitHub fine-grained token',
    source: 'github_pat_[A-Za-z0-9_]{22,255}',
    example: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  },
  {
    name: 'GitLab token',
    source: 'gl(?:pat|dt|rt|ptt|cbt|imt|oas|ft|soat|agent|wt)-[A-Za-z0-9_-]{20,}',
    example: 'glpat-AbCdEf0123456789xYz_',
  },
  {
    name: 'Slack token',
    source: 'xox[abeoprs]-[A-Za-z0-9-]{10,}',
    example: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp',
  },
  {
    name: 'Slack app token',
    source: String.raw`xapp-\d-[A-Za-z0-9-]{10,}`,
    example: 'xapp-1-A0123-456-abcdef',
  },
  {
    name: 'Google API key',
    source: 'AIza[0-9A-Za-z_-]{35}',
    example: 'AIzaSyA-0123456789abcdefghijklmnopqrstu',
  },
  {
    name: 'Google OAuth access token',
    source: String.raw`ya29\.[0-9A-Za-z_-]{20,}`,
    example: 'ya29.a0AfH6SMBx0123456789abcdef',
  },
  {
    name: 'Stripe key',
    source: '(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}',
    example: 'sk_live_0123456789abcdefABCDEF',
  },
  {
    name: 'Stripe webhook secret',
    source: 'whsec_[0-9A-Za-z]{20,}',
    example: 'whsec_0123456789abcdefABCDEF',
  },
  {
    name: 'OpenAI or Anthropic key',
    source: 'sk-(?:proj-|ant-[a-z0-9]{1,10}-)?[A-Za-z0-9_-]{20,}',
    example: 'sk-proj-0123456789abcdefABCDEF',
  },
  {
    name: 'npm token',
    source: 'npm_[A-Za-z0-9]{36}',
    example: 'npm_0123456789abcdefghijABCDEFGHIJ0123',
  },
  {
    name: 'PyPI token',
    source: 'pypi-[A-Za-z0-9_-]{50,}',
    example: 'pypi-AgEIcHlwaS5vcmcCJDAxMjM0NTY3LTg5YWItY2RlZi0wMTIzLTQ1Njc4OWFiY2RlZgACKlsz',
  },
  {
    name: 'Docker Hub token',
    source: 'dckr_pat_[A-Za-z0-9_-]{20,}',
    example: 'dckr_pat_0123456789abcdefABCDEF',
  },
  {
    name: 'DigitalOcean token',
    source: 'do[opr]_v1_[a-f0-9]{64}',
    example: `dop_v1_${'0123456789abcdef'.repeat(4)}`,
  },
  {
    name: 'HashiCorp Vault token',
    source: String.raw`hv[sbr]\.[A-Za-z0-9_-]{24,}`,
    example: 'hvs.CAESI0123456789abcdefABCDEF',
  },
  {
    name: 'SendGrid key',
    source: String.raw`SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}`,
    example: 'SG.0123456789abcdefABCD.0123456789abcdefABCDEFabcdef',
  },
  {
    name: 'Twilio API key',
    source: 'SK[0-9a-f]{32}',
    example: 'SK0123456789abcdef0123456789abcdef',
  },
  {
    name: 'Shopify token',
    source: 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}',
    example: 'shpat_0123456789abcdef0123456789abcdef',
  },
  {
    name: 'JSON Web Token',
    source: String.raw`eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*`,
    example:
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  },
  {
    name: 'Telegram bot token',
    source: String.raw`\d{8,10}:AA[A-Za-z0-9_-]{33}`,
    example: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1',
  },
];

/**
 * One rule per key format: a key is a whole token, so nothing of a key's alphabet may touch it
 * on either side. Separate patterns rather than one alternation keep each small enough for the
 * ReDoS checker to search exhaustively.
 */
export const KEY_FORMAT_RULES: readonly ScrubRule[] = KEY_FORMATS.map((format) => ({
  name: format.name,
  pattern: new RegExp(String.raw`(?<![A-Za-z0-9_-])(?:${format.source})(?![A-Za-z0-9_-])`, 'g'),
  replace: '<secret>',
}));

// PEM private keys: the armour and everything up to the end line (whitespace is already one
// space by now). A truncated block loses what is left of its body.
// The body ends at the end line or at the first character a PEM body cannot hold.
const PRIVATE_KEY_RE =
  /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----[A-Za-z0-9+/=\s:,-]*?(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----|(?=[^A-Za-z0-9+/=\s:,-])|$)/g;

// The characters a credential value is made of: anything up to a space, quote or bracket.
const VALUE = String.raw`[^\s'"\u0060,;&()\[\]{}<>]`;

// Authorization and API-key headers (`Authorization: Bearer x`, `X-API-Key: x`,
// `Private-Token: x`, also as JSON members). The scheme word stays; the credential goes.
const AUTH_SCHEMES = 'bearer|basic|token|digest|negotiate|apikey|key|sso-key|splunk|dsn';
const AUTH_HEADER_RE = new RegExp(
  String.raw`(?<![\w-])((?:proxy-)?authorization|x-[a-z0-9-]{0,40}(?:key|token|secret|auth|signature|password)|api-?key|private-token)` +
    String.raw`(["']?\s*[:=]\s*["']?)((?:${AUTH_SCHEMES})\s+)?(${VALUE}+)`,
  'giu',
);
const AUTH_SCHEME_RE = new RegExp(String.raw`^(?:${AUTH_SCHEMES})$`, 'i');

// A bearer token outside a header (`using Bearer eyJ...`). One space: text is normalised first.
const BEARER_RE = /(?<![\w-])(bearer\s)([A-Za-z0-9._~+/=-]{8,})/giu;

// Options that take a secret: `--claim-token X`, `--password=X`, `--api-key X`.
const OPTION_SECRET_RE = new RegExp(
  String.raw`(?<![\w-])(--?(?:[a-z0-9]+-){0,4}(?:token|password|passwd|passphrase|pass|secret|api-?key|apikey|community))` +
    String.raw`(\s*=\s*|\s+)(?![-<])(${VALUE}+)`,
  'giu',
);

// `name=value`, `name: value`, `"name": "value"`, `'name' => 'value'`, `$config['name'] = 'value'`
// where the name ends in a secret word (`DB_PASSWORD`, `claim_token`, `aws_secret_access_key`,
// `routing_key`).
const SECRET_WORD =
  'passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|' +
  'account[_-]?key|auth[_-]?key|credentials?|community';
const ASSIGNED_SECRET_RE = new RegExp(
  String.raw`(?<![\w.-])((?:[A-Za-z0-9_.-]{0,40}?[_.-])?pass|[A-Za-z0-9_.-]{0,40}?(?:${SECRET_WORD})|[A-Za-z0-9_.-]{1,40}?[_.-]key)` +
    String.raw`(["']?\]?\s*(?:=>|=|:)\s*["']?)(${VALUE}+)`,
  'giu',
);

// Names whose value is a password: any value is secret, however short (`password=abc`).
const PASSWORD_NAME_RE = /(?:pass(?:w(?:or)?d|phrase)?|community)$/i;
// SNMP's well-known default communities name nothing private.
const DEFAULT_COMMUNITY_RE = /^(?:public|private)$/i;

// SNMP command lines (LibreNMS debug output): `-c community`, `-A`/`-X` v3 passphrases.
const SNMP_COMMAND_RE = /\bsnmp[a-z]{0,12}\s[^|;]{0,400}/giu;
const SNMP_SECRET_OPTION_RE = /(\s-[cAX]\s*)(?!<|-)(\S+)/gu;

// Long random tokens with no label: upper and lower case and digits in one run.
const RANDOM_TOKEN_RE = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+_-]{32,}={0,2}(?![A-Za-z0-9+/_=-])/gu;

const HAS_DIGIT_RE = /\d/;
const TEMPLATE_RE = /^[$%]/;
const NEXT_PAIR_RE = /^\w+=/;
const COMMUNITY_NAME_RE = /community$/i;

/** True for a value that reads as random: long, or holding a digit (`password: YES` stays). */
function looksRandom(value: string): boolean {
  return value.length >= 6 && (HAS_DIGIT_RE.test(value) || value.length >= 16);
}

/** True for a value that is a placeholder word, a template or a format, not a credential. */
function isNotAValue(value: string): boolean {
  return NOT_A_NAME.has(value.toLowerCase()) || TEMPLATE_RE.test(value);
}

/** True for a token with at least two digits, two lower-case and two upper-case letters. */
function mixesCases(token: string): boolean {
  let digits = 0;
  let lower = 0;
  let upper = 0;
  for (const char of token) {
    if (char >= '0' && char <= '9') digits++;
    else if (
      char >= 'a' &&
      // Stryker disable next-line ConditionalExpression: equivalent; a token (RANDOM_TOKEN_RE) holds nothing above 'z'
      char <= 'z'
    )
      lower++;
    else if (char >= 'A' && char <= 'Z') upper++;
    if (digits >= 2 && lower >= 2 && upper >= 2) return true;
  }
  return false;
}

const secretValue: Replacer = (match: string, label: string, separator: string, value: string) => {
  // `password= rhost=...`: an empty value, then the next pair.
  if (isNotAValue(value) || NEXT_PAIR_RE.test(value)) return match;
  if (PASSWORD_NAME_RE.test(label)) {
    if (COMMUNITY_NAME_RE.test(label) && DEFAULT_COMMUNITY_RE.test(value)) return match;
    return `${label}${separator}<secret>`;
  }
  return looksRandom(value) ? `${label}${separator}<secret>` : match;
};

/** The secret rules, in the order they run. */
export const SECRET_RULES = {
  privateKey: { name: 'private key block', pattern: PRIVATE_KEY_RE, replace: '<secret>' },
  authHeader: {
    name: 'authorization or API-key header',
    pattern: AUTH_HEADER_RE,
    replace: (
      match: string,
      name: string,
      sep: string,
      scheme: string | undefined,
      value: string,
    ) =>
      // Without a scheme group, a lone scheme word is not the credential (`Bearer <secret>`).
      (scheme === undefined && AUTH_SCHEME_RE.test(value)) || isNotAValue(value)
        ? match
        : `${name}${sep}${scheme ?? ''}<secret>`,
  },
  bearer: {
    name: 'bearer token',
    pattern: BEARER_RE,
    replace: (match: string, label: string, value: string) =>
      looksRandom(value) ? `${label}<secret>` : match,
  },
  optionSecret: { name: 'secret option value', pattern: OPTION_SECRET_RE, replace: secretValue },
  assignedSecret: { name: 'secret assignment', pattern: ASSIGNED_SECRET_RE, replace: secretValue },
  snmpCommunity: {
    name: 'SNMP community or passphrase on a command line',
    pattern: SNMP_COMMAND_RE,
    replace: (command: string) =>
      command.replace(SNMP_SECRET_OPTION_RE, (option: string, flag: string, value: string) =>
        DEFAULT_COMMUNITY_RE.test(value) ? option : `${flag}<secret>`,
      ),
  },
  randomToken: {
    name: 'long random token',
    pattern: RANDOM_TOKEN_RE,
    replace: (token: string) => (mixesCases(token) ? '<secret>' : token),
  },
} satisfies Record<string, ScrubRule>;

/** Patterns the secret rules apply to a match rather than the whole text (ReDoS test). */
// Stryker disable next-line ArrayDeclaration: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const SECRET_HELPER_PATTERNS: readonly RegExp[] = [
  AUTH_SCHEME_RE,
  PASSWORD_NAME_RE,
  DEFAULT_COMMUNITY_RE,
  SNMP_SECRET_OPTION_RE,
  TEMPLATE_RE,
  NEXT_PAIR_RE,
  COMMUNITY_NAME_RE,
  HAS_DIGIT_RE,
];
