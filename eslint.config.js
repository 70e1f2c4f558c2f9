// Lint rules for every TypeScript file; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages that tie code to a runtime: never imported by the pure folders. */
const FIREBASE = [
  'firebase-admin',
  'firebase-admin/*',
  'firebase-functions',
  'firebase-functions/*',
  '@google-cloud/*',
];

/** What the pure folders (compat, aggregate, privacy) never import. */
const PURE_PATTERNS = [
  {
    group: FIREBASE,
    message: 'compat, aggregate and privacy are pure: no Firebase or Google Cloud client.',
  },
  {
    group: [
      '**/ingest/**',
      '**/formats/**',
      '**/http/**',
      '**/stats/**',
      '**/docs/**',
      '**/store/*',
      '!**/store/types.ts',
      '**/wiring.ts',
      '**/index.ts',
    ],
    message:
      'compat, aggregate and privacy import the model, not ingest, formats, handlers or a store implementation: records are in model/, hashing in identity/, the Store interface in store/types.ts.',
  },
];

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
      '.mutation/**',
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
  // They depend on the model (records in model/, the Store interface in store/types.ts), never on
  // the layers that use them: the ingest pipeline, the wire formats, the handlers, a store.
  {
    files: ['functions/src/compat/**/*.ts', 'functions/src/aggregate/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: PURE_PATTERNS }] },
  },
  // The aggregation hands its tallies to the publication (aggregate/publication-input.ts), never
  // the other way round: privacy depends on no layer that uses it.
  {
    files: ['functions/src/privacy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...PURE_PATTERNS,
            {
              group: ['**/aggregate/**'],
              message:
                'privacy never imports the aggregation: the aggregation converts its tallies (aggregate/publication-input.ts) and calls the publication.',
            },
          ],
        },
      ],
    },
  },
  // The store keeps the model's records: it never imports the layers that produce or read them.
  {
    files: ['functions/src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/ingest/**',
                '**/compat/**',
                '**/aggregate/**',
                '**/formats/**',
                '**/http/**',
                '**/stats/**',
                '**/docs/**',
                '**/wiring.ts',
                '**/index.ts',
              ],
              message:
                'The store imports the model (model/) and shared/, never the layers that use it.',
            },
          ],
        },
      ],
    },
  },
  // The model and the hashing helpers are the bottom of the app: every layer imports them, they
  // import nothing of it but shared/. The one exception is the union of event sources, a type the
  // model takes from the wire formats' registry (it is derived from their entries).
  {
    files: ['functions/src/model/**/*.ts', 'functions/src/identity/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: FIREBASE,
              message: 'model/ and identity/ are pure: no Firebase or Google Cloud client.',
            },
            {
              regex: '^\\.\\./(?!\\.\\./\\.\\./shared/|formats/registry\\.ts$)',
              message:
                'model/ and identity/ import nothing of the app but shared/ (and the EventSource type of formats/registry.ts).',
            },
            {
              regex: '^\\.\\./formats/registry\\.ts$',
              allowTypeImports: true,
              message: 'model/ takes only the EventSource type from the registry.',
            },
          ],
        },
      ],
    },
  },
);
