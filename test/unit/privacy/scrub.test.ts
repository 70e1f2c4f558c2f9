import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { PLACEHOLDERS } from '../../../functions/src/privacy/scrub-lexicon.ts';
import { SCRUB_RULES } from '../../../functions/src/privacy/scrub-rules.ts';
import { KEY_FORMATS } from '../../../functions/src/privacy/scrub-secrets.ts';
import { scrubAttributeValue, scrubFreeText } from '../../../functions/src/privacy/scrub.ts';

interface CorpusCase {
  name: string;
  input: string;
  maxLength?: number;
  expected: string;
}

// Failure messages are the longest free text the schema accepts.
const DEFAULT_MAX = 2000;

const corpus: CorpusCase[] = JSON.parse(
  readFileSync(new URL('../../fixtures/scrub-corpus.json', import.meta.url), 'utf8'),
);

// A case "must change" when its expectation holds a placeholder its input does not.
const placeholderCount = (text: string): number =>
  PLACEHOLDERS.reduce((sum, placeholder) => sum + text.split(placeholder).length - 1, 0);
const mustChange = corpus.filter((c) => placeholderCount(c.expected) > placeholderCount(c.input));

describe('scrubFreeText corpus', () => {
  test('has enough realistic cases, both what must change and what must survive', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(250);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    expect(mustChange.length).toBeGreaterThanOrEqual(100);
    expect(corpus.length - mustChange.length).toBeGreaterThanOrEqual(100);
  });

  test.each(corpus)('$name', ({ input, maxLength, expected }) => {
    const max = maxLength ?? DEFAULT_MAX;
    expect(scrubFreeText(input, max)).toBe(expected);
    // Expectations are themselves fixed points: scrubbing stored text changes nothing.
    expect(scrubFreeText(expected, max)).toBe(expected);
  });
});

describe('well-known key formats', () => {
  test.each(KEY_FORMATS)('$name is replaced wherever it stands', ({ example }) => {
    for (const text of [example, `auth failed: ${example}`, `(${example}).`, `"${example}"`]) {
      const out = scrubFreeText(text, 2000);
      expect(out).not.toContain(example);
      expect(out).toContain('<secret>');
    }
  });

  test.each(KEY_FORMATS)('$name glued inside a longer token is not a key', ({ example }) => {
    // The formats are whole tokens; a key-like run inside a word is left to the other rules.
    expect(scrubFreeText(`x${example}`, 2000)).not.toBe(`x<secret>`);
  });
});

// Behaviour a mutation run showed unpinned (issue 19): each row fails if the rule is weakened.
describe('secret values', () => {
  test.each([
    ['PASSWORD=hunter2', 'PASSWORD=<secret>'],
    ['Password: hunter2', 'Password: <secret>'],
    ['DB_PASSWORD=abc', 'DB_PASSWORD=<secret>'],
    ['Api_Key=Zx81Qp0LmN', 'Api_Key=<secret>'],
    ['--Claim-Token Zx81Qp0LmN', '--Claim-Token <secret>'],
    ['AUTHORIZATION: BEARER abc123def456', 'AUTHORIZATION: BEARER <secret>'],
    ['x-api-key: 9f8e7d6c5b4a', 'x-api-key: <secret>'],
  ])('names match in any case: %s', (input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });

  // A token value without a digit is secret from 16 characters on; one with a digit from 6.
  test.each([
    ['token=abcdefghijklmno', 'token=abcdefghijklmno'],
    ['token=abcdefghijklmnop', 'token=<secret>'],
    ['token=abcdefghijklmnopq', 'token=<secret>'],
    ['token=abc12', 'token=abc12'],
    ['token=abc123', 'token=<secret>'],
    ['--api-key abcdefghijklmno', '--api-key abcdefghijklmno'],
    ['--api-key abcdefghijklmnop', '--api-key <secret>'],
    ['Bearer abcdefghijklmno', 'Bearer abcdefghijklmno'],
    ['Bearer abcdefghijklmnop', 'Bearer <secret>'],
  ])('the long-random-value rule at its boundary: %s', (input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });

  // A password is secret however short; words that answer a question are not passwords.
  test.each([
    ['password=q', 'password=<secret>'],
    ['passwd: ab', 'passwd: <secret>'],
    ['using password: YES', 'using password: YES'],
    ['password: none', 'password: none'],
    ['password=%s', 'password=%s'],
  ])('password values: %s', (input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });
});

