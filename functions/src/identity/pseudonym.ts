/** Keyed hashing that keeps raw install ids out of storage. */
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

// The key object of the last secret used: preparing a key from a string on every call shows in
// profiles of batches. Only the secret is kept here, never an install id.
let lastSecret: string | undefined;
let lastKey: KeyObject | undefined;

function keyOf(secret: string): KeyObject {
  // Stryker disable next-line ConditionalExpression: equivalent; a new key of the same secret gives the same HMAC.
  if (secret !== lastSecret || lastKey === undefined) {
    lastKey = createSecretKey(Buffer.from(secret, 'utf8'));
    lastSecret = secret;
  }
  return lastKey;
}

/** `HMAC-SHA256(secret, installId)` as hex: the only form of an install id that is stored. */
export function pseudonymise(secret: string, installId: string): string {
  return createHmac('sha256', keyOf(secret)).update(installId, 'utf8').digest('hex');
}

/** A keyed id that no stored value links back to (used for opt-out events). */
export function unlinkableId(secret: string, ...parts: string[]): string {
  return createHmac('sha256', keyOf(secret))
    .update(parts.join('\0'), 'utf8')
    .digest('hex')
    .slice(0, 40);
}

/** A document id derived from its parts, so the same event always gets the same id. */
export function contentId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex').slice(0, 40);
}

/** JSON with object keys sorted, so equal content always serialises the same way. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort())
      sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
