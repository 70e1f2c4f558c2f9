/**
 * `npm run deploy -- [--dry-run] [--only hosting|functions|firestore] [--project ID] [--force]
 * [--skip-log-exclusion]`: builds exactly what `firebase deploy` uploads — the functions bundle
 * with its lockfile, the site from a snapshot of the target project's own `days`, the Firestore
 * rules, indexes and TTL — applies the request-log exclusion, then runs `firebase deploy`. With
 * `--dry-run` it prints what would be uploaded and stops. Demo data is never published; a stale
 * or empty snapshot only with `--force`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deploymentConfig } from '../shared/config.ts';
import { lateDays } from '../functions/src/aggregate/plan.ts';
import { buildOpenApi } from '../functions/src/docs/openapi.ts';
import { createFirestore } from '../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../functions/src/store/firestore-store.ts';
import { BUILD_MANIFEST, type SiteBuildManifest } from '../site/src/lib/build-manifest.ts';
import { buildFunctions } from './lib/build-functions.ts';
import { DEPLOY_USAGE, parseDeployArgs, type DeployOptions } from './lib/deploy-args.ts';
import {
  openApiProblems,
  retiredParamProblems,
  rewriteProblems,
  type FirebaseJson,
} from './lib/deploy-preflight.ts';
import {
  declaredFunctions,
  firestoreSummary,
  formatBytes,
  functionsUploadFiles,
  hostingUploadFiles,
  type UploadFile,
} from './lib/deploy-upload.ts';
import { functionsLockProblems } from './lib/functions-lock-files.ts';
import {
  applyRequestLogExclusion,
  gcloudAvailable,
  GcloudError,
  sinkWarningLines,
} from './lib/log-exclusion-run.ts';
import { readSnapshotDays, writeSnapshotFile } from './lib/project-snapshot.ts';
import {
  checkSiteBuild,
  checkSnapshot,
  isDemoProject,
  snapshotFacts,
} from './lib/publish-checks.ts';
import {
  exclusionArgs,
  formatCommand,
  listSinksArgs,
  resolveProject,
  UsageError,
} from './lib/request-log-exclusion.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const config = deploymentConfig;
const say = (line = '') => console.log(line);
const warn = (line: string) => console.warn(`WARNING: ${line}`);

/** A reason to stop; printed without a stack trace. */
class DeployError extends Error {}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}

