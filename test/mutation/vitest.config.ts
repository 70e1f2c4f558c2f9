// The unit suite alone, for `npm run test:mutation`: StrykerJS's vitest runner cannot pick one
// project of the main config, and only unit tests run fast enough to run once per mutant.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { MUTATION_TESTS_ENV } from '../../scripts/lib/mutation-args.ts';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'unit',
    // `--testFiles` of `npm run test:mutation` narrows the suite here, not through Stryker's own
    // option, which would leave every static mutant unactivated (scripts/lib/mutation-args.ts).
    include: process.env[MUTATION_TESTS_ENV]?.split(',') ?? ['test/unit/**/*.test.ts'],
    // Property tests run thousands of cases, and a mutant may make them slower still; Stryker's
    // own timeout (from the dry run's timings) decides when a mutant hangs.
    testTimeout: 60_000,
  },
});
