/**
 * The opt-in proof of work of canonical agents: a nonce such that
 * SHA-256(`homecall-pow/1 <install id> <nonce>`) starts with `difficulty` zero bits. Bound to the
 * install id (normalised as ingest pseudonymises it), so a proof found for one id is worth
 * nothing for another; finding one costs about 2^difficulty hashes, checking it one.
 * `site/public/agent.sh` computes the same thing once per install. Node only (node:crypto).
 */
import { createHash } from 'node:crypto';

/** What the hash covers before the install id and the nonce (versioned, so it can change). */
export const PROOF_PREFIX = 'homecall-pow/1';

/** The shape of a proof (as the canonical schema checks it): a decimal nonce. */
const PROOF_SHAPE = /^[0-9]{1,20}$/;

/** Leading zero bits of a digest. */
function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** The digest a proof is judged by. */
function proofDigest(installId: string, nonce: string): Buffer {
  return createHash('sha256').update(`${PROOF_PREFIX} ${installId} ${nonce}`).digest();
}

/**
 * Whether `nonce` proves `difficulty` bits of work for `installId` (already normalised).
 * Difficulty 0 means proofs are off: nothing is proven.
 */
export function verifyProof(installId: string, nonce: string, difficulty: number): boolean {
  if (difficulty <= 0 || !PROOF_SHAPE.test(nonce)) return false;
  return leadingZeroBits(proofDigest(installId, nonce)) >= difficulty;
}

/** Finds a proof for `installId` (tests, benchmarks and Node agents; agent.sh has its own). */
export function findProof(installId: string, difficulty: number): string {
  for (let nonce = 0; ; nonce += 1) {
    const text = String(nonce);
    if (leadingZeroBits(proofDigest(installId, text)) >= difficulty) return text;
  }
}
