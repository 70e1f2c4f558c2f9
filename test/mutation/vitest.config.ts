// The unit suite alone, for `npm run test:mutation`: StrykerJS's vitest runner cannot pick one
// project of the main config, and only unit tests run fast enough to run once per mutant.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'unit',
    include: ['test/unit/**/*.test.ts'],
    // Property tests run thousands of cases, and a mutant may make them slower still; Stryker's
    // own timeout (from the dry run's timings) decides when a mutant hangs.
    testTimeout: 60_000,
  },
});
