// Three suites in `npm test`: pure unit tests, store tests against a Firestore emulator, and the
// end-to-end run through the firebase CLI emulators; the browser and ReDoS suites run on their own.
// Group orders start at 1: vitest 5.1 runs a group 0 after group 1, not before.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON ?? '.artifacts/vitest.json' }]]
      : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          // Property tests run thousands of cases: vitest's default 5 s is too tight when other
          // work shares the machine; a hang still fails.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/firestore-emulator-setup.ts'],
          // The aggregation kill test alone starts four CLI processes; with another job on the
          // machine it has taken over 60 s. A hang still fails.
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The functions emulator gives a worker process 30 s to boot, and boots one whenever no
          // worker is idle; a busy machine has taken 28 s. The hosting emulator's own 60 s proxy
          // limit stays the last word.
          env: { FUNCTIONS_DISCOVERY_TIMEOUT: '60' },
          // After unit and integration have finished, so the firebase emulators and their
          // function workers never add their memory to the other suites' Firestore emulators.
          sequence: { groupOrder: 2 },
          globalSetup: ['test/support/firestore-emulator-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        // Not part of `npm test` (minutes of CPU, seeded fuzzing of every scrubber pattern):
        // `npm run test:redos`, after changing a pattern.
        test: {
          name: 'redos',
          include: ['test/redos/**/*.test.ts'],
          sequence: { groupOrder: 4 },
          testTimeout: 600_000,
        },
      },
      {
        // Not part of `npm test` (it needs Chromium): `npm run test:browser`.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          globalSetup: ['test/support/firestore-emulator-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
