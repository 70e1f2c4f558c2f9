// The pseudonyms keep the HMAC key of the last secret; a change of secret must change them. The
// ids of stored events are content ids over stable JSON: a resend is never another event.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  contentId,
  pseudonymise,
  stableJson,
  unlinkableId,
} from '../../../functions/src/identity/pseudonym.ts';

const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text, 'utf8').digest('hex');

test('pseudonymise is HMAC-SHA256 under whichever secret it is given, alternating', () => {
  for (const secret of ['first', 'second', 'first', 'ümlaut-secret', 'second']) {
    expect(pseudonymise(secret, 'install-1')).toBe(hmac(secret, 'install-1'));
  }
  expect(pseudonymise('first', 'install-1')).not.toBe(pseudonymise('second', 'install-1'));
});

test('unlinkableId uses the same key and joins its parts with NUL', () => {
  expect(unlinkableId('first', 'opt_out', 'install-1', 'e1')).toBe(
    hmac('first', 'opt_out\0install-1\0e1').slice(0, 40),
  );
  expect(unlinkableId('second', 'opt_out', 'install-1', 'e1')).not.toBe(
    unlinkableId('first', 'opt_out', 'install-1', 'e1'),
  );
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('contentId: the document id of an event without an eventId', () => {
  test('is the first 40 hex digits of SHA-256 over the parts joined with NUL', () => {
    const id = contentId('content', 'install', '2026-03-10', '{"a":1}');
    expect(id).toBe(sha256('content\0install\x002026-03-10\0{"a":1}').slice(0, 40));
    expect(id).toMatch(/^[0-9a-f]{40}$/);
  });

  test('parts are kept apart: moving text across a part boundary is another id', () => {
    expect(contentId('ab', 'c')).not.toBe(contentId('a', 'bc'));
  });
});

describe('stableJson: the same content always serialises the same way', () => {
  test.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null }, '{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}'],
    [['b', 'a'], '["b","a"]'],
    ['text', '"text"'],
    [3, '3'],
  ])('%j → %s', (value, json) => {
    expect(stableJson(value)).toBe(json);
  });

  test('key order never changes a content id', () => {
    const a = contentId('content', 'i', stableJson({ product: { version: '1', channel: 's' } }));
    const b = contentId('content', 'i', stableJson({ product: { channel: 's', version: '1' } }));
    expect(a).toBe(b);
  });
});
