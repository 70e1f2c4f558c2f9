// Where a published number's noise comes from: the same day's data always draws the same noise
// (a rerun publishes what was published), and any change of the secret, the day, the day's input
// or the number's own query, bucket, column or data draws other noise. The fingerprint of a day's
// input ignores the order its parts were merged in. Known answers pin the derivation itself: a
// change of it would re-draw every day a rerun publishes again after a deploy.
import { describe, expect, test } from 'vitest';
import {
  createNoiseSource,
  fingerprintOf,
  type NoiseMaterial,
} from '../../../../functions/src/privacy/publication/noise.ts';
import { sigmaSquared } from '../../../../functions/src/privacy/publication/sampler.ts';

/** σ = 1000: two independent draws are equal about once in 3,500. */
const WIDE = sigmaSquared(1000);
const MATERIAL: NoiseMaterial = {
  query: 'breakdowns.os',
  key: 'debian',
  column: 'installs',
  data: '5|0123456789abcdef',
};
const SAMPLE = {
  day: '2026-03-10',
  activeInstalls: { d1: { count: 3, digest: 'ab' } },
  events: [
    { key: 'crash', installs: 2 },
    { key: 'heartbeat', installs: 3 },
  ],
  note: null,
  gone: undefined,
};

/** Draws of `material` under three keys, so that one equal draw by chance decides nothing. */
function draws(secret: string, day: string, fingerprint: string, material = MATERIAL): number[] {
  const noise = createNoiseSource(secret, day, fingerprint);
  return ['a', 'b', 'c'].map((tag) =>
    noise.draw({ ...material, data: `${material.data}|${tag}` }, WIDE),
  );
}

describe('the noise of a number', () => {
  const base = draws('secret', '2026-03-10', 'fp');

  test('is the same for the same secret, day, input and material', () => {
    expect(draws('secret', '2026-03-10', 'fp')).toEqual(base);
  });

  test.each<[string, () => number[]]>([
    ['another secret', () => draws('secret2', '2026-03-10', 'fp')],
    ['another day', () => draws('secret', '2026-03-11', 'fp')],
    ['another input of the day (fingerprint)', () => draws('secret', '2026-03-10', 'fp2')],
    ['another query', () => draws('secret', '2026-03-10', 'fp', { ...MATERIAL, query: 'x' })],
    ['another bucket', () => draws('secret', '2026-03-10', 'fp', { ...MATERIAL, key: 'arch' })],
    ['another column', () => draws('secret', '2026-03-10', 'fp', { ...MATERIAL, column: 'sum' })],
    ['other data', () => draws('secret', '2026-03-10', 'fp', { ...MATERIAL, data: '6|0' })],
    // Fields are length-prefixed: moving a character from one field to the next is a change.
    [
      'a character moved between query and bucket',
      () =>
        draws('secret', '2026-03-10', 'fp', {
          ...MATERIAL,
          query: 'breakdowns.osd',
          key: 'ebian',
        }),
    ],
    ['a character moved between day and input', () => draws('secret', '2026-03-1', '0fp')],
  ])('is drawn afresh for %s', (_name, other) => {
    expect(other()).not.toEqual(base);
  });

  test('has a known value (a change re-draws every published day)', () => {
    const noise = createNoiseSource('secret', '2026-03-10', fingerprintOf(SAMPLE));
    expect(
      ['a', 'b', 'c'].map((k) =>
        noise.draw({ query: 'breakdowns.os', key: k, column: 'installs', data: `5|${k}` }, WIDE),
      ),
    ).toEqual([10, -790, -927]);
  });

  test('cannot be drawn without the secret', () => {
    expect(() => createNoiseSource('', '2026-03-10', 'fp')).toThrow(
      'the publication needs the HMAC secret',
    );
  });
});

describe('the fingerprint of a day’s input', () => {
  test('has a known value', () => {
    expect(fingerprintOf(SAMPLE)).toBe(
      '139f82e7c99a2ec9d988f77fb0de6556ce7b69b165b1d5ef195ab6e9949649c3',
    );
  });

  test.each<[string, unknown, unknown]>([
    ['keys in another order', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }],
    [
      'arrays in another order (shards merged otherwise)',
      { l: [3, 'x', { k: 1 }] },
      { l: [{ k: 1 }, 3, 'x'] },
    ],
    ['an undefined field left out', { a: 1, b: undefined }, { a: 1 }],
  ])('is the same for %s', (_name, left, right) => {
    expect(fingerprintOf(left)).toBe(fingerprintOf(right));
  });

  test.each<[string, unknown, unknown]>([
    ['another number', { count: 1 }, { count: 2 }],
    ['another string', { key: 'a' }, { key: 'b' }],
    ['another key', { a: 1 }, { b: 1 }],
    ['null and an empty object', { a: null }, { a: {} }],
    ['null and a missing field', { a: null }, {}],
    ['an array and an object with its indexes', { a: ['x', 'y'] }, { a: { 0: 'x', 1: 'y' } }],
    ['a string and an object of its characters', { a: 'xy' }, { a: { 0: 'x', 1: 'y' } }],
    ['one array or two', { a: [1, 2] }, { a: [[1], [2]] }],
    ['an item more', { a: [1, 2] }, { a: [1, 2, 2] }],
  ])('differs for %s', (_name, left, right) => {
    expect(fingerprintOf(left)).not.toBe(fingerprintOf(right));
  });
});
