// StrykerJS over the pure core: `npm run test:mutation` (scripts/mutation.ts picks the files and
// passes the rest of its arguments on). Unit tests only; the TypeScript checker drops mutants that
// would not compile, so they count neither as killed nor as survived.
// @ts-check (Node 24 loads the .ts import natively.)

import { PURE_CORE } from './pure-core.ts';

// HOMECALL_MUTATION_OUT=.mutation/<name> keeps a second run's sandbox and reports apart, so two
// runs can go side by side.
const out = process.env.HOMECALL_MUTATION_OUT ?? '.mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: PURE_CORE,
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'test/mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test runner and one checker by default.
  concurrency: 1,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/report.html` },
  jsonReporter: { fileName: `${out}/report.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: `${out}/tmp`,
  cleanTempDir: 'always',
  ignorePatterns: [
    '/site/dist',
    '/site/.astro',
    '/site/node_modules',
    '/functions/lib',
    '/.artifacts',
    '/.mutation',
    '/bench-results',
    '/test-results',
    '/.homecall',
    '/.firebase',
  ],
  thresholds: { high: 90, low: 85, break: null },
};
