// The bit stream every published number's noise is drawn from: block i is HMAC-SHA256(seed, i),
// the blocks read as one long integer, lowest bits first. The stream a seed gives is fixed for
// good (a day re-aggregated with the same data must draw the same noise), so it is checked
// against an independent computation with Node's createHmac, at every block boundary, and the
// rejection sampler of below() against the same stream: which bits it takes and which it rejects.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { RandomBits } from '../../../../functions/src/privacy/publication/prf.ts';

const seed = createHash('sha256').update('prf-test').digest();

/** The first `blocks` blocks of the seed's stream as one integer, block 0 in the lowest bits. */
function streamOf(blocks: number): bigint {
  let value = 0n;
  for (let i = 0; i < blocks; i += 1) {
    const index = Buffer.alloc(4);
    index.writeUInt32BE(i);
    const block = BigInt(`0x${createHmac('sha256', seed).update(index).digest('hex')}`);
    value |= block << BigInt(256 * i);
  }
  return value;
}

/** Consecutive pieces of `stream`, `widths` bits each. */
function pieces(stream: bigint, widths: number[]): bigint[] {
  let rest = stream;
  return widths.map((width) => {
    const piece = rest & ((1n << BigInt(width)) - 1n);
    rest >>= BigInt(width);
    return piece;
  });
}

const STREAM = streamOf(40);

describe('bits(): the seed’s stream, read in any pieces', () => {
  test('block 0 is HMAC-SHA256(seed, 0) as an integer', () => {
    expect(new RandomBits(seed).bits(256).toString(16).padStart(64, '0')).toBe(
      'bdb0f403bc248e3af349a6265138581b5ce46cbf423641f7d022e51015b894d1',
    );
  });

  test.each<[string, number[]]>([
    ['whole blocks', [256, 256, 256]],
    ['a piece across a block boundary', [255, 2, 255]],
    ['one piece of three blocks', [700]],
    ['small pieces', [1, 7, 0, 64, 100, 84, 1, 0, 3]],
    ['a piece ending on the boundary, then one bit', [256, 1, 255, 1]],
    ['pieces of 0 bits take nothing', [0, 0, 5, 0, 251, 0, 256]],
    ['long pieces after short ones', [3, 300, 600, 97]],
  ])('%s', (_name, widths) => {
    const random = new RandomBits(seed);
    expect(widths.map((width) => random.bits(width))).toEqual(pieces(STREAM, widths));
  });
});

describe('below(): the next candidates of the stream, those out of range rejected', () => {
  /** What below(bound) returns `n` times, read off the stream: candidates of the bound's width. */
  function expectedBelow(bound: bigint, n: number): bigint[] {
    const width = (bound - 1n).toString(2).length;
    const drawn: bigint[] = [];
    let rest = STREAM;
    while (drawn.length < n) {
      const candidate = rest & ((1n << BigInt(width)) - 1n);
      rest >>= BigInt(width);
      if (candidate < bound) drawn.push(candidate);
    }
    return drawn;
  }

  test.each([2n, 3n, 5n, 7n, 8n, 9n, 1000n, 1024n, 1025n, (1n << 70n) + 1n])(
    'below(%i)',
    (bound) => {
      const random = new RandomBits(seed);
      const drawn = Array.from({ length: 40 }, () => random.below(bound));
      expect(drawn).toEqual(expectedBelow(bound, 40));
      for (const value of drawn) expect(value < bound && value >= 0n).toBe(true);
    },
  );

  test('a power of two takes exactly its bits, nothing rejected', () => {
    const random = new RandomBits(seed);
    const drawn = Array.from({ length: 50 }, () => random.below(16n));
    expect(drawn).toEqual(pieces(STREAM, new Array<number>(50).fill(4)));
  });

  test.each([0n, 1n, -3n])('below(%i) is 0 and takes no bits', (bound) => {
    const random = new RandomBits(seed);
    expect([random.below(bound), random.below(bound)]).toEqual([0n, 0n]);
    expect(random.bits(64)).toBe(pieces(STREAM, [64])[0]);
  });
});
