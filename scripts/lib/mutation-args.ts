/**
 * The command line of `npm run test:mutation`: which files of the pure core Stryker mutates, and
 * what it passes on to Stryker. Pure, so every rule of the selection has a unit test.
 */
import path from 'node:path';

/** Usage text, printed with a usage error and by --help. */
export const MUTATION_USAGE =
  'usage: npm run test:mutation -- [--since REF] [FILE|GLOB ...] [--testFiles GLOB[,GLOB]] [stryker options]';

/**
 * The environment variable that hands `--testFiles` to test/mutation/vitest.config.ts. Stryker's
 * own `--testFiles` must not be used: with it, Stryker 10.1 activates a static mutant (a
 * module-level pattern or table) only after its module has loaded, so every one of them survives
 * (stryker-js#6144). Narrowing vitest's `include` instead leaves Stryker's test filter unset.
 */
export const MUTATION_TESTS_ENV = 'HOMECALL_MUTATION_TESTS';

/** A parsed command line. */
export interface MutationArgs {
  /** Mutate only pure-core files changed against this git ref (working tree included). */
  since?: string;
  /** Files or globs to mutate instead of the whole pure core. */
  files: string[];
  /** Unit test files or globs to run instead of the whole unit suite (`--testFiles`). */
  tests: string[];
  /** Everything else, handed to `stryker run` as written (e.g. `--concurrency 2`). */
  passThrough: string[];
  help: boolean;
}

/** A command line that cannot be run, with the reason. */
export class MutationUsageError extends Error {}

/** Splits the arguments into --since, file selections and Stryker's own options. */
export function parseMutationArgs(argv: readonly string[]): MutationArgs {
  const args: MutationArgs = { files: [], tests: [], passThrough: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--since' || arg.startsWith('--since=')) {
      const ref = arg === '--since' ? argv[++i] : arg.slice('--since='.length);
      if (!ref || ref.startsWith('-'))
        throw new MutationUsageError('--since needs a git ref, e.g. --since main');
      args.since = ref;
    } else if (arg === '--testFiles' || arg.startsWith('--testFiles=')) {
      const globs = arg === '--testFiles' ? argv[++i] : arg.slice('--testFiles='.length);
      if (!globs || globs.startsWith('-'))
        throw new MutationUsageError('--testFiles needs test files or globs, comma-separated');
      args.tests.push(...globs.split(',').filter((glob) => glob !== ''));
    } else if (arg.startsWith('-')) {
      args.passThrough.push(arg);
      // An option's value follows it unless written --name=value or it is a lone flag.
      const next = argv[i + 1];
      if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) {
        args.passThrough.push(next);
        i++;
      }
    } else args.files.push(arg);
  }
  if (args.since !== undefined && args.files.length > 0)
    throw new MutationUsageError('give either --since REF or files, not both');
  return args;
}

/** Whether `file` (a path relative to the repository) is in the pure core's globs. */
export function inPureCore(file: string, globs: readonly string[]): boolean {
  const posix = file.split(path.sep).join('/');
  let included = false;
  for (const glob of globs) {
    if (glob.startsWith('!')) {
      if (path.posix.matchesGlob(posix, glob.slice(1))) return false;
    } else if (path.posix.matchesGlob(posix, glob)) included = true;
  }
  return included;
}

/** The changed files (git's name list) that Stryker should mutate, sorted and unique. */
export function changedCoreFiles(changed: readonly string[], globs: readonly string[]): string[] {
  return [...new Set(changed.map((f) => f.trim()).filter((f) => f && inPureCore(f, globs)))].sort();
}
