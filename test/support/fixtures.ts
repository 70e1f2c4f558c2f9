/** The recorded client bodies in test/fixtures/compat, read by name from any test folder. */
import { readFileSync } from 'node:fs';

/** The text of a recorded body (a form, a JSON document or a malformed one). */
export function compatText(name: string): string {
  return readFileSync(new URL(`../fixtures/compat/${name}`, import.meta.url), 'utf8');
}

/** A recorded JSON body, parsed. */
export function compatJson(name: string): Record<string, unknown> {
  return JSON.parse(compatText(name)) as Record<string, unknown>;
}
