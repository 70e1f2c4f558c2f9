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
);
