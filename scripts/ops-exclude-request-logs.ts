/**
 * `npm run ops:exclude-request-logs -- [--project ID] [--dry-run]`: adds (or brings up to date)
 * the Cloud Logging exclusion that keeps Cloud Run's request logs of the `ingest` and `stats`
 * functions — which record every caller's IP address — out of the `_Default` log bucket.
 * Then lists the project's other log sinks and warns about those that may copy the same logs
 * elsewhere. Prints each gcloud command before running it; `--dry-run` only prints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  GcloudError,
  applyRequestLogExclusion,
  gcloudAvailable,
  sinkWarningLines,
} from './lib/log-exclusion-run.ts';
import {
  EXCLUSION_NAME,
  SINK,
  UsageError,
  describeArgs,
  exclusionArgs,
  exclusionFilter,
  formatCommand,
  listSinksArgs,
  resolveProject,
} from './lib/request-log-exclusion.ts';

const FIREBASERC = new URL('../.firebaserc', import.meta.url);
const USAGE = 'usage: npm run ops:exclude-request-logs -- [--project ID] [--dry-run]';

function fail(message: string, code = 1): never {
  console.error(`error: ${message}`);
  process.exit(code);
}

let values: { project?: string; 'dry-run'?: boolean; help?: boolean };
try {
  values = parseArgs({
    options: {
      project: { type: 'string', short: 'p' },
      'dry-run': { type: 'boolean', short: 'n' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dryRun = values['dry-run'] === true;

let project: string;
let source: string;
try {
  ({ project, source } = resolveProject(
    values.project,
    process.env,
    existsSync(FIREBASERC) ? readFileSync(FIREBASERC, 'utf8') : undefined,
  ));
} catch (error) {
  if (error instanceof UsageError) fail(`${error.message}\n${USAGE}`, 2);
  throw error;
}
const filter = exclusionFilter();
const hasGcloud = gcloudAvailable();
if (!hasGcloud && !dryRun)
  fail(
    'gcloud (the Google Cloud CLI) is not installed or not on PATH. Install it ' +
      '(https://cloud.google.com/sdk/docs/install), run `gcloud auth login`, then run this ' +
      'again — or use --dry-run to see the command.',
  );

console.log(`Project: ${project} (from ${source})`);
console.log(`Sink: ${SINK}; exclusion: ${EXCLUSION_NAME}`);
console.log(`Filter: ${filter}\n`);

if (dryRun) {
  console.log('Dry run: this would be run (--update-exclusion instead when it exists already):\n');
  console.log(`  ${formatCommand('gcloud', exclusionArgs(project, 'add', filter))}`);
  console.log(`\nand the project's other log sinks would be checked with:\n`);
  console.log(`  ${formatCommand('gcloud', listSinksArgs(project))}`);
  if (!hasGcloud) console.log('\nNote: gcloud is not on PATH; install it before the real run.');
} else {
  try {
    const outcome = applyRequestLogExclusion(project, (line) => console.log(line));
    for (const line of sinkWarningLines(project, outcome.sinkWarnings ?? [])) console.warn(line);
  } catch (error) {
    if (error instanceof GcloudError) fail(error.message);
    throw error;
  }
}

console.log(`
How to verify:
  ${formatCommand('gcloud', describeArgs(project))}
    lists "${EXCLUSION_NAME}" with the filter above under "exclusions:".
  New request logs of ingest and stats stop appearing in the Logs Explorer within minutes; this
  query should then return nothing newer than now:
  ${formatCommand('gcloud', ['logging', 'read', filter, '--freshness=10m', '--limit=5', `--project=${project}`])}
  Excluded entries are not stored (not billed either); entries stored before stay until the
  bucket's retention (30 days for _Default) removes them. The functions' own logs (method,
  route, status, duration — never an address) are kept.`);
