/**
 * What names a person or one machine: user names (home, profile and mail-spool paths, `~user`,
 * `uid=N(name)`, ssh/sudo/database messages), unique ids (UUIDs, machine and container ids,
 * cloud instance ids) and serial numbers. System accounts (`root`, `netdata`) stay: they name
 * nobody.
 */
import { ACCOUNT, isSystemAccount, NOT_A_NAME, type ScrubRule } from './scrub-lexicon.ts';

// /home/<user>, /Users/<user>, mail spools, cron tabs, C:\Users\<user> (also with
// JSON-doubled backslashes or forward slashes), `\Users\<user>` after a UNC share.
const HOME_RE = new RegExp(
  String.raw`(\/(?:home|Users|var\/mail|var\/spool\/mail|var\/spool\/cron\/crontabs)\/+` +
    String.raw`|(?<![A-Za-z])[A-Za-z]:(?:\\{1,2}|\/)(?:[Uu]sers|Documents and Settings)(?:\\{1,2}|\/)` +
    String.raw`|(?<![\\:])\\{1,2}(?:[Uu]sers|home|homes)\\{1,2})` +
    String.raw`([^\s\\/'"<>:;,|*?()\[\]{}\u2026]+)`,
  'gu',
);

// ~alice/.netdata (but not ~/ or ~2 GB).
const TILDE_USER_RE = new RegExp(String.raw`(?<![\w~\/.-])~(${ACCOUNT})(?=\/)`, 'gu');

// id(1) output: uid=1000(alice) gid=1000(alice) groups=1000(alice),27(sudo).
const ID_NAME_RE = new RegExp(
  String.raw`(?<![\w])((?:e|r|s|fs)?[ug]id=\d{1,10}\()(${ACCOUNT})(?=\))`,
  'gu',
);
const GROUPS_RE =
  /(?<![\w])(groups=)(\d{1,10}\([^()\s]{0,64}\)(?:,\d{1,10}\([^()\s]{0,64}\)){0,64})/gu;
// An empty `()` names nobody: only names are looked at.
const GROUP_NAME_RE = /\(([^()]+)\)/gu;

// Unquoted names after sshd, PAM and application phrases: "Failed password for alice",
// "Invalid user bob from", "session opened for user carol", "by user dave: not authorized".
const USER_PHRASE_RE = new RegExp(
  String.raw`(?<![\w-])((?:(?:Accepted|Failed)\s+[\w\/-]{1,40}\s+for|password\s+for|(?:for|by|from|of|as)\s+user|(?:invalid|illegal|authenticating|unknown)\s+user|User|\(to\s+[\w.-]{1,32}\))\s+(?:(?:invalid|illegal)\s+)?(?:user\s+)?` +
    String.raw`|Login\s+(?:incorrect|OK)(?:\s+\([^()]{0,80}\))?:\s+\[)(${ACCOUNT})`,
  'giu',
);

// Quoted names after a user word: PostgreSQL's `for user "alice"`, `role "alice"`, MySQL's
// `user 'bob'@'localhost'`.
const QUOTED_USER_RE = new RegExp(
  String.raw`(?<![\w-])((?:user(?:name)?|role|login|owner|account)\s+["'\u2018])(${ACCOUNT})(?=["'\u2019])`,
  'giu',
);

// Assigned names: `user=alice`, `DB_USERNAME=alice`, `logname=alice`, `"username": "alice"`;
// not AWS's `User: arn:aws:...`, where the word is a scheme.
const ASSIGNED_USER_RE = new RegExp(
  String.raw`(?<![\w.-])((?:[A-Za-z]{1,20}_)?(?:user(?:name)?|login|logname|ruser|luser|owner)["']?(?:\s*:\s*|\s*=)["']?)(${ACCOUNT})(?![\p{L}\p{N}_.-]|:\S)`,
  'giu',
);

