// The last check before storage: each structured string of an event either has its field's shape
// and is stored as sent, or is dropped and named (as `ignoredFields` reports it); the rest of the
// event is kept. Each case below is what the store would receive for one field of one event.
import { describe, expect, test } from 'vitest';
import { keepShapedFields } from '../../../functions/src/ingest/shape-check.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';

const event = (parts: Partial<IncomingEvent>): IncomingEvent =>
  ({ type: 'heartbeat', installId: 'i-1', ...parts }) as IncomingEvent;

describe('product and platform: each field kept or dropped on its own', () => {
  test.each([
    [
      'every field fits',
      { product: { version: '1.44.3', channel: 'stable' } },
      { product: { version: '1.44.3', channel: 'stable' }, dropped: [] },
    ],
    [
      'a version with an address in it',
      { product: { version: '10.0.0.1', channel: 'stable' } },
      { product: { channel: 'stable' }, dropped: ['product.version'] },
    ],
    [
      'one field of three with an address in it',
      { platform: { os: 'linux', kernel: '10.0.0.1', arch: 'x86_64' } },
      { platform: { os: 'linux', arch: 'x86_64' }, dropped: ['platform.kernel'] },
    ],
    [
      'a field with no shape (not a product field)',
      { product: { version: '2.0', hostname: 'db1' } },
      { product: { version: '2.0' }, dropped: ['product.hostname'] },
    ],
    [
      'a key every object inherits',
      { platform: { os: 'linux', constructor: 'x' } },
      { platform: { os: 'linux' }, dropped: ['platform.constructor'] },
    ],
    [
      'a number where text belongs',
      { platform: { os: 'linux', arch: 64 } },
      { platform: { os: 'linux' }, dropped: ['platform.arch'] },
    ],
    ['nothing fits', { platform: { os: 'user@example.com' } }, { dropped: ['platform.os'] }],
    ['no fields at all', { product: {} }, { dropped: [] }],
    ['a field sent as undefined', { platform: { os: undefined } }, { dropped: [] }],
  ] as [string, Partial<IncomingEvent>, object][])('%s', (_name, parts, expected) => {
    const shaped = keepShapedFields(event(parts));
    expect(Object.fromEntries(Object.entries(shaped).filter(([, v]) => v !== undefined))).toEqual(
      expected,
    );
  });

  test('fields that all fit are handed on as sent, not copied', () => {
    const product = { version: '1.44.3', installMethod: 'kickstart-static' };
    const platform = { os: 'linux', kernel: 'Linux', arch: 'x86_64' };
    const shaped = keepShapedFields(event({ product, platform }));
    expect(shaped.product).toBe(product);
    expect(shaped.platform).toBe(platform);
  });
});

describe('modules', () => {
  test('a module without a valid name goes; one without a valid version keeps its name', () => {
    const shaped = keepShapedFields(
      event({
        modules: [
          { name: 'go.d', version: '0.58.1' },
          { name: 'john@example.com', version: '1.0' },
          { name: 'python.d', version: '/home/john/build' },
          { name: 'apps' },
        ],
      }),
    );
    expect(shaped.modules).toStrictEqual([
      { name: 'go.d', version: '0.58.1' },
      { name: 'python.d' },
      { name: 'apps' },
    ]);
    expect(shaped.dropped).toEqual(['modules[1]', 'modules[2].version']);
  });

  test('no module left: no modules stored', () => {
    const shaped = keepShapedFields(event({ modules: [{ name: '10.1.2.3' }] }));
    expect(shaped).toStrictEqual({
      product: undefined,
      platform: undefined,
      dropped: ['modules[0]'],
    });
  });
});

describe('counters', () => {
  test('keys without the `<group>.<value>` shape go, the others stay with their counts', () => {
    const shaped = keepShapedFields(
      event({ counters: { 'os.linux': 3, 'no group': 1, 'ip.10.0.0.1': 2, 'os.ios': 0 } }),
    );
    expect(shaped.counters).toStrictEqual({ 'os.linux': 3, 'os.ios': 0 });
    expect(shaped.dropped).toEqual(['counters.no group', 'counters.ip.10.0.0.1']);
  });

  test('no key left: no counters stored', () => {
    const shaped = keepShapedFields(event({ counters: { 'no group': 1 } }));
    expect('counters' in shaped).toBe(false);
    expect(shaped.dropped).toEqual(['counters.no group']);
  });
});

describe('the action and the LibreNMS device facts', () => {
  test.each([
    ['INCOMPLETE_SHUTDOWN', { action: 'INCOMPLETE_SHUTDOWN', dropped: [] }],
    ['OS Details', { action: 'OS Details', dropped: [] }],
    ['mail john@example.com', { dropped: ['action'] }],
  ])('action %j', (action, expected) => {
    const { product: _p, platform: _f, ...shaped } = keepShapedFields(event({ action }));
    expect(shaped).toStrictEqual(expected);
  });

  test('a device keeps its count and description; an os or OID without its shape goes', () => {
    const shaped = keepShapedFields(
      event({
        devices: [
          { count: 3, os: 'ios', sysObjectID: '.1.3.6.1.4.1.9.1.516', sysDescr: 'Cisco IOS 15.2' },
          { count: 1, os: 'my router!', sysObjectID: '10.1.2.3' },
          { count: 2 },
        ],
      }),
    );
    expect(shaped.devices).toStrictEqual([
      { count: 3, os: 'ios', sysObjectID: '.1.3.6.1.4.1.9.1.516', sysDescr: 'Cisco IOS 15.2' },
      { count: 1 },
      { count: 2 },
    ]);
    expect(shaped.dropped).toEqual(['devices[1].os', 'devices[1].sysObjectID']);
  });
});

test('an event without structured fields: nothing kept, nothing dropped', () => {
  expect(keepShapedFields(event({}))).toStrictEqual({
    product: undefined,
    platform: undefined,
    dropped: [],
  });
});
