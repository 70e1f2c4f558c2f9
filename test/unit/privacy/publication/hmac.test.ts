// The publication's own HMAC-SHA256 seeds every published number's noise: it must be HMAC-SHA256
// exactly (RFC 2104), or the noise of a day would depend on this implementation rather than on
// the deployment's secret. Checked against RFC 4231's vectors and against Node's createHmac at
// each edge of the key's length (a key of one block is used as it is, one byte more is hashed).
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { hmacSha256 } from '../../../../functions/src/privacy/publication/hmac.ts';

const reference = (key: Buffer | string, ...parts: (Buffer | string)[]): string => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
};

describe('hmacSha256 is HMAC-SHA256', () => {
  test.each([
    // RFC 4231, test case 1: a key shorter than a block.
    [
      Buffer.alloc(20, 0x0b),
      'Hi There',
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    // RFC 4231, test case 6: a key longer than a block is hashed first.
    [
      Buffer.alloc(131, 0xaa),
      'Test Using Larger Than Block-Size Key - Hash Key First',
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
  ])('RFC 4231 vector %#', (key, data, expected) => {
    expect(hmacSha256(key, data).toString('hex')).toBe(expected);
  });

  test.each([0, 1, 32, 63, 64, 65, 100])('a key of %i bytes, as Buffer and as string', (length) => {
    const text = 'k'.repeat(length);
    const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + 11) % 256));
    expect(hmacSha256(bytes, 'day 2026-11-28').toString('hex')).toBe(
      reference(bytes, 'day 2026-11-28'),
    );
    expect(hmacSha256(text, 'day 2026-11-28').toString('hex')).toBe(
      reference(text, 'day 2026-11-28'),
    );
  });

  test('a string key is its UTF-8 bytes', () => {
    expect(hmacSha256('clé ✓', 'x')).toEqual(hmacSha256(Buffer.from('clé ✓', 'utf8'), 'x'));
    expect(hmacSha256('clé ✓', 'x').toString('hex')).toBe(reference('clé ✓', 'x'));
  });

  test('the parts are hashed as one message, in order', () => {
    const key = 'secret';
    expect(hmacSha256(key).toString('hex')).toBe(reference(key));
    expect(hmacSha256(key, 'ab', Buffer.from('cd'), '').toString('hex')).toBe(
      reference(key, 'abcd'),
    );
    expect(hmacSha256(key, 'cd', 'ab')).not.toEqual(hmacSha256(key, 'ab', 'cd'));
  });
});
