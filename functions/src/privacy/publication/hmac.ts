/**
 * HMAC-SHA256 (RFC 2104) from two SHA-256 hashes. Node's createHmac validates its key through
 * KeyObject machinery that costs more than the hashing itself, and the publication derives one
 * key per published number; this is the same function (a test compares it with createHmac).
 */
import { createHash } from 'node:crypto';

const BLOCK = 64;

/** HMAC-SHA256 of the concatenated `parts` under `key`. */
export function hmacSha256(key: Buffer | string, ...parts: (Buffer | string)[]): Buffer {
  let k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (k.length > BLOCK) k = createHash('sha256').update(k).digest();
  const inner = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK, 0x5c);
  // Stryker disable next-line EqualityOperator: equivalent; one step more XORs the pad with 0 (k[k.length] is undefined), or writes past the block, which a Buffer ignores
  for (let i = 0; i < k.length; i += 1) {
    inner[i] = (inner[i] ?? 0) ^ (k[i] ?? 0);
    outer[i] = (outer[i] ?? 0) ^ (k[i] ?? 0);
  }
  const hash = createHash('sha256').update(inner);
  for (const part of parts) hash.update(part);
  return createHash('sha256').update(outer).update(hash.digest()).digest();
}
