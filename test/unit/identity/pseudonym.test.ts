// The pseudonyms keep the HMAC key of the last secret; a change of secret must change them.
import { createHmac } from 'node:crypto';
import { expect, test } from 'vitest';
import { pseudonymise, unlinkableId } from '../../../functions/src/identity/pseudonym.ts';

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
