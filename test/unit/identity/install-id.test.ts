// An install's own id never rides inside a stored string: the redactor finds it in every form an
// adapter accepts (case, Netdata prefix, a UUID with or without dashes) and nothing else, and its
// cheap pre-check never misses a text the redaction would change. Each case is what ingest would
// store for a string of the event (test/unit/ingest/install-ids.test.ts goes through the handler).
import { describe, expect, test } from 'vitest';
import {
  INSTALL_ID_PLACEHOLDER as ID,
  installIdRedactor,
  normaliseInstallId,
} from '../../../functions/src/identity/install-id.ts';

const GUID = '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002';
/** A UUID with the edge digits 0, 9, a and f in each of its five groups. */
const EDGES = '0a9f0a9f-0a9f-0a9f-0af9-0a9ff9a00a9f';

/** What ingest stores for `text` of an event sent with `ids`, and whether the pre-check looked. */
function stored(ids: string[], text: string): { text: string; looked: boolean } {
  const redactor = installIdRedactor(ids);
  if (!redactor) throw new Error(`no redactor for ${ids.join(', ')}`);
  const looked = redactor.mayHold(text);
  const out = looked ? redactor.redact(text) : text;
  // The pre-check never skips a text the redaction changes.
  if (!looked) expect(redactor.redact(text)).toBe(text);
  return { text: out, looked };
}

describe('the Netdata prefix goes only at the start of an id', () => {
  test.each([
    ['build-machine-4711', 'build-machine-4711'],
    ['Machine-ABCD', 'abcd'],
    ['uuid-machine-1', 'machine-1'],
  ])('%s → %s', (raw, normalised) => {
    expect(normaliseInstallId(raw)).toBe(normalised);
  });
});

describe('a UUID is found with or without its dashes, in any case', () => {
  const dashless = EDGES.replaceAll('-', '');
  test.each([
    ['sent with dashes, text without', [EDGES], `id=${dashless.toUpperCase()};`],
    ['sent without dashes, text with', [dashless], `id=${EDGES};`],
    ['sent without dashes, text upper-case with', [dashless], `id=${EDGES.toUpperCase()};`],
    ['sent with a prefix, text with another', [`uuid-${dashless}`], `id=dbus-${EDGES};`],
  ])('%s', (_name, ids, text) => {
    expect(stored(ids, text)).toEqual({ text: `id=${ID};`, looked: true });
  });

  test.each([
    ['a UUID after other text is not a UUID id', `node-${GUID}`],
    ['nor with text after it', `${GUID}-2`],
  ])('%s: found whole, dashes where they were sent', (_name, id) => {
    expect(stored([id], `at ${id}: down`)).toEqual({ text: `at ${ID}: down`, looked: true });
    // Its dashes are part of it: without them it is another string.
    const moved = id.replaceAll('-', '');
    expect(stored([id], `at ${moved}: down`).text).toBe(`at ${moved}: down`);
  });
});

describe('short ids are found only as a whole token; from 8 characters, anywhere', () => {
  test.each([
    ['host123', 'xhost123y host123', `xhost123y ${ID}`],
    ['host1234', 'xhost1234y host1234', `x${ID}y ${ID}`],
    ['ab12', 'ab12 failed, AB12 too; cab123 did not', `${ID} failed, ${ID} too; cab123 did not`],
  ])('%s', (id, text, expected) => {
    expect(stored([id], text).text).toBe(expected);
  });

  test('ids under 4 characters are not looked for', () => {
    expect(installIdRedactor(['abc', ' machine-x1 '])).toBeUndefined();
    expect(installIdRedactor(['abc', 'abcd'])).toBeDefined();
  });
});

test('the longer of two ids that contain each other is replaced whole', () => {
  for (const ids of [
    ['abcd1234', 'abcd1234efgh'],
    ['abcd1234efgh', 'abcd1234'],
  ])
    expect(stored(ids, 'abcd1234efgh and abcd1234').text).toBe(`${ID} and ${ID}`);
});

describe('characters with a meaning in patterns are only themselves', () => {
  // Each id next to a text the character would match if it were read as pattern syntax.
  test.each([
    ['srv.0001', 'srvX0001'],
    ['srv*0001', 'srvvv0001'],
    ['srv+0001', 'srvv0001'],
    ['sr?v0001', 'sv0001x'],
    ['srv^0001', 'srv0001'],
    ['srv$0001', 'srv0001'],
    ['srv{0001', 'srv0001'],
    ['srv}0001', 'srv0001'],
    ['srv(0001', 'srv0001'],
    ['srv)0001', 'srv0001'],
    ['srv|0001', 'srvname'],
    ['srv[0001', 'srv0001'],
    ['srv]0001', 'srv0001'],
    ['srv\\0001', 'srv0001'],
    ['srv/0001', 'srv0001'],
    ['a.b*c(d)', 'aXbbbc(d)'],
  ])('%s', (id, lookalike) => {
    expect(stored([id], `[${id}] [${lookalike}]`).text).toBe(`[${ID}] [${lookalike}]`);
  });
});

describe('the pre-check looks only where an id may be', () => {
  test.each([
    ['the start of an id is not the id', ['build-server-17'], 'build-server-99', false],
    ['an id with a space', ['my box 1'], 'nothing of it in here', false],
    ['an id with a tilde', ['~admin1'], 'nothing of it in here', false],
    ['a text as long as the shortest id', ['ab12', GUID], 'ab12', true],
    ['a text shorter than one id but holding the other', ['ab12', GUID], 'ab12 x', true],
    ['a text shorter than every id', ['abcd1234'], 'abcd123', false],
    ['an empty text', ['abcd1234'], '', false],
  ])('%s', (_name, ids, text, looked) => {
    expect(stored(ids, text).looked).toBe(looked);
  });

  test('an id beyond ASCII is always looked for: its case may change its spelling', () => {
    // `ſ` (long s) is `S` in upper case, so `SERVER-42` is this id, yet lower-casing the text
    // never gives `ſ` back.
    expect(stored(['ſerver-42'], 'SERVER-42 down')).toEqual({ text: `${ID} down`, looked: true });
    expect(stored(['ſerver-42'], 'all quiet').looked).toBe(true);
  });
});
