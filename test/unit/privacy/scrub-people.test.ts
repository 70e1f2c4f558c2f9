import { describe, expect, test } from 'vitest';
import { scrubFreeText } from '../../../functions/src/privacy/scrub.ts';

// The people and id rules (scrub-people.ts) at the edges a mutation run showed unpinned
// (issue 19): each row fails if the rule is weakened there. The corpus holds the everyday cases.
const scrubbed = (input: string): string => scrubFreeText(input, 2000);

describe('group names in id(1) output', () => {
  test.each([
    // Every entry of the list is looked at, not only the first: ids of any length, names of
    // any length.
    ['groups=1000(alice),1001(bob),1002(carol)', 'groups=1000(<user>),1001(<user>),1002(<user>)'],
    ['groups=1000(alice)', 'groups=1000(<user>)'],
    ['groups=27(sudo),1001(bob)', 'groups=27(sudo),1001(<user>)'],
    // An empty name names nobody.
    ['groups=1000(alice),1001()', 'groups=1000(<user>),1001()'],
    // SSSD's fully qualified names are e-mail addresses: the earlier rule's placeholder stays.
    [
      'uid=1234(alice@corp.example.com) groups=1234(alice@corp.example.com),1100(admins@corp.example.com)',
      'uid=1234(<email>) groups=1234(<email>),1100(<email>)',
    ],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('"User" alone names someone only in sshd\'s "User x from"', () => {
  test.each([
    ['User bob from 10.0.0.9 not allowed', 'User <user> from <ip> not allowed'],
    ['user bob from 10.0.0.9 not allowed', 'user <user> from <ip> not allowed'],
    // "from" must come right after the name.
    ['User bob x from 10.0.0.9', 'User bob x from <ip>'],
    ['User requested reinstall from the menu', 'User requested reinstall from the menu'],
    // A word glued to "from" is another word.
    ['User bob fromage', 'User bob fromage'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('LDAP distinguished names', () => {
  test.each([
    // A name may start with a digit; only a bare number (`uid=1000 `) is no name.
    ['uid=2ndadmin,ou=people,dc=corp,dc=example,dc=com', 'uid=<user>,ou=people,dc=<host>'],
    ['cn=2fa-users,ou=groups,dc=example,dc=com', 'cn=<user>,ou=groups,dc=<host>'],
    // A DN that ends the message, or whose parts are separated by spaces.
    ['ldap_bind: uid=jdoe', 'ldap_bind: uid=<user>'],
    ['bind as cn=John Doe', 'bind as cn=<user>'],
    ['uid=jdoe ou=people', 'uid=<user> ou=people'],
    // The domain goes as one, with or without a space after each comma.
    ['dc=example, dc=com', 'dc=<host>'],
    ['search base ou=people,dc=example, dc=com failed', 'search base ou=people,dc=<host> failed'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('cloud ids, ARNs and key fingerprints', () => {
  test.each([
    // AWS's older 8-hex ids as well as the 17-hex ones.
    ['i-1a2b3c4d terminated', '<id> terminated'],
    ['volume vol-0a1b2c3d attached', 'volume <id> attached'],
    // The account in an ARN of any partition and any region.
    ['arn:aws-us-gov:iam::123456789012:role/x', 'arn:aws-us-gov:iam::<id>:role/x'],
    ['arn:aws:sns:eu-west-1:123456789012:alerts', 'arn:aws:sns:eu-west-1:<id>:alerts'],
    // A fingerprint inside a sentence, not only at its end.
    [
      'key SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 (ED25519) added',
      'key SHA256:<id> (ED25519) added',
    ],
    // Labels written as one word, and values right after `=`.
    ['instanceId: 1234567890123456789', 'instanceId: <id>'],
    ['project_id=acme-prod-42', 'project_id=<id>'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});

describe('serial numbers and service tags', () => {
  test.each([
    // Values that say "no serial" stay, in any case.
    ['System Serial Number: 0', 'System Serial Number: 0'],
    ['Service Tag: UNKNOWN', 'Service Tag: UNKNOWN'],
    ['Asset Tag: NOTSPECIFIED', 'Asset Tag: NOTSPECIFIED'],
    // A tag without a digit is one only when all of it is capitals (and digits).
    ['svc tag: ABCDEFG', 'svc tag: <serial>'],
    ['asset tag: ABCDEFG', 'asset tag: <serial>'],
    ['asset tag: Pending-REVIEW', 'asset tag: Pending-REVIEW'],
    ['asset tag: PENDING-review', 'asset tag: PENDING-review'],
    ['service tag lookup failed', 'service tag lookup failed'],
    // A serial number needs a digit, whatever its case.
    ['Serial: DISABLED', 'Serial: DISABLED'],
  ])('%s', (input, expected) => {
    expect(scrubbed(input)).toBe(expected);
  });
});
