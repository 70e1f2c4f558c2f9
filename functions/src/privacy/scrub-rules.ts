/**
 * The scrubber's rules in the order they run. Order matters: each rule replaces what the ones
 * after it could misread (a URL's `user:pw@host` is no e-mail address; `/home/alice.smith` is
 * no host; a UUID's last group is no MAC).
 */
import { NETWORK_HELPER_PATTERNS, NETWORK_RULES as net } from './scrub-network.ts';
import { HOST_HELPER_PATTERNS, HOST_RULES as host } from './scrub-hosts.ts';
import { LEXICON_PATTERNS, type ScrubRule } from './scrub-lexicon.ts';
import { PEOPLE_HELPER_PATTERNS, PEOPLE_RULES as people } from './scrub-people.ts';
import {
  KEY_FORMAT_RULES,
  SECRET_HELPER_PATTERNS,
  SECRET_RULES as secret,
} from './scrub-secrets.ts';

/** Every rule, in order. */
export const SCRUB_RULES: readonly ScrubRule[] = [
  // Secrets first: a key block or token may contain anything the later rules look for.
  secret.privateKey,
  net.url,
  ...KEY_FORMAT_RULES,
  secret.authHeader,
  secret.bearer,
  secret.optionSecret,
  secret.assignedSecret,
  secret.snmpCommunity,
  // E-mail before user and host rules, so the local part goes too.
  net.email,
  // Paths and user names before hosts: `/home/alice.smith` names a person, not a machine.
  people.homePath,
  people.tildeUser,
  people.idName,
  people.groups,
  people.userPhrase,
  people.quotedUser,
  people.assignedUser,
  people.sudoUser,
  people.ldapUser,
  people.ldapDomain,
  // Ids before addresses: a UUID's last group would read as a MAC.
  people.uuid,
  people.hexId,
  people.cloudId,
  people.arnAccount,
  people.fingerprint,
  people.labelledId,
  net.unc,
  net.ipv6,
  net.mac,
  net.bareMac,
  // Hosts before IPv4, so `10.0.0.5.nip.io` goes as one name.
  host.dottedName,
  host.ec2Host,
  host.underscoreIp,
  host.contextHost,
  host.resolverHost,
  host.unameHost,
  host.tagHost,
  host.podName,
  net.ipv4,
  // Serials after addresses: a label followed by an address keeps the address placeholder.
  people.serial,
  // Last, so that labelled values already carry their own placeholder.
  secret.randomToken,
];

/** Every regular expression the scrubber runs, on the text or on a match (ReDoS test). */
// Stryker disable next-line ArrayDeclaration,ArrowFunction: read only by the ReDoS test (`npm run test:redos`), outside the unit suite
export const SCRUB_PATTERNS: readonly RegExp[] = [
  ...SCRUB_RULES.map((rule) => rule.pattern),
  ...LEXICON_PATTERNS,
  ...SECRET_HELPER_PATTERNS,
  ...NETWORK_HELPER_PATTERNS,
  ...HOST_HELPER_PATTERNS,
  ...PEOPLE_HELPER_PATTERNS,
];
