/**
 * The HMAC secret for local runs. The functions emulator reads secrets from
 * functions/.secret.local; it is generated once per checkout and kept out of git.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const SECRET_FILE = new URL('../../functions/.secret.local', import.meta.url);
/** The secret's name, as `defineSecret` declares it in functions/src/index.ts. */
export const SECRET_NAME = 'INSTALL_ID_SECRET';

/** Returns the local secret, creating functions/.secret.local when it does not exist. */
export function ensureLocalSecret(): string {
  if (existsSync(SECRET_FILE)) {
    const match = new RegExp(`^${SECRET_NAME}=(.+)$`, 'm').exec(readFileSync(SECRET_FILE, 'utf8'));
    if (match?.[1]) return match[1].trim();
  }
  const secret = randomBytes(32).toString('hex');
  writeFileSync(SECRET_FILE, `${SECRET_NAME}=${secret}\n`, { mode: 0o600 });
  return secret;
}
