/**
 * `npm run lock:functions`: writes functions/package-lock.json from the root lockfile, so Cloud
 * Build (which sees only functions/) installs the versions CI installed and tested. npm then
 * completes the derived file in a scratch folder (its own bookkeeping fields); if npm would pick
 * any other version, nothing is written and the differences are shown.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFunctionsLock, deriveFunctionsLock, type Lockfile } from './lib/functions-lock.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const read = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

const rootLock = read('package-lock.json') as Lockfile;
const manifest = read('functions/package.json') as { dependencies: Record<string, string> };
const derived = deriveFunctionsLock(rootLock);

const scratch = mkdtempSync(join(tmpdir(), 'homecall-lock-'));
try {
  copyFileSync(join(ROOT, 'functions/package.json'), join(scratch, 'package.json'));
  writeFileSync(join(scratch, 'package-lock.json'), `${JSON.stringify(derived, null, 2)}\n`);
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--workspaces=false',
    ],
    { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (npm.status !== 0) {
    console.error(`error: npm could not complete the lockfile:\n${npm.stderr}`);
    process.exit(1);
  }
  const completed = JSON.parse(
    readFileSync(join(scratch, 'package-lock.json'), 'utf8'),
  ) as Lockfile;
  const problems = checkFunctionsLock(completed, manifest.dependencies, rootLock);
  if (problems.length > 0) {
    console.error(
      `error: npm resolves other versions than the root lockfile:\n${problems.join('\n')}`,
    );
    process.exit(1);
  }
  writeFileSync(
    join(ROOT, 'functions/package-lock.json'),
    `${JSON.stringify(completed, null, 2)}\n`,
  );
  const count = Object.keys(completed.packages).length - 1;
  console.log(
    `wrote functions/package-lock.json: ${count} packages, the versions of the root lockfile`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
