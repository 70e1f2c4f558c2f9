// The canonical API's body parser: one event or a batch; unknown fields and structured strings
// without their shape are dropped and named (the event is still accepted); a value of the wrong
// type rejects the body with the path of the first problem, as a client writes field names.
import { describe, expect, test } from 'vitest';
import { formatPath, parseCanonicalBody } from '../../../functions/src/ingest/canonical.ts';

const base = { schema: 1, installId: 'i-1', type: 'heartbeat' };
const incoming = { installId: 'i-1', type: 'heartbeat' };

describe('accepted: the events, and every field dropped on the way', () => {
  test.each([
    ['one event', base, [incoming], []],
    [
      'a batch',
      { events: [base, { ...base, type: 'install' }] },
      [incoming, { ...incoming, type: 'install' }],
      [],
    ],
    ['a batch with a field of its own', { events: [base], note: 'x' }, [incoming], ['note']],
    [
      'an unknown field in the second event of a batch',
      { events: [base, { ...base, extra: 1 }] },
      [incoming, incoming],
      ['events[1].extra'],
    ],
    [
      'a version too long, with an unknown field beside it and one at the top',
      { ...base, product: { version: '1'.repeat(65), foo: 1, channel: 'stable' }, bar: 2 },
      [{ ...incoming, product: { channel: 'stable' } }],
      ['product.version', 'product.foo', 'bar'],
    ],
    [
      'an empty os',
      { ...base, platform: { os: '', arch: 'x86_64' } },
      [{ ...incoming, platform: { arch: 'x86_64' } }],
      ['platform.os'],
    ],
    [
      'modules: a bad name drops the module, a bad version only the version',
      {
        ...base,
        modules: [
          { name: 'a@b' },
          { name: 'go.d', version: '1.0' },
          { name: 'c d', version: '2' },
          { name: 'x', version: 'a b' },
        ],
      },
      [{ ...incoming, modules: [{ name: 'go.d', version: '1.0' }, { name: 'x' }] }],
      ['modules[0]', 'modules[2]', 'modules[3].version'],
    ],
    [
      'a module with a bad name and an unknown field: dropped once, whole',
      { ...base, modules: [{ name: 'a b', extra: 1 }] },
      [{ ...incoming, modules: [] }],
      ['modules[0]'],
    ],
    [
      'an unknown field of a module',
      { ...base, modules: [{ name: 'ok', extra: 1 }] },
      [{ ...incoming, modules: [{ name: 'ok' }] }],
      ['modules[0].extra'],
    ],
    [
      'a counter key without its shape',
      { ...base, counters: { 'os.linux': 1, 'bad key': 2 } },
      [{ ...incoming, counters: { 'os.linux': 1 } }],
      ['counters.bad key'],
    ],
    [
      'an attribute text too long',
      { ...base, attributes: { database: 'x'.repeat(500), cpu_cores: 4 } },
      [{ ...incoming, attributes: { cpu_cores: 4 } }],
      ['attributes.database'],
    ],
    ['a malformed proof of work', { ...base, proof: 'abc' }, [incoming], ['proof']],
    [
      'unknown fields called name, at the top and in the product',
      { ...base, name: 'x', product: { version: '1.0', name: 'y' } },
      [{ ...incoming, product: { version: '1.0' } }],
      ['product.name', 'name'],
    ],
  ] as [string, unknown, object[], string[]][])('%s', (_name, body, events, ignoredFields) => {
    const sent = structuredClone(body);
    expect(parseCanonicalBody(body)).toStrictEqual({
      ok: true,
      source: 'v1',
      events,
      ignoredFields,
    });
    // The request body itself is left as it was sent.
    expect(body).toStrictEqual(sent);
  });
});

describe('refused: the message names the first problem where the client wrote it', () => {
  test.each([
    ['a version of the wrong type', { ...base, product: { version: 7 } }, 'product.version'],
    ['a negative counter', { ...base, counters: { 'os.linux': -1 } }, 'counters.os.linux'],
    ['an empty attribute key', { ...base, attributes: { '': 1 } }, 'attributes.'],
    ['a failure code too long', { ...base, failure: { code: 'x'.repeat(1000) } }, 'failure.code'],
    ['no type', { schema: 1, installId: 'i-1' }, 'type'],
    ['an unknown type in a batch', { events: [base, { ...base, type: 'nope' }] }, 'events[1].type'],
    ['an empty batch', { events: [] }, 'events'],
    [
      'more counters than an event may carry',
      {
        ...base,
        counters: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`n.v${i}`, 1])),
      },
      'counters',
    ],
    [
      'a droppable field beside one that is not',
      { ...base, product: { version: 'a b' }, platform: { os: 7 } },
      'platform.os',
    ],
  ])('%s: at %s', (_name, body, where) => {
    const result = parseCanonicalBody(body);
    if (result.ok) throw new Error('accepted');
    expect(result.message.startsWith(`Invalid event at ${where}: `)).toBe(true);
    expect(result.issues[0]?.path.join('.')).toBe(where.replace(/\[(\d+)\]/g, '.$1'));
    expect(result.message).toBe(`Invalid event at ${where}: ${result.issues[0]?.message}`);
  });

  test.each([
    ['null', null],
    ['an array of events', [base]],
    ['a string', 'heartbeat'],
    ['a number', 7],
  ])('%s: refused as a whole', (_name, body) => {
    const result = parseCanonicalBody(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/^Invalid event: Invalid input: expected object, received /);
      expect(result.issues.map((i) => i.path)).toEqual([[]]);
    }
  });

  test('every problem of a batch is listed, each at its event', () => {
    const result = parseCanonicalBody({
      events: [{ ...base, type: 'nope' }, base, { ...base, installId: '' }],
    });
    if (result.ok) throw new Error('accepted');
    expect(result.issues.map((i) => i.path.join('.'))).toEqual([
      'events.0.type',
      'events.2.installId',
    ]);
  });
});

test.each([
  [['events', 0, 'product', 'version'], 'events[0].product.version'],
  [['counters', 'os.linux'], 'counters.os.linux'],
  [[0, 'a'], '[0].a'],
  [['modules', 3], 'modules[3]'],
  [[], ''],
] as [(string | number)[], string][])('formatPath %j → %s', (path, text) => {
  expect(formatPath(path)).toBe(text);
});
