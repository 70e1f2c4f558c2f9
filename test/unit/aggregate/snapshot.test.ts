// How an install looked on a day, as its activity page stores it: each field as the latest event
// of the day reported it, the modules of the last event that listed any, attributes merged. The
// stored text is what every later recomputation of the day reads, so the two ways of writing it
// must agree with each other and with the rules, field by field.
import { describe, expect, test } from 'vitest';
import {
  byReceipt,
  snapshotJson,
  snapshotJsonOf,
  snapshotOf,
} from '../../../functions/src/aggregate/snapshot.ts';
import { stableJson } from '../../../functions/src/identity/pseudonym.ts';
import type { InstallSnapshot, StoredEvent } from '../../../functions/src/model/stored.ts';

let serial = 0;
/** A heartbeat of one install with the given parts. */
function event(parts: Partial<StoredEvent> = {}): StoredEvent {
  serial += 1;
  return {
    id: `e${String(serial).padStart(4, '0')}`,
    install: 'ab'.repeat(32),
    day: '2026-05-02',
    type: 'heartbeat',
    source: 'netdata',
    receivedAt: 1_000 + serial,
    expireAt: 9_999_999,
    ...parts,
  };
}

/** Both writers give `expected`, as canonical JSON (keys sorted), and its version. */
function expectSnapshot(events: StoredEvent[], expected: InstallSnapshot): void {
  expect(snapshotOf(events)).toEqual(expected);
  expect(snapshotJson(snapshotOf(events))).toBe(stableJson(expected));
  expect(snapshotJsonOf(events)).toEqual({
    json: stableJson(expected),
    version: expected.version,
  });
}

describe('each field as the latest event reported it', () => {
  test.each<[string, Partial<StoredEvent>[], InstallSnapshot]>([
    ['no fields at all', [{}], {}],
    [
      'product fields: the later one wins, an absent one keeps the earlier',
      [
        { product: { version: '1.0', channel: 'stable', installMethod: 'deb' } },
        { product: { version: '1.1' } },
      ],
      { version: '1.1', channel: 'stable', installMethod: 'deb' },
    ],
    [
      'platform fields, every one of them',
      [
        {
          platform: {
            os: 'linux',
            osVersion: '12',
            kernel: 'Linux',
            kernelVersion: '6.1.0',
            arch: 'x86_64',
            virtualization: 'kvm',
            container: 'docker',
          },
        },
        { platform: { os: 'linux', osVersion: '13' } },
      ],
      {
        os: 'linux',
        osVersion: '13',
        kernel: 'Linux',
        kernelVersion: '6.1.0',
        arch: 'x86_64',
        virtualization: 'kvm',
        container: 'docker',
      },
    ],
    [
      'modules: the last list counts as a whole; an empty list changes nothing',
      [
        { modules: [{ name: 'old', version: '1' }] },
        { modules: [{ name: 'web', version: '2' }, { name: 'db' }, { name: 'web', version: '2' }] },
        { modules: [] },
        { product: { version: '3.0' } },
      ],
      { version: '3.0', modules: ['db@unknown', 'web@2'] },
    ],
    [
      'attributes merged, a later value of a name wins, names sorted',
      [
        { attributes: { zeta: 1, alpha: 'a' } },
        { attributes: { alpha: 'b', mid: true } },
        { attributes: { alpha: 'c', zeta: 1 } },
        { attributes: { alpha: 'b' } },
      ],
      { attributes: { alpha: 'b', mid: true, zeta: 1 } },
    ],
    [
      'an attribute without a value is left out; a null one is kept',
      [{ attributes: { a: undefined as never, b: null as never, c: 1 } }],
      { attributes: { b: null as never, c: 1 } },
    ],
  ])('%s', (_name, parts, expected) => {
    expectSnapshot(
      parts.map((p) => event(p)),
      expected,
    );
  });

  test('sorted keys in the stored text, whatever order the events named them in', () => {
    const events = [
      event({
        attributes: { b: 2, a: 1 },
        platform: { os: 'linux', arch: 'arm64' },
        product: { version: '2.0', channel: 'beta' },
        modules: [{ name: 'm', version: '1' }],
      }),
    ];
    const text =
      '{"arch":"arm64","attributes":{"a":1,"b":2},"channel":"beta","modules":["m@1"],"os":"linux","version":"2.0"}';
    expect(snapshotJsonOf(events)).toEqual({ json: text, version: '2.0' });
    expect(snapshotJson(snapshotOf(events))).toBe(text);
  });

  test('the module bound keeps what it returns, in both writers', () => {
    const events = [event({ modules: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] })];
    const firstTwo = (modules: string[]) => modules.slice(0, 2);
    expect(snapshotOf(events, firstTwo).modules).toEqual(['a@unknown', 'b@unknown']);
    expect(snapshotJsonOf(events, firstTwo).json).toBe('{"modules":["a@unknown","b@unknown"]}');
  });

  test('an attribute value that is not a scalar still gives the canonical text', () => {
    const events = [
      event({ product: { version: '1.0' } }),
      event({ attributes: { z: 1, a: { y: 2, x: 1 } as never } }),
    ];
    expect(snapshotJsonOf(events)).toEqual({
      json: '{"attributes":{"a":{"x":1,"y":2},"z":1},"version":"1.0"}',
      version: '1.0',
    });
    expect(snapshotJson(snapshotOf(events))).toBe(
      '{"attributes":{"a":{"x":1,"y":2},"z":1},"version":"1.0"}',
    );
  });
});

describe('receipt order', () => {
  test.each([
    [{ receivedAt: 1, id: 'b' }, { receivedAt: 2, id: 'a' }, -1],
    [{ receivedAt: 2, id: 'a' }, { receivedAt: 1, id: 'b' }, 1],
    [{ receivedAt: 5, id: 'a' }, { receivedAt: 5, id: 'b' }, -1],
    [{ receivedAt: 5, id: 'b' }, { receivedAt: 5, id: 'a' }, 1],
    [{ receivedAt: 5, id: 'a' }, { receivedAt: 5, id: 'a' }, 0],
  ])('%o before %o: %i', (a, b, sign) => {
    expect(Math.sign(byReceipt(event(a), event(b)))).toBe(sign);
  });
});