// sudo's own messages ("sudo: alice : TTY=pts/0 ; ...", "alice is not in the sudoers file") and
// PAM's "by alice(uid=1000)".
const SUDO_USER_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.-])(${ACCOUNT})(?= is not (?:in the sudoers file|allowed to run sudo)| : (?:user NOT in sudoers|\d+ incorrect password attempts?|TTY=|command not allowed)|\(uid=\d)`,
  'gu',
);

// LDAP distinguished names: `uid=jdoe,ou=people,dc=corp,dc=example,dc=com`. The person and the
// domain go; the organisational units stay.
const LDAP_USER_RE =
  /(?<![\w-])((?:uid|cn)=)(?!\d+[,()\s]|<)([^,;()=<>\s][^,;()=<>]{0,63}?)(?=,|\)|$|\s(?:ou|dc)=)/giu;
const LDAP_DOMAIN_RE = /(?<![\w-])(dc=)(?!<)[\w-]{1,63}(?:,\s?dc=[\w-]{1,63}){0,9}/giu;

/** Replaces a user name unless it is a system account or a word of prose. */
const userName = (match: string, label: string, name: string): string =>
  isSystemAccount(name) || NOT_A_NAME.has(name.toLowerCase()) ? match : `${label}<user>`;

// Unique ids: UUIDs (Netdata machine GUIDs, OpenWISP device ids, Celery task ids), 32-hex
// machine-ids and 64-hex container ids and digests. A prefix such as `machine-` stays.
// systemd cgroup names spell a pod's UUID with underscores right after `pod`.
const UUID_RE =
  /(?:(?<![0-9A-Za-z])|(?<=[-_]pod))[0-9A-Fa-f]{8}([-_])[0-9A-Fa-f]{4}\1[0-9A-Fa-f]{4}\1[0-9A-Fa-f]{4}\1[0-9A-Fa-f]{12}(?![0-9A-Za-z])/gu;
const HEX_ID_RE = /(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{32})(?![0-9A-Za-z])/gu;
// AWS resource ids (`i-0abc...`, `vol-...`) and the account in an ARN.
const CLOUD_ID_RE =
  /(?<![\w-])(?:i|vol|eni|snap|ami|sg|subnet|vpc|igw|rtb|eipalloc|nat|lt)-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![\w-])/gu;
const ARN_ACCOUNT_RE = /(\barn:aws[a-z-]{0,20}:[a-z0-9-]{0,40}:[a-z0-9-]{0,40}:)\d{12}(?=:)/gu;
// SSH key fingerprints name one key, and so one machine or person.
const FINGERPRINT_RE = /(SHA256:)[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/])/gu;
// Ids behind a label (`instance id 1234567890123456789`, `"project_id": "my-proj-123"`).
const LABELLED_ID_RE =
  /(?<![\w.-])((?:instance|vm|droplet|node|machine|project|account|subscription|tenant|organization|org|customer|processor|system|device|hardware)[_ -]?(?:id|uuid|guid)["']?\s*(?:[:=#]\s*)?["']?)([A-Za-z0-9][\w-]{3,})/giu;
const HAS_DIGIT_RE = /\d/;

// Serial numbers and service tags: the token after such a label, as prose or JSON.
const SERIAL_RE = new RegExp(
  String.raw`(?<![\p{L}\p{M}\p{N}_])((?:s\/n|sn(?=["']?\s*[:=#])|(?:(?:chassis|system|board|hw)[\s_-]?)?(?:serial[\s_-]?(?:number|num|nr|no)\.?|serialnumber|serialno|serial)|service[\s_-]?tag|svc[\s_-]?tag|asset[\s_-]?tag)` +
    String.raw`(?![\p{L}\p{M}\p{N}_])["']?\s*(?:[:=#]\s*)?["']?)` +
    String.raw`([\p{L}\p{M}\p{N}]+(?:[._/-][\p{L}\p{M}\p{N}]+)*)`,
  'giu',
);
// Values that say "no serial" rather than being one.
const NOT_A_SERIAL = new Set(
  'n/a na none null unknown notspecified not default empty tbd oem 0 port console number ttys'.split(
    ' ',
  ),
);
const UPPER_SERIAL_RE = /^[A-Z0-9]{5,20}$/;
// Only a tag label holds one of these words (and starts with it).
const TAG_LABEL_RE = /service|svc|asset/i;

/** The people and id rules, in the order they run. */
export const PEOPLE_RULES = {
  homePath: {
    name: 'user name in a home, profile or mail path',
    pattern: HOME_RE,
    replace: '$1<user>',
  },
  tildeUser: {
    name: 'user name in a ~user path',
    pattern: TILDE_USER_RE,
    replace: (match: string, name: string) => (isSystemAccount(name) ? match : '~<user>'),
  },
  idName: { name: 'user name in uid=N(name)', pattern: ID_NAME_RE, replace: userName },
  groups: {
    name: 'group names in groups=N(name),...',
    pattern: GROUPS_RE,
    replace: (_match: string, label: string, list: string) =>
      label +
      list.replace(GROUP_NAME_RE, (group: string, name: string) =>
        // A placeholder an earlier rule left (SSSD's `alice@corp.example.com` is `<email>`) stays.
        name.startsWith('<') || isSystemAccount(name) ? group : '(<user>)',
      ),
  },
  userPhrase: {
    name: 'user name in an ssh, PAM or application message',
    pattern: USER_PHRASE_RE,
    replace: (match: string, label: string, name: string, offset: number, input: string) => {
      // "User" alone names someone only in sshd's "User alice from ... not allowed".
      // Text is normalised before the rules run, so words are one space apart.
      const from = input.startsWith(' from ', offset + match.length);
      if (label.trim().toLowerCase() === 'user' && !from) return match;
      return userName(match, label, name);
    },
  },
  quotedUser: {
    name: 'quoted database or login user name',
    pattern: QUOTED_USER_RE,
    replace: userName,
  },
  assignedUser: { name: 'user name assignment', pattern: ASSIGNED_USER_RE, replace: userName },
  sudoUser: {
    name: 'user name in a sudo message',
    pattern: SUDO_USER_RE,
    replace: (match: string) => userName(match, '', match),
  },
  ldapUser: { name: 'user name in an LDAP DN', pattern: LDAP_USER_RE, replace: userName },
  ldapDomain: { name: 'domain in an LDAP DN', pattern: LDAP_DOMAIN_RE, replace: '$1<host>' },
  uuid: { name: 'UUID', pattern: UUID_RE, replace: '<id>' },
  hexId: { name: '32- or 64-hex id', pattern: HEX_ID_RE, replace: '<id>' },
  cloudId: { name: 'cloud resource id', pattern: CLOUD_ID_RE, replace: '<id>' },
  arnAccount: { name: 'AWS account in an ARN', pattern: ARN_ACCOUNT_RE, replace: '$1<id>' },
  fingerprint: { name: 'SSH key fingerprint', pattern: FINGERPRINT_RE, replace: '$1<id>' },
  labelledId: {
    name: 'labelled instance, project or account id',
    pattern: LABELLED_ID_RE,
    replace: (match: string, label: string, value: string) =>
      HAS_DIGIT_RE.test(value) ? `${label}<id>` : match,
  },
  serial: {
    name: 'serial number or service tag',
    pattern: SERIAL_RE,
    replace: (match: string, label: string, value: string) => {
      if (NOT_A_SERIAL.has(value.toLowerCase())) return match;
      // A serial holds a digit ("serial console" stays); a service tag may be letters only.
      const serialLike =
        HAS_DIGIT_RE.test(value) || (TAG_LABEL_RE.test(label) && UPPER_SERIAL_RE.test(value));
      return serialLike ? `${label}<serial>` : match;
    },
  },
} satisfies Record<string, ScrubRule>;

/** Patterns the people rules apply to a match rather than the whole text (ReDoS test). */
// Stryker disable next-line ArrayDeclaration: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const PEOPLE_HELPER_PATTERNS: readonly RegExp[] = [
  GROUP_NAME_RE,
  HAS_DIGIT_RE,
  UPPER_SERIAL_RE,
  TAG_LABEL_RE,
];
