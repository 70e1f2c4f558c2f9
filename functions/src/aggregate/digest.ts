/**
 * Exact, mergeable tallies of contributors: how many installs, and the XOR of the first 64 bits of
 * each one's pseudonym (a report without identity contributes its event id). XOR is associative
 * and commutative, so tallies summed over shards in any order give the same digest.
 */

/** A count of installs with their digest, as stored: `x` is 16 hex digits. */
export interface Contributors {
  installs: number;
  digest: string;
}

/** The in-memory form: the digest as two 32-bit halves, so adding is two integer XORs. */
export interface Tally {
  n: number;
  hi: number;
  lo: number;
}

/** An empty tally. */
export function tally(): Tally {
  return { n: 0, hi: 0, lo: 0 };
}

/** The two 32-bit halves of an id's first 64 bits: hex when it is hex, else a stable hash. */
export function halvesOf(id: string): [number, number] {
  // Hex digits decoded by hand: no substring, no regular expression (once per install a day).
  let hi = 0;
  let lo = 0;
  // Past the end of a shorter id, charCodeAt gives NaN: no digit, so it is hashed.
  let hex = true;
  for (let i = 0; hex && i < 16; i += 1) {
    const c = id.charCodeAt(i);
    // Below '0', c - 48 is negative: no digit either.
    const digit = c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) hex = false;
    else if (i < 8) hi = ((hi << 4) | digit) >>> 0;
    else lo = ((lo << 4) | digit) >>> 0;
  }
  if (hex) return [hi | 0, lo | 0];
  // FNV-1a over the id, twice with different seeds: ids in tests and old fixtures are not hex.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < id.length; i += 1) {
    a = Math.imul(a ^ id.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ id.charCodeAt(i), 0x811c9dc5);
  }
  return [a | 0, b | 0];
}

/** Adds one contributor given by its halves. */
export function addHalves(t: Tally, hi: number, lo: number, n = 1): void {
  t.n += n;
  t.hi ^= hi;
  t.lo ^= lo;
}

/** Adds one contributor given by its id. */
export function addId(t: Tally, id: string): void {
  const [hi, lo] = halvesOf(id);
  addHalves(t, hi, lo);
}

/** Adds every contributor of `from` into `into`. */
export function addTally(into: Tally, from: Tally): void {
  into.n += from.n;
  into.hi ^= from.hi;
  into.lo ^= from.lo;
}

/** The stored form of a tally. */
export function toContributors(t: Tally): Contributors {
  const hex = (v: number) => (v >>> 0).toString(16).padStart(8, '0');
  return { installs: t.n, digest: hex(t.hi) + hex(t.lo) };
}

/** The in-memory form of a stored tally. */
export function fromContributors(c: Contributors): Tally {
  const [hi, lo] = halvesOf(c.digest);
  return { n: c.installs, hi, lo };
}