// Each secret rule at the edges of what it takes: every row fails if the rule is weakened there.
describe('secret rules at their edges', () => {
  test.each([
    // PKCS#8 names no algorithm; PKCS#1 and OpenSSH one word.
    [
      'PKCS#8 block',
      'key: -----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC -----END PRIVATE KEY----- loaded',
      'key: <secret> loaded',
    ],
    [
      'PKCS#1 block',
      'key: -----BEGIN RSA PRIVATE KEY----- MIIEpAIBAAKCAQEA7x -----END RSA PRIVATE KEY----- loaded',
      'key: <secret> loaded',
    ],
    [
      'encrypted PKCS#8 block',
      'key: -----BEGIN ENCRYPTED PRIVATE KEY----- MIIFHzBJBgkqhkiG9w0BBQ0w -----END ENCRYPTED PRIVATE KEY----- ok',
      'key: <secret> ok',
    ],
    // A message cut inside the key loses the rest of the body.
    [
      'block cut before its end line',
      'key: -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA',
      'key: <secret>',
    ],
    ['block cut right after its armour', 'key: -----BEGIN RSA PRIVATE KEY-----', 'key: <secret>'],
  ])('private key: %s', (_case, input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });

  test.each([
    // Header names whose value is a credential however it looks, with or without a scheme.
    ['Private-Token: abcdefgh', 'Private-Token: <secret>'],
    ['X-Auth-Token: abcdefgh', 'X-Auth-Token: <secret>'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic <secret>'],
    // A scheme word alone is no credential; after a scheme, even a scheme word is one.
    ['Authorization: Bearer', 'Authorization: Bearer'],
    ['Authorization: Basic digest', 'Authorization: Basic <secret>'],
    ['Private-Token: none', 'Private-Token: none'],
  ])('authorization headers: %s', (input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });

  test.each([
    // A name ending in "pass" names a password: any value is secret.
    ['DB_PASS=abc', 'DB_PASS=<secret>'],
    ['SMTP_PASS: abc', 'SMTP_PASS: <secret>'],
    // A name that only starts with "password" names something else: its value is secret only
    // when it looks random.
    ['password_policy_key=strict', 'password_policy_key=strict'],
    ['password_policy_key=str1ct9', 'password_policy_key=<secret>'],
    // SNMP's default communities name nothing private; only whole values are defaults.
    ['community=public', 'community=public'],
    ['community=private1', 'community=<secret>'],
    ['community=mypublic', 'community=<secret>'],
    // A password-named field is a password even if "community" is in its name.
    ['community_pass=public', 'community_pass=<secret>'],
    // `password= rhost=...` (PAM): an empty value, then the next pair, which stays.
    ['password= rhost=db01', 'password= rhost=db01'],
    // A base64 password with padding is no `name=` pair.
    ['password=Zm9v/YmFy==', 'password=<secret>'],
  ])('assignments: %s', (input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });

  test.each([
    ['snmpwalk -v2c -c public 10.0.0.1', 'snmpwalk -v2c -c public <ip>'],
    ['snmpwalk -v2c -c publicity 10.0.0.1', 'snmpwalk -v2c -c <secret> <ip>'],
    ['snmpwalk -v2c -c mypublic 10.0.0.1', 'snmpwalk -v2c -c <secret> <ip>'],
    // net-snmp takes an option's value glued to it.
    ['snmpget -v2c -cs3cr3t 10.0.0.1 sysDescr.0', 'snmpget -v2c -c<secret> <ip> sysDescr.0'],
    [
      'snmpget -v3 -l authPriv -A authpass9 -X privpass9 sw1',
      'snmpget -v3 -l authPriv -A <secret> -X <secret> sw1',
    ],
    // A daemon's log tag is no command line.
    [
      'snmptrapd: -c mycommunity is not a flag here',
      'snmptrapd: -c mycommunity is not a flag here',
    ],
  ])('SNMP command lines: %s', (input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });

  // An unlabelled run of 32 or more token characters is secret when it holds at least two
  // digits, two lower-case and two upper-case letters. `_` and `-` count as none of them, so
  // each row below holds exactly the letters and digits it names.
  const padded = (core: string, pad = '_'): string => core + pad.repeat(32 - core.length);
  test.each([
    ['two of each, at the ends of each range', padded('a0z9AZ'), true],
    ['two of each, in another order', padded('Zz99Aa'), true],
    ['one digit', padded('a0zbAZ'), false],
    // `-` and `+` sort before the digits: they must not count as digits either.
    ['one digit, padded with dashes', padded('a0zbAZ', '-'), false],
    ['one digit, padded with pluses', padded('a0zbAZ', '+'), false],
    ['one lower-case letter', padded('A0Z9bQ'), false],
    ['one upper-case letter', padded('a0z9A'), false],
    ['one upper-case letter, padded with dashes', padded('a0z9A', '-'), false],
    ['no digit', 'NetData_ConfigDirectoryNotFoundEr', false],
    ['no lower-case letter', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ123456AB', false],
    ['no upper-case letter', '12ab34cd56ef78ab90cd12ef34ab56cd78', false],
    ['upper-case words only', 'NETDATA_CONFIG_DIRECTORY_NOT_FOUND_ERR', false],
    ['lower-case words only', 'netdata_plugin_cgroups_network_interfaces', false],
    ['a real token', 'Kp3xVb9Qm2Lr7Tz4Wn8Yc5Hd6Jf1Gs0Ea', true],
  ])('long random tokens: %s', (_case, token, secret) => {
    expect(scrubFreeText(`got ${token} back`, 2000)).toBe(
      secret ? 'got <secret> back' : `got ${token} back`,
    );
  });
  test('a token needs 32 characters', () => {
    const short = 'Kp3xVb9Qm2Lr7Tz4Wn8Yc5Hd6Jf1Gs0E';
    expect(short).toHaveLength(32);
    expect(scrubFreeText(`got ${short} back`, 2000)).toBe('got <secret> back');
    expect(scrubFreeText(`got ${short.slice(1)} back`, 2000)).toBe(`got ${short.slice(1)} back`);
  });
});

// Rule names are what the ReDoS checker, the test names and the README call each rule.
test('every rule has a name of its own', () => {
  const names = SCRUB_RULES.map((rule) => rule.name);
  expect(names.every((name) => name.trim().length > 0)).toBe(true);
  expect(new Set(names).size).toBe(names.length);
});

describe('every rule replaces every occurrence', () => {
  test('every pattern is global', () => {
    for (const rule of SCRUB_RULES) expect(rule.pattern.flags, rule.name).toContain('g');
  });

  test.each([
    ['IPv4', '10.0.0.1', '<ip>'],
    ['IPv4 with port', '192.168.1.2:161', '<ip>'],
    ['IPv6', '2001:db8::1', '<ip>'],
    ['MAC', '00:1a:2b:3c:4d:5e', '<mac>'],
    ['MAC without separators', '001a2b3c4d5e', '<mac>'],
    ['e-mail', 'ops@example.com', '<email>'],
    ['host name', 'db01.example.com', '<host>'],
    ['home directory', '/home/alice', '/home/<user>'],
    ['Windows profile', 'C:\\Users\\bob', 'C:\\Users\\<user>'],
    ['mail spool', '/var/mail/carol', '/var/mail/<user>'],
    ['~user path', '~dave/x', '~<user>/x'],
    ['uid name', 'uid=1000(erin)', 'uid=1000(<user>)'],
    ['UUID', '2f2c8c8a-0a5b-4d32-9c6d-b1b0c8f9a7e1', '<id>'],
    ['32-hex id', '4c4c4544004a3510804cb4c04f4e3332', '<id>'],
    ['instance id', 'i-0abcdef1234567890', '<id>'],
    ['serial', 'S/N FCW2140L0GH', 'S/N <serial>'],
    ['password', 'password=x', 'password=<secret>'],
    ['AWS key', 'AKIAIOSFODNN7EXAMPLE', '<secret>'],
    ['pod name', 'web-5d8f7c9b6-x7k2p', '<host>'],
    ['glued IPv4', 'host-10.0.0.9', 'host-<ip>'],
  ])('five or more in one message: %s', (_kind, token, replaced) => {
    const input = Array.from({ length: 6 }, () => token).join(' ; ');
    const expected = Array.from({ length: 6 }, () => replaced).join(' ; ');
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });
});

describe('length cap', () => {
  // Each placeholder, cut at every point inside it and right after it: a cut inside drops the
  // whole placeholder, never leaves `<ho` or `<secr`.
  const cutRows = PLACEHOLDERS.flatMap((placeholder) => {
    const text = `error at ${placeholder} now`;
    const inside = Array.from({ length: placeholder.length }, (_, i) => ({
      placeholder,
      text,
      max: 'error at '.length + 1 + i,
      expected: 'error at\u2026',
    }));
    const after = { placeholder, text, max: 'error at '.length + placeholder.length + 1 };
    return [...inside, { ...after, expected: `error at ${placeholder}\u2026` }];
  });
  test.each(cutRows)('$placeholder cut to $max', ({ text, max, expected }) => {
    const out = scrubFreeText(text, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });

  test.each([
    ['connect to 10.0.0.5 failed', 13, 'connect to\u2026'],
    ['connect to 10.0.0.5 failed', 15, 'connect to\u2026'],
    ['connect to 10.0.0.5 failed', 16, 'connect to <ip>\u2026'],
    ['user alice@example.com denied', 8, 'user\u2026'],
    ['user alice@example.com denied', 13, 'user <email>\u2026'],
    ['key AKIAIOSFODNN7EXAMPLE leaked', 10, 'key\u2026'],
    ['key AKIAIOSFODNN7EXAMPLE leaked', 14, 'key <secret>\u2026'],
  ])('a placeholder the scrubber made is cut whole: %s to %i', (input, max, expected) => {
    expect(scrubFreeText(input, max)).toBe(expected);
  });
});

describe('odd input', () => {
  test('odd lengths and non-string input store nothing raw', () => {
    expect(scrubFreeText('10.0.0.5 up', Number.NaN)).toBe('');
    expect(scrubFreeText('10.0.0.5 up', -3)).toBe('');
    expect(scrubFreeText('10.0.0.5 up', 0)).toBe('');
    expect(scrubFreeText('10.0.0.5 up', 7.9)).toBe('<ip> up');
    expect(scrubFreeText('10.0.0.5 up', 6)).toBe('<ip>\u2026');
    expect(scrubFreeText('10.0.0.5 up', Number.POSITIVE_INFINITY)).toBe('<ip> up');
    for (const value of [undefined, null, 42, { host: 'db01.example.com' }, ['10.0.0.5']]) {
      expect(scrubFreeText(value as unknown as string, 100)).toBe('');
    }
  });
});

// Before the rules run, text is made safe to match on: what a reader sees is what is matched.
describe('normalisation', () => {
  test.each([
    ['tabs, newlines and NEL become one space', 'disk\t\tfull\r\non\u0085sda', 'disk full on sda'],
    [
      'spaces joined once an invisible character between them goes',
      'disk \u200b full',
      'disk full',
    ],
    ['zero-width characters cannot split an address', '10.0.\u200b0.5 down', '<ip> down'],
    ['terminal colour codes go whole', '\u001b[1;31mFAILED\u001b[0m: 10.0.0.5', 'FAILED: <ip>'],
    ['leading and trailing space goes', '  \u2060 disk full \n', 'disk full'],
  ])('%s', (_rule, input, expected) => {
    expect(scrubFreeText(input, 2000)).toBe(expected);
  });
});

// Cutting never stores half a character or half a placeholder, and keeps prose that only looks
// like the start of one.
describe('where the cap cuts', () => {
  // `ab`, a character outside the BMP (two UTF-16 units), then `cdef`.
  test.each([
    ['U+1F680 (high surrogate D83D) cut between its halves', 'ab\u{1F680}cdef', 4, 'ab\u2026'],
    ['U+1F680 kept whole when it fits', 'ab\u{1F680}cdef', 5, 'ab\u{1F680}\u2026'],
    ['U+10000 (high surrogate D800, the first)', 'ab\u{10000}cdef', 4, 'ab\u2026'],
    ['U+10FFFD (high surrogate DBFF, the last)', 'ab\u{10FFFD}cdef', 4, 'ab\u2026'],
    ['U+10FFFD kept whole when it fits', 'ab\u{10FFFD}cdef', 5, 'ab\u{10FFFD}\u2026'],
  ])('%s', (_case, input, max, expected) => {
    const out = scrubFreeText(input, max);
    expect(out).toBe(expected);
    expect(out.isWellFormed()).toBe(true);
  });

  test.each([
    ['a placeholder that starts the text', 'AKIAIOSFODNN7EXAMPLE leaked', 5, '\u2026'],
    [
      'a later placeholder, an earlier one kept',
      'at 10.0.0.1 and db01.example.com now',
      15,
      'at <ip> and\u2026',
    ],
    ['a lone `<` is the start of every placeholder', 'if a <b then fail', 7, 'if a\u2026'],
    ['`<b` starts no placeholder: prose stays', 'x <b> bold text', 5, 'x <b\u2026'],
    ['`<` followed by a space is prose', 'if a < b then fail', 8, 'if a <\u2026'],
  ])('cut inside %s', (_case, input, max, expected) => {
    expect(scrubFreeText(input, max)).toBe(expected);
  });
});

describe('scrubAttributeValue', () => {
  test('scrubs strings to 200 characters and passes other scalars through', () => {
    expect(scrubAttributeValue('mariadb on db01.example.com')).toBe('mariadb on <host>');
    expect(scrubAttributeValue('x'.repeat(500))).toHaveLength(200);
    expect(scrubAttributeValue(8.1)).toBe(8.1);
    expect(scrubAttributeValue(true)).toBe(true);
    expect(scrubAttributeValue(false)).toBe(false);
  });
});
