// The scrubber's properties on generated text and its answers on 64 KiB adversarial inputs: the
// slow part of its tests (seconds, minutes under a mutation run), apart from the corpus and the
// rule tables in scrub.test.ts so that `npm run test:mutation -- --testFiles` can leave it out.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PLACEHOLDERS } from '../../../functions/src/privacy/scrub-lexicon.ts';
import { scrubFreeText } from '../../../functions/src/privacy/scrub.ts';

// Failure messages are the longest free text the schema accepts.
const DEFAULT_MAX = 2000;

// Text rich in the characters the patterns care about, so that properties exercise the
// interplay of passes rather than mostly plain letters.
const fragment = fc.constantFrom(
  // Whitespace, control and invisible characters, and non-ASCII text.
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u200b',
  '\u00e9',
  '\u{1F680}',
  // Punctuation the patterns hinge on.
  ...'. : :: - _ / @ < > [ ] % = # ? \\ \u2026'.split(' '),
  // Pieces of addresses, names and labels.
  ...'0 1 10 255 256 a x Z ff fe80 v com Com local conf ya example'.split(' '),
  ...'xn-- ab12cd34 %eth0 /24 :8080 10.0.0.5 1.2.3.4 ::1 2001:db8::1'.split(' '),
  ...'00:11:22:33:44:55 0011.2233.4455 alice@example.com'.split(' '),
  ...'https:// http:// user:pw@ /home/ /Users/ C:\\Users\\ sn: password= token:'.split(' '),
  ...'\\\\ ~ uid=1( user= Authorization: Bearer AKIA ghp_ i-0 ip- -x7k2p /webhooks/ Linux '.split(
    ' ',
  ),
  ..."STREAM[ host=' 2f2c8c8a-0a5b-4d32-9c6d-b1b0c8f9a7e1 001a2b3c4d5e Service Tag: ".split(' '),
  'version ',
  'S/N ',
  'serial ',
  '--claim-token ',
  // Placeholders, so that scrubbing scrubbed text is exercised.
  ...PLACEHOLDERS,
);
const noisyText = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  noisyText,
);
const maxLength = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(DEFAULT_MAX));

// SCRUB_RUNS=50000 for a longer soak when changing the patterns; the time allowed grows with it
// (a budget for slow shared machines, not a speed claim).
const NUM_RUNS = Number(process.env.SCRUB_RUNS ?? 500);
const PROPERTY_TIMEOUT = Math.max(60_000, NUM_RUNS * 50);

describe('scrubFreeText properties', () => {
  test('never throws and respects maxLength', { timeout: PROPERTY_TIMEOUT }, () => {
    fc.assert(
      fc.property(anyText, maxLength, (text, max) => {
        const out = scrubFreeText(text, max);
        expect(typeof out).toBe('string');
        expect(out.length).toBeLessThanOrEqual(max);
        // Never a lone surrogate: the cut happens on a code point boundary.
        expect(out.isWellFormed()).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('is idempotent', { timeout: PROPERTY_TIMEOUT }, () => {
    fc.assert(
      fc.property(anyText, maxLength, (text, max) => {
        const once = scrubFreeText(text, max);
        expect(scrubFreeText(once, max)).toBe(once);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // A dotted quad right after "version" (or "release", ...) is a version by rule, so the random
  // prefix must not end in such a word; and the random text must not hold the value by chance.
  const versionWord = /(?:version|ver|release|rev|revision|firmware)\.?[\s:=#]*$/iu;
  const squeeze = (text: string): string => text.replace(/[\p{Cc}\p{Cf}\s]/gu, '');
  const separated = (address: fc.Arbitrary<string>) =>
    fc
      .tuple(anyText, address, anyText)
      .filter(([before, value, after]) => {
        const noise = `${squeeze(before)} ${squeeze(after)}`;
        return !versionWord.test(squeeze(before)) && !noise.includes(value);
      })
      .map(([before, value, after]) => ({ text: `${before} ${value} ${after}`, value }));

  const mac = fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }),
      fc.constantFrom(':', '-', '.'),
      fc.boolean(),
    )
    .map(([bytes, separator, upper]) => {
      const hex = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
      const cased = upper ? hex.toUpperCase() : hex;
      // Cisco style groups four hex digits per dot; the others two per separator.
      const width = separator === '.' ? 4 : 2;
      const groups = Array.from({ length: 12 / width }, (_, i) =>
        cased.slice(i * width, (i + 1) * width),
      );
      return groups.join(separator);
    });

  test.each([
    ['IPv4', fc.ipV4()],
    // `::` alone is deliberately kept: it names no machine.
    ['IPv6', fc.ipV6().filter((value) => value !== '::')],
    ['MAC', mac],
    ['e-mail', fc.emailAddress()],
  ] as const)(
    'a generated %s address never survives',
    { timeout: PROPERTY_TIMEOUT },
    (_kind, address) => {
      fc.assert(
        fc.property(separated(address), ({ text, value }) => {
          expect(scrubFreeText(text, 100_000)).not.toContain(value);
        }),
        { numRuns: NUM_RUNS },
      );
    },
  );

  const hex = (length: number) =>
    fc
      .array(fc.integer({ min: 0, max: 15 }), { minLength: length, maxLength: length })
      .map((digits) => digits.map((digit) => digit.toString(16)).join(''));
  test.each([
    ['UUID', fc.uuid()],
    ['32-hex machine-id', hex(32)],
    ['64-hex container id', hex(64)],
  ] as const)('a generated %s never survives', { timeout: PROPERTY_TIMEOUT }, (_kind, id) => {
    fc.assert(
      fc.property(separated(id), ({ text, value }) => {
        expect(scrubFreeText(text, 100_000)).not.toContain(value);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// Linear time is checked by the ReDoS test (test/redos, `npm run test:redos`) and measured by
// `npm run bench`;
// here 64 KiB of the shapes that stress the patterns must come back exactly right: replaced
// everywhere (the patterns are global) or left alone.
describe('scrubFreeText on adversarial 64 KiB inputs', () => {
  const KIB_64 = 64 * 1024;
  test.each([
    ['10.0.0.1 ', '<ip> '],
    ['fe80::1 ', '<ip> '],
    ['00:11:22:33:44:55 ', '<mac> '],
    ['alice@example.com ', '<email> '],
    ['db01.example.com ', '<host> '],
    ['/home/al/', '/home/<user>/'],
    ['uid=1000(bob) ', 'uid=1000(<user>) '],
    ['password=x ', 'password=<secret> '],
    ['2f2c8c8a-0a5b-4d32-9c6d-b1b0c8f9a7e1 ', '<id> '],
    ['S/N A1234 ', 'S/N <serial> '],
    // Near misses: every pattern starts, none may finish, nothing changes.
    ['a.', 'a.'],
    ['1.', '1.'],
    [':a', ':a'],
    ['a-', 'a-'],
    ['a_', 'a_'],
    ['a@', 'a@'],
    ['::', '::'],
    ['[1:', '[1:'],
    ['0a', '0a'],
    ['a1b2c-', 'a1b2c-'],
    ['e\u00b2', 'e\u00b2'],
    ['user ', 'user '],
    ['host ', 'host '],
    ['Linux ', 'Linux '],
    ['x', 'x'],
    ['!', '!'],
  ])('%j repeated', (unit, replacement) => {
    const count = Math.floor(KIB_64 / unit.length);
    const expected = replacement.repeat(count).trim();
    // Placeholders can be longer than what they replace: no cap here.
    expect(scrubFreeText(unit.repeat(count), 1_000_000)).toBe(expected);
  });
});
