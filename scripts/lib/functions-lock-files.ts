/** Reads the lockfiles from the repository and checks functions/package-lock.json against them. */
import { existsSync, readFileSync } from 'node:fs';
import { checkFunctionsLock, type Lockfile } from './functions-lock.ts';

const ROOT = new URL('../../', import.meta.url);

function readJson<T>(path: string): T | undefined {
  const url = new URL(path, ROOT);
  return existsSync(url) ? (JSON.parse(readFileSync(url, 'utf8')) as T) : undefined;
}

/** Problems with the committed functions lockfile (empty when it pins what CI tested). */
export function functionsLockProblems(): string[] {
  const root = readJson<Lockfile>('package-lock.json');
  if (!root) return ['package-lock.json is missing at the repository root: run `npm install`'];
  const manifest = readJson<{ dependencies?: Record<string, string> }>('functions/package.json');
  return checkFunctionsLock(
    readJson<Lockfile>('functions/package-lock.json'),
    manifest?.dependencies ?? {},
    root,
  );
}
