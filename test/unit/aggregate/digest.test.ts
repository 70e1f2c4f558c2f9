// Contributor tallies as the aggregation keeps them: a count and the XOR of each contributor's
// first 64 bits. The digest seeds the noise of every figure it backs, so it must be the same
// whatever the shard order, equal to the publication's digest of the same pseudonyms, and fixed
// for good for a given id (an upgrade that changed it would re-draw the noise of unchanged days).
import { describe, expect, test } from 'vitest';
import {
  addHalves,
  addId,
  addTally,
  fromContributors,
  tally,
  toContributors,
  type Tally,
} from '../../../functions/src/aggregate/digest.ts';
import {
  digestOf,
  EMPTY_DIGEST,
  xorDigests,
} from '../../../functions/src/privacy/publication/digest.ts';
import { installId } from '../../support/publication.ts';

const tallyOf = (...ids: string[]): Tally => {
  const t = tally();
  for (const id of ids) addId(t, id);
  return t;
};

/** The hash of an id that is not hex, written out again: FNV-1a twice with swapped seeds. */
function fnv1a(id: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < id.length; i += 1) {
    a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ id.charCodeAt(i), 0x811c9dc5);
  }
  const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
  return hex(a) + hex(b);
}

describe('a pseudonym’s digest is its first 16 hex digits', () => {
  test.each([
    '0123456789abcdef0123',
    'fedcba9876543210',
    'ffffffffffffffffff',
    '0000000000000000aa',
    '9a9a9a9a9a9a9a9a9',
    installId('x'),
  ])('%s', (id) => {
    expect(toContributors(tallyOf(id))).toEqual({ installs: 1, digest: id.slice(0, 16) });
    expect(toContributors(tallyOf(id)).digest).toBe(digestOf(id));
  });
});

describe('an id that is not lowercase hex is hashed, the same way for good', () => {
  test.each([
    ['', '811c9dc501000193'],
    ['a', 'e40c292ceeaae93a'],
    ['install-1', '668e67b205dd6dd2'],
    // 15 hex digits: too short to be a pseudonym.
    ['0123456789abcde', '06bb39898a1aae0b'],
    // An upper-case digit within the first 16.
    ['0123456789abcdeF0', '39f575174915e5f5'],
    // An event id (a report without identity).
    ['3f2a9c1e-5b7d-4e2f-9a1b-0c3d5e7f9a1b', '133c59438e13c433'],
  ])('%j → %s', (id, digest) => {
    expect(toContributors(tallyOf(id)).digest).toBe(digest);
  });

  // Characters just outside 0-9 and a-f ('/', ':', '`', 'g', 'A'), and others between them
  // ('@', 'W', 'Z', '_'): anywhere in the first 16, the id is hashed as a whole, like any
  // other id that is no pseudonym (fnv1a below is the rule the table above pins).
  test.each(['/', ':', '@', 'A', 'W', 'Z', '_', '`', 'g', 'z'])(
    '%s in the first 16 characters is not hex',
    (c) => {
      const hex = '0123456789abcdef';
      for (const at of [0, 7, 8, 15]) {
        const id = `${hex.slice(0, at)}${c}${hex.slice(at + 1)}ff`;
        expect(toContributors(tallyOf(id)).digest).toBe(fnv1a(id));
      }
    },
  );

  test.each(['0123456789abcdef', 'abcdef0123456789ff', '9999999999999999'])(
    'while %s is read as hex',
    (id) => {
      expect(toContributors(tallyOf(id)).digest).toBe(id.slice(0, 16));
      expect(toContributors(tallyOf(id)).digest).not.toBe(fnv1a(id));
    },
  );
});

describe('tallies add up in any order', () => {
  const ids = ['a', 'b', 'c', 'd'].map(installId);

  test('the same installs over any split into shards: one count, one digest', () => {
    const whole = toContributors(tallyOf(...ids));
    const left = tallyOf(ids[2] as string, ids[0] as string);
    addTally(left, tallyOf(ids[3] as string, ids[1] as string));
    expect(toContributors(left)).toEqual(whole);
    expect(whole.installs).toBe(4);
    expect(whole.digest).toBe(ids.map(digestOf).reduce(xorDigests, EMPTY_DIGEST));
  });

  test('addHalves adds n contributors with those halves', () => {
    const t = tally();
    addHalves(t, 0x12345678, 0x0abcdef0, 3);
    addHalves(t, 0x00000001, 0x00000002);
    expect(toContributors(t)).toEqual({ installs: 4, digest: '123456790abcdef2' });
  });

  test('an empty tally: no installs, the empty digest', () => {
    expect(toContributors(tally())).toEqual({ installs: 0, digest: EMPTY_DIGEST });
  });

  test.each([
    { installs: 3, digest: 'ffffffff00000001' },
    { installs: 1, digest: '80000000ffffffff' },
    { installs: 0, digest: EMPTY_DIGEST },
    { installs: 7, digest: '0123456789abcdef' },
  ])('a stored tally reads back as it was: %o', (stored) => {
    expect(toContributors(fromContributors(stored))).toEqual(stored);
    const merged = fromContributors(stored);
    addTally(merged, fromContributors({ installs: 1, digest: '0000000000000001' }));
    expect(toContributors(merged)).toEqual({
      installs: stored.installs + 1,
      digest: xorDigests(stored.digest, '0000000000000001'),
    });
  });
});
