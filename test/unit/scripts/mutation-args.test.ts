// `npm run test:mutation`'s selection: which files Stryker mutates and what it hands on.
import { describe, expect, test } from 'vitest';
import {
  MutationUsageError,
  changedCoreFiles,
  inPureCore,
  parseMutationArgs,
} from '../../../scripts/lib/mutation-args.ts';
import { PURE_CORE } from '../../mutation/pure-core.ts';

describe('parseMutationArgs', () => {
  test.each([
    [[], { files: [], tests: [], passThrough: [], help: false }],
    [['--since', 'main'], { since: 'main', files: [], tests: [], passThrough: [], help: false }],
    [
      ['--since=origin/main'],
      { since: 'origin/main', files: [], tests: [], passThrough: [], help: false },
    ],
    [
      ['functions/src/privacy/scrub.ts', 'shared/dates.ts'],
      {
        files: ['functions/src/privacy/scrub.ts', 'shared/dates.ts'],
        tests: [],
        passThrough: [],
        help: false,
      },
    ],
    [
      ['--concurrency', '2', 'shared/dates.ts', '--ignoreStatic'],
      {
        files: ['shared/dates.ts'],
        tests: [],
        passThrough: ['--concurrency', '2', '--ignoreStatic'],
        help: false,
      },
    ],
    // --testFiles goes to vitest, never to Stryker: Stryker's own would leave static mutants
    // unactivated, so every module-level pattern would survive.
    [
      ['--since', 'main', '--testFiles=test/unit/privacy/scrub.test.ts'],
      {
        since: 'main',
        files: [],
        tests: ['test/unit/privacy/scrub.test.ts'],
        passThrough: [],
        help: false,
      },
    ],
    [
      [
        'shared/dates.ts',
        '--testFiles',
        'test/unit/a.test.ts,test/unit/b/*.test.ts',
        '--testFiles=c.test.ts',
      ],
      {
        files: ['shared/dates.ts'],
        tests: ['test/unit/a.test.ts', 'test/unit/b/*.test.ts', 'c.test.ts'],
        passThrough: [],
        help: false,
      },
    ],
    [['-h'], { files: [], tests: [], passThrough: [], help: true }],
  ])('%j', (argv, expected) => {
    expect(parseMutationArgs(argv)).toEqual(expected);
  });

  test.each([
    [['--since']],
    [['--since', '--concurrency']],
    [['--since', 'main', 'shared/dates.ts']],
    [['--testFiles']],
    [['--testFiles', '--concurrency', '1']],
  ])('refuses %j', (argv) => {
    expect(() => parseMutationArgs(argv)).toThrow(MutationUsageError);
  });
});

describe('the pure core', () => {
  test.each([
    ['functions/src/privacy/scrub.ts', true],
    ['functions/src/privacy/publication/noise.ts', true],
    ['functions/src/ingest/prepare.ts', true],
    ['functions/src/compat/netdata.ts', true],
    ['functions/src/identity/pseudonym.ts', true],
    ['functions/src/aggregate/breakdowns.ts', true],
    ['shared/privacy.ts', true],
    ['shared/schema/shapes.ts', true],
    // Wiring, handlers and stores are not the pure core.
    ['shared/config.ts', false],
    ['functions/src/ingest/handler.ts', false],
    ['functions/src/store/memory-store.ts', false],
    ['functions/src/aggregate/job.ts', false],
    ['test/unit/privacy/scrub.test.ts', false],
    ['README.md', false],
  ])('%s: %s', (file, expected) => {
    expect(inPureCore(file, PURE_CORE)).toBe(expected);
  });

  test('changed files: only the pure core, trimmed, unique and sorted', () => {
    expect(
      changedCoreFiles(
        ['README.md', 'shared/dates.ts', ' functions/src/privacy/scrub.ts', '', 'shared/dates.ts'],
        PURE_CORE,
      ),
    ).toEqual(['functions/src/privacy/scrub.ts', 'shared/dates.ts']);
  });
});
