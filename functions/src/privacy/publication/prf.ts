/**
 * Uniform random bits from a keyed pseudo-random function: block i of the stream is
 * HMAC-SHA256(seed, i). The same seed always gives the same bits, so a rerun over the same data
 * draws the same noise; a different seed gives bits indistinguishable from independent ones to
 * anyone without the secret the seed was derived from.
 */
import { hmacSha256 } from './hmac.ts';

/** A reader of the bit stream of one seed. */
export class RandomBits {
  readonly #key: Buffer;
  #block = 0;
  #pool = 0n;
  #poolBits = 0;

  constructor(seed: Buffer) {
    this.#key = seed;
  }

  /** The next `count` bits of the stream as a non-negative integer. */
  bits(count: number): bigint {
    // Stryker disable next-line EqualityOperator: equivalent; a block fetched when the pool holds exactly `count` bits is the one the next call would fetch, so the stream is the same
    while (this.#poolBits < count) {
      const index = Buffer.alloc(4);
      index.writeUInt32BE(this.#block);
      this.#block += 1;
      const block = hmacSha256(this.#key, index).toString('hex');
      this.#pool |= BigInt(`0x${block}`) << BigInt(this.#poolBits);
      this.#poolBits += 256;
    }
    const taken = this.#pool & ((1n << BigInt(count)) - 1n);
    this.#pool >>= BigInt(count);
    this.#poolBits -= count;
    return taken;
  }

  /** A uniform integer in [0, bound), by rejection: exact, with no modulo bias. */
  below(bound: bigint): bigint {
    if (bound <= 1n) return 0n;
    const width = (bound - 1n).toString(2).length;
    for (;;) {
      const candidate = this.bits(width);
      if (candidate < bound) return candidate;
    }
  }
}
