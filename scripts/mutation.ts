/**
 * `npm run test:mutation -- [--since REF] [FILE|GLOB ...] [stryker options]`: StrykerJS over the
 * pure core (test/mutation/stryker.config.mjs), unit tests only. With --since it mutates only the
 * pure-core files changed against REF; with files or globs, only those. Reports land in .mutation/.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PURE_CORE } from '../test/mutation/pure-core.ts';
import {
  MUTATION_TESTS_ENV,
  MUTATION_USAGE,
  MutationUsageError,
  changedCoreFiles,
  parseMutationArgs,
} from './lib/mutation-args.ts';

const CONFIG = 'test/mutation/stryker.config.mjs';

let args;
try {
  args = parseMutationArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof MutationUsageError)) throw error;
  console.error(`error: ${error.message}\n${MUTATION_USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(MUTATION_USAGE);
  process.exit(0);
}

let mutate = args.files;
if (args.since !== undefined) {
  let names: string;
  try {
    // Against the working tree, so uncommitted edits count as changed too.
    names = execFileSync('git', ['diff', '--name-only', args.since, '--'], { encoding: 'utf8' });
    // New files not yet added are changes too.
    names += execFileSync('git', ['ls-files', '--others', '--exclude-standard'], {
      encoding: 'utf8',
    });
  } catch {
    console.error(`error: git cannot compare with "${args.since}": is it a branch or commit?`);
    process.exit(2);
  }
  mutate = changedCoreFiles(names.split('\n'), PURE_CORE).filter((f) => existsSync(f));
  if (mutate.length === 0) {
    console.log(`No file of the pure core changed against ${args.since}: nothing to mutate.`);
    process.exit(0);
  }
  console.log(`Mutating ${mutate.length} file(s) changed against ${args.since}:`);
  for (const file of mutate) console.log(`  ${file}`);
}

const strykerArgs = ['run', CONFIG, ...args.passThrough];
if (mutate.length > 0) strykerArgs.push('--mutate', mutate.join(','));
const started = Date.now();
const env = { ...process.env };
if (args.tests.length > 0) env[MUTATION_TESTS_ENV] = args.tests.join(',');
const child = spawn('stryker', strykerArgs, { stdio: 'inherit', env });
child.on('exit', (code, signal) => {
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`Mutation run took ${minutes} min; reports: .mutation/report.html, report.json`);
  process.exit(signal ? 1 : (code ?? 1));
});
