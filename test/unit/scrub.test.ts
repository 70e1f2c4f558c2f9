import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scrubAttributeValue, scrubFreeText } from '../../functions/src/privacy/scrub.ts';

interface CorpusCase {
  name: string;
  input: string;
  maxLength?: number;
  expected: string;
}

// Failure messages are the longest free text the schema accepts.
const DEFAULT_MAX = 2000;

const corpus: CorpusCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/scrub-corpus.json', import.meta.url), 'utf8'),
);

describe('scrubFreeText corpus', () => {
  test('has enough realistic cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  test.each(corpus)('$name', ({ input, maxLength, expected }) => {
    const max = maxLength ?? DEFAULT_MAX;
    expect(scrubFreeText(input, max)).toBe(expected);
    // Expectations are themselves fixed points: scrubbing stored text changes nothing.
    expect(scrubFreeText(expected, max)).toBe(expected);
  });
});

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
  'version ',
  'S/N ',
  'serial ',
  '--claim-token ',
  // Placeholders, so that scrubbing scrubbed text is exercised.
  ...'<ip> <host> <email> <mac> <user> <serial> <secret> <query>'.split(' '),
);
const noisyText = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  noisyText,
);
const maxLength = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(DEFAULT_MAX));

// SCRUB_RUNS=50000 for a longer soak when changing the patterns.
const NUM_RUNS = Number(process.env.SCRUB_RUNS ?? 500);

describe('scrubFreeText properties', () => {
  test('never throws and respects maxLength', () => {
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

  test('is idempotent', () => {
    fc.assert(
      fc.property(anyText, maxLength, (text, max) => {
        const once = scrubFreeText(text, max);
        expect(scrubFreeText(once, max)).toBe(once);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('tolerates odd lengths and non-string input', () => {
    expect(scrubFreeText('10.0.0.5 up', Number.NaN)).toBe('');
    expect(scrubFreeText('10.0.0.5 up', -3)).toBe('');
    expect(scrubFreeText('10.0.0.5 up', 7.9)).toBe('<ip> up');
    expect(scrubFreeText('10.0.0.5 up', 6)).toBe('<ip>…');
    expect(scrubFreeText('10.0.0.5 up', Number.POSITIVE_INFINITY)).toBe('<ip> up');
    expect(scrubFreeText(undefined as unknown as string, 10)).toBe('');
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
  ] as const)('a generated %s address never survives', (_kind, address) => {
    fc.assert(
      fc.property(separated(address), ({ text, value }) => {
        expect(scrubFreeText(text, 100_000)).not.toContain(value);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('a 64 KiB pathological input is scrubbed quickly', () => {
    const KIB_64 = 64 * 1024;
    const fill = (unit: string): string =>
      unit.repeat(Math.ceil(KIB_64 / unit.length)).slice(0, KIB_64);
    const inputs = [
      ...['a.', '1.', ':a', 'a@', 'a-', '0', 'x', '/home/', 'https://', 'serial ', 'S/N 1'],
      ...['1.1.1.1.', 'ab:', '::', ':::1 ', 'aa:bb:cc:dd:ee:', '0011.', 'version 1.', '--token '],
      ...['a.b@', '@a.b', 'C:\\Users\\', '[1:', 'http://a:b@', 'a.b.c.d.e.f.g.h.i.j.k.'],
    ].map(fill);
    for (const input of inputs) {
      const started = performance.now();
      scrubFreeText(input, DEFAULT_MAX);
      expect(performance.now() - started, input.slice(0, 20)).toBeLessThan(200);
    }
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
