// Lint rules for every TypeScript file; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'functions/lib/**',
      'site/dist/**',
      'site/.astro/**',
      '.artifacts/**',
      'bench-results/**',
      'site/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The handlers must never look at who is calling: forbid the usual ways of reading it.
      'no-restricted-properties': [
        'error',
        { property: 'ip', message: 'homecall never reads a caller address.' },
        { property: 'ips', message: 'homecall never reads a caller address.' },
        { property: 'remoteAddress', message: 'homecall never reads a caller address.' },
      ],
    },
  },
  // Imports point one way. The site is built and bundled for browsers from shared/ alone.
  {
    files: ['site/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/functions/**'],
              message: 'The site never imports functions/: what both sides need lives in shared/.',
            },
          ],
        },
      ],
    },
  },
  // Pure folders: their code runs in tests, benchmarks and any runtime, with dependencies passed in.
  {
    files: [
      'functions/src/compat/**/*.ts',
      'functions/src/aggregate/**/*.ts',
      'functions/src/privacy/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'firebase-admin',
                'firebase-admin/*',
                'firebase-functions',
                'firebase-functions/*',
                '@google-cloud/*',
                '**/store/firestore-*',
                '**/wiring.ts',
              ],
              message:
                'compat, aggregate and privacy are pure: no Firebase, no Firestore store (take a Store, see store/types.ts).',
            },
          ],
        },
      ],
    },
  },
);
