// The files the mutation score is measured on, read by stryker.config.mjs and scripts/mutation.ts.

/** The pure core: what the mutation score is measured on (README: Mutation testing). */
export const PURE_CORE: readonly string[] = [
  'functions/src/privacy/**/*.ts',
  'functions/src/ingest/prepare.ts',
  'functions/src/ingest/allowlist.ts',
  'functions/src/ingest/canonical.ts',
  'functions/src/ingest/shape-check.ts',
  'functions/src/compat/**/*.ts',
  'functions/src/identity/**/*.ts',
  'functions/src/aggregate/breakdowns.ts',
  'functions/src/aggregate/counters.ts',
  'functions/src/aggregate/digest.ts',
  'functions/src/aggregate/exact.ts',
  'functions/src/aggregate/history.ts',
  'functions/src/aggregate/page.ts',
  'functions/src/aggregate/publication-input.ts',
  'functions/src/aggregate/reliability.ts',
  'functions/src/aggregate/snapshot.ts',
  'shared/*.ts',
  'shared/schema/*.ts',
  // Loads homecall.config.ts: a module of wiring, not of rules.
  '!shared/config.ts',
];