function fail(problems: string[], what: string): never {
  throw new DeployError(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

function listFiles(title: string, files: UploadFile[]): void {
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  say(`    ${title}: ${files.length} files, ${formatBytes(total)}`);
  for (const file of files) say(`      ${formatBytes(file.bytes).padStart(9)}  ${file.path}`);
}

/** Runs a command with inherited output; resolves with its exit code. */
function runInherited(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function preflight(firebase: FirebaseJson, options: DeployOptions): void {
  const envFiles = Object.fromEntries(
    readdirSync(join(ROOT, 'functions'))
      .filter((name) => name === '.env' || name.startsWith('.env.'))
      .map((name) => [`functions/${name}`, readFileSync(join(ROOT, 'functions', name), 'utf8')]),
  );
  const problems = [
    ...rewriteProblems(firebase, config),
    ...retiredParamProblems(envFiles),
    ...openApiProblems(readJson('shared/generated/openapi.json'), buildOpenApi(config)),
    ...(options.only.includes('functions') ? functionsLockProblems() : []),
  ];
  if (problems.length > 0) fail(problems, 'the deployment is not consistent');
  say(
    `[config] homecall.config.ts: ${config.productName} at ${config.siteUrl}; k = ${config.kAnonymity}; ` +
      `ε = ${config.privacy.epsilon}, δ = ${config.privacy.delta} per day; ` +
      `raw events kept ${config.eventRetentionDays} d, installs ${config.installRetentionDays} d; ` +
      `region ${config.region}, at most ${config.maxInstances} instances; ` +
      `aggregation shards of ${config.aggregation.eventsPerShard} events, ${config.aggregation.shardParallelism} at once; compat: ` +
      `${
        Object.entries(config.compat)
          .filter(([, on]) => on)
          .map(([f]) => f)
          .join(', ') || 'none'
      }`,
  );
}

async function functionsStep(firebase: FirebaseJson, project: string, dryRun: boolean) {
  const ms = await buildFunctions();
  const declared = declaredFunctions(ROOT, project);
  say(`[functions] bundle built in ${ms} ms; it loads and declares:`);
  for (const f of declared)
    say(
      `    ${f.name.padEnd(14)} ${f.trigger}, ${f.region}, ${f.memoryMb} MB, max ${f.maxInstances} instances, ${f.timeoutSeconds} s${f.secrets.length ? `, secrets ${f.secrets.join(',')}` : ''}`,
    );
  const files = await functionsUploadFiles(ROOT, firebase);
  if (!files.some((f) => f.path === 'package-lock.json'))
    fail(
      ['functions/package-lock.json would not be uploaded'],
      'the functions package is incomplete',
    );
  if (dryRun)
    listFiles('functions/ (source archive; Cloud Build runs npm ci from package-lock.json)', files);
  else
    say(
      `    functions/: ${files.length} files, ${formatBytes(files.reduce((s, f) => s + f.bytes, 0))}`,
    );
}

async function hostingStep(firebase: FirebaseJson, options: DeployOptions, project: string) {
  const emulator = process.env.FIRESTORE_EMULATOR_HOST || undefined;
  const source = emulator ? 'emulator' : 'firestore';
  say(
    `[snapshot] reading the days of ${project} from ${emulator ? `the Firestore emulator at ${emulator}` : 'Firestore (Application Default Credentials)'}...`,
  );
  const firestore = createFirestore({ projectId: project });
  const now = Date.now();
  let days;
  try {
    days = await readSnapshotDays(new FirestoreStore(firestore), now);
  } catch (error) {
    throw new DeployError(
      `could not read the days of ${project}: ${error instanceof Error ? error.message : String(error)}\n` +
        '  Log in with `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a service account key with the Cloud Datastore Viewer role).',
    );
  } finally {
    await firestore.terminate().catch(() => {});
  }
  const target = { project, now, force: options.force, finalLagDays: lateDays(config) };
  const checked = checkSnapshot(snapshotFacts(days, project, source), target);
  for (const w of checked.warnings) warn(w);
  if (checked.errors.length > 0)
    fail(checked.errors, 'refusing to build the site from this snapshot');
  const generatedAt = new Date(now).toISOString();
  say(
    `    ${days.length} days, ${days[0]?.day ?? '-'} to ${days.at(-1)?.day ?? '-'}, read at ${generatedAt}` +
      `; computed with k = ${[...new Set(days.map((d) => d.publication?.kAnonymity ?? '?'))].join(', ') || '-'}` +
      `; ε = ${[...new Set(days.map((d) => d.privacy?.epsilon ?? '-'))].join(', ') || '-'}`,
  );
  const file = join(ROOT, 'site/.snapshot', `deploy-${project}.json`);
  writeSnapshotFile(file, { generatedAt, project, source, days });
  say('[site] building site/dist from the snapshot...');
  const code = await runInherited(
    join(ROOT, 'node_modules/.bin/astro'),
    ['build', '--root', 'site', '--silent'],
    {
      ...process.env,
      HOMECALL_SNAPSHOT: file,
    },
  );
  if (code !== 0) throw new DeployError(`the site build failed (exit ${code})`);
  // The same check the hosting predeploy runs on what was just built.
  const manifestFile = join(ROOT, 'site/dist', BUILD_MANIFEST);
  const manifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as SiteBuildManifest)
    : undefined;
  const built = checkSiteBuild(manifest, config, target);
  if (built.errors.length > 0) fail(built.errors, 'the built site would be refused');
  const files = hostingUploadFiles(ROOT, firebase);
  if (options.dryRun) listFiles(`${firebase.hosting?.public ?? 'site/dist'}/ (hosting)`, files);
  else
    say(
      `    site/dist: ${files.length} files, ${formatBytes(files.reduce((s, f) => s + f.bytes, 0))}`,
    );
}

function firestoreStep(firebase: FirebaseJson): void {
  const summary = firestoreSummary(ROOT, firebase);
  say(
    `[firestore] rules ${summary.rules} (${formatBytes(summary.rulesBytes)}: ${summary.allows.join('; ')}); ` +
      `${summary.indexes}: ${summary.compositeIndexes} composite indexes, ${summary.fieldOverrides} field overrides, TTL on ${summary.ttl.join(', ')}`,
  );
}

function logExclusionStep(options: DeployOptions, project: string): void {
  if (!options.only.includes('functions')) {
    say('[logs] request-log exclusion: not needed for this deploy (no functions deployed)');
    return;
  }
  if (options.skipLogExclusion) {
    warn(
      'the request-log exclusion was skipped (--skip-log-exclusion). Cloud Run then stores the caller IP address of every request to ingest and stats in its request logs for 30 days. Apply it with `npm run ops:exclude-request-logs`.',
    );
    return;
  }
  if (isDemoProject(project)) {
    say(`[logs] request-log exclusion: not applicable to the emulator-only project ${project}`);
    return;
  }
  const hasGcloud = gcloudAvailable();
  if (!hasGcloud) {
    if (options.dryRun) {
      say('[logs] request-log exclusion: would run (--update-exclusion when it exists already)');
      say(`    ${formatCommand('gcloud', exclusionArgs(project, 'add'))}`);
      say(
        `    and check the other log sinks with ${formatCommand('gcloud', listSinksArgs(project))}`,
      );
      say('    (gcloud is not on PATH: install it before the real deploy)');
      return;
    }
    throw new DeployError(
      'gcloud (the Google Cloud CLI) is needed for the request-log exclusion and is not on PATH: install it and run `gcloud auth login`, or deploy with --skip-log-exclusion and apply it later with `npm run ops:exclude-request-logs`',
    );
  }
  say(
    `[logs] request-log exclusion (keeps caller IPs out of Cloud Logging)${options.dryRun ? ', read only:' : ':'}`,
  );
  try {
    const outcome = applyRequestLogExclusion(project, (line) => say(`    ${line}`), undefined, {
      dryRun: options.dryRun,
    });
    for (const line of sinkWarningLines(project, outcome.sinkWarnings ?? [])) console.warn(line);
  } catch (error) {
    if (!(error instanceof GcloudError)) throw error;
    // A dry run reports what it could not read instead of stopping.
    if (options.dryRun) warn(error.message);
    else throw new DeployError(error.message);
  }
}

/** The `firebase deploy` command line for the options. */
function firebaseArgs(options: DeployOptions, project: string): string[] {
  const args = ['deploy', '--only', options.only.join(','), '--project', project];
  if (!process.stdin.isTTY || process.env.CI) args.push('--non-interactive');
  return args;
}

async function main(): Promise<number> {
  let options: DeployOptions;
  let project: string;
  let projectSource: string;
  try {
    options = parseDeployArgs(process.argv.slice(2));
    if (options.help) {
      say(DEPLOY_USAGE);
      return 0;
    }
    const firebaserc = join(ROOT, '.firebaserc');
    ({ project, source: projectSource } = resolveProject(
      options.project,
      process.env,
      existsSync(firebaserc) ? readFileSync(firebaserc, 'utf8') : undefined,
      { allowDemo: Boolean(process.env.FIRESTORE_EMULATOR_HOST) },
    ));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n${DEPLOY_USAGE}`);
      return 2;
    }
    throw error;
  }
  const firebase = readJson<FirebaseJson>('firebase.json');
  const command = formatCommand('firebase', firebaseArgs(options, project));
  say(
    `homecall deploy${options.dryRun ? ' (dry run: nothing is uploaded)' : ''}: ${options.only.join(', ')} to ${project} (from ${projectSource})`,
  );
  preflight(firebase, options);
  if (options.only.includes('firestore')) firestoreStep(firebase);
  if (options.only.includes('functions')) await functionsStep(firebase, project, options.dryRun);
  if (options.only.includes('hosting')) await hostingStep(firebase, options, project);
  logExclusionStep(options, project);
  if (options.dryRun) {
    say(
      `\nDry run: everything above is built and checked; nothing was uploaded. The deploy would run:\n  ${command}`,
    );
    return 0;
  }
  say(`\n$ ${command}`);
  const code = await runInherited('firebase', firebaseArgs(options, project), {
    ...process.env,
    ...(options.force ? { HOMECALL_DEPLOY_FORCE: '1' } : {}),
  });
  if (code === 127)
    throw new DeployError(
      'the firebase CLI was not found: run `npm install` and deploy with `npm run deploy`',
    );
  if (code !== 0) throw new DeployError(`firebase deploy failed (exit ${code})`);
  say(`\nDeployed ${options.only.join(', ')} to ${project}.`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  // A bad homecall.config.ts never gets here: importing shared/config.ts throws its ConfigError.
  if (error instanceof DeployError) {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  } else throw error;
}
