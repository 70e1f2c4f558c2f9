/**
 * `npm run ops:exclude-request-logs -- [--project ID] [--dry-run]`: adds (or brings up to date)
 * the Cloud Logging exclusion that keeps Cloud Run's request logs of the `ingest` and `stats`
 * functions — which record every caller's IP address — out of the `_Default` log bucket.
 * Prints each gcloud command before running it; `--dry-run` only prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  EXCLUSION_NAME,
  SINK,
  UsageError,
  actionFor,
  describeArgs,
  exclusionArgs,
  exclusionFilter,
  formatCommand,
  resolveProject,
  type SinkDescription,
} from './lib/request-log-exclusion.ts';

const FIREBASERC = new URL('../.firebaserc', import.meta.url);
const USAGE = 'usage: npm run ops:exclude-request-logs -- [--project ID] [--dry-run]';

function fail(message: string, code = 1): never {
  console.error(`error: ${message}`);
  process.exit(code);
}

function gcloudAvailable(): boolean {
  const probe = spawnSync('gcloud', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
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
  if (!hasGcloud) console.log('\nNote: gcloud is not on PATH; install it before the real run.');
} else {
  console.log(`$ ${formatCommand('gcloud', describeArgs(project, true))}`);
  const described = spawnSync('gcloud', describeArgs(project, true), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (described.status !== 0)
    fail(
      `could not read the ${SINK} sink of ${project} (see gcloud's message above). ` +
        'Are you logged in (`gcloud auth login`) with a role that may configure logging ' +
        '(roles/logging.configWriter)?',
    );
  let sink: SinkDescription;
  try {
    sink = JSON.parse(described.stdout) as SinkDescription;
  } catch {
    fail(`gcloud printed something that is not JSON for the ${SINK} sink`);
  }
  const action = actionFor(sink, filter);
  if (action === 'unchanged') {
    console.log(`\nThe exclusion ${EXCLUSION_NAME} is in place and up to date: nothing to do.`);
  } else {
    const args = exclusionArgs(project, action, filter);
    console.log(`\n$ ${formatCommand('gcloud', args)}`);
    const applied = spawnSync('gcloud', args, { stdio: 'inherit' });
    if (applied.status !== 0) fail(`gcloud failed (exit ${applied.status ?? 'signal'})`);
    console.log(`\nThe exclusion ${EXCLUSION_NAME} was ${action === 'add' ? 'added' : 'updated'}.`);
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
