/**
 * The local stack: Node Firestore emulator (unless FIRESTORE_EMULATOR_HOST is set), built
 * functions and site, optional demo data, and the firebase CLI emulators for functions and
 * hosting with the production firebase.json. Used by `npm start` and the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { aggregateRange, lateDays } from '../../functions/src/aggregate/job.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { buildFunctions } from './build-functions.ts';
import { DEMO_FLEET, seedFleet, type FleetEvents } from './demo.ts';
import { startFirestoreEmulator, type RunningEmulator } from './firestore-emulator.ts';
import { ensureLocalSecret } from './local-secret.ts';
import { readSnapshotDays, writeSnapshotFile } from './project-snapshot.ts';

/** The project id of every local run; `demo-` keeps the CLI away from real cloud services. */
export const LOCAL_PROJECT = 'demo-homecall';
/** Where hosting listens, as firebase.json says. */
export const HOSTING_URL = 'http://127.0.0.1:5000';
/** Where the functions emulator listens. */
export const FUNCTIONS_URL = 'http://127.0.0.1:5001';
/** The scheduled aggregation's emulator URL: a POST runs it (there is no scheduler locally). */
export const AGGREGATE_URL = `${FUNCTIONS_URL}/${LOCAL_PROJECT}/${deploymentConfig.region}/aggregate-0`;
const ROOT = new URL('../../', import.meta.url).pathname;
const SNAPSHOT_FILE = new URL('../../site/.snapshot/days.json', import.meta.url).pathname;

/** How to start the stack. */
export interface StackOptions {
  demo: boolean;
  /**
   * Events of a fleet of the caller's own (a test's held-out reports through the real adapters
   * and pipeline), aggregated with the demo fleet, if any, over the last 90 days.
   */
  fleet?: FleetEvents;
  /** Firestore emulator port when this process starts one (0 picks a free port). */
  firestorePort: number;
  /** Skips building the site (tests that only need the API). */
  skipSite?: boolean;
  /** The emulator project (a `demo-` id); LOCAL_PROJECT unless a test wants data of its own. */
  project?: string;
  /**
   * A configuration file the functions are built with instead of homecall.config.ts (a test of
   * other settings, e.g. small aggregation shards); the rest of the stack uses homecall.config.ts.
   */
  functionsConfig?: string;
  log: (line: string) => void;
  /** Receives the firebase CLI's output lines. */
  onEmulatorOutput?: (line: string) => void;
}

/** A running stack. */
export interface Stack {
  firestoreHost: string;
  hostingUrl: string;
  timings: Record<string, number>;
  /** Resolves when the firebase CLI exits by itself. */
  exited: Promise<number>;
  stop: () => Promise<void>;
}

function bin(name: string): string {
  return `${ROOT}node_modules/.bin/${name}`;
}

async function timed<T>(
  timings: Record<string, number>,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const result = await work();
  timings[name] = Date.now() - started;
  return result;
}

/** Runs a command to completion, failing with its output when it fails. */
export async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.slice(-4000)}`);
}

/** Writes the aggregates the site is built with (and shows until it fetches fresh ones). */
export async function writeSiteSnapshot(
  store: FirestoreStore,
  now = Date.now(),
  project = LOCAL_PROJECT,
): Promise<number> {
  const days = await readSnapshotDays(store, now);
  writeSnapshotFile(SNAPSHOT_FILE, {
    generatedAt: new Date(now).toISOString(),
    project,
    source: 'emulator',
    days,
  });
  return days.length;
}

async function waitFor(
  url: string,
  deadline: number,
  exited: { code: number | undefined },
): Promise<void> {
  for (;;) {
    if (exited.code !== undefined)
      throw new Error(`firebase emulators exited with code ${exited.code}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const force = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      // The CLI runs the functions in child processes: signal the whole group.
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

/** Starts everything and resolves once hosting and the functions answer. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const timings: Record<string, number> = {};
  let emulator: RunningEmulator | undefined;
  let firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
  if (!firestoreHost) {
    emulator = await timed(timings, 'firestore', () =>
      startFirestoreEmulator({ port: options.firestorePort }),
    );
    firestoreHost = emulator.host;
    options.log(`Firestore emulator (Node) on ${firestoreHost}`);
  } else {
    options.log(`Using the Firestore emulator at FIRESTORE_EMULATOR_HOST=${firestoreHost}`);
  }
  const project = options.project ?? LOCAL_PROJECT;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FIRESTORE_EMULATOR_HOST: firestoreHost,
    GCLOUD_PROJECT: project,
    METADATA_SERVER_DETECTION: 'none',
  };
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: firestoreHost,
    GCLOUD_PROJECT: project,
  });
  const secret = ensureLocalSecret();
  const firestore = createFirestore({ projectId: project });
  const store = new FirestoreStore(firestore);
  let child: ChildProcess | undefined;
  const cleanup = async () => {
    if (child) await stopChild(child);
    await firestore.terminate().catch(() => {});
    await emulator?.stop();
  };
  try {
    await timed(timings, 'build functions', () =>
      buildFunctions({ configFile: options.functionsConfig }),
    );
    if (options.demo || options.fleet) {
      const seeded = await timed(timings, 'demo data', () =>
        seedFleet(store, secret, {
          demo: options.demo ? DEMO_FLEET : undefined,
          extra: options.fleet,
          log: options.log,
        }),
      );
      options.log(
        `${options.demo ? 'Demo data' : 'Fleet'}: ${seeded.installs} installs, ${seeded.days} days, ${seeded.events} recent raw events, ${seeded.pages} activity pages`,
      );
      const today = dayOf(Date.now());
      await timed(timings, 'aggregate', () =>
        aggregateRange(
          {
            store,
            clock: Date.now,
            config: deploymentConfig,
            publicationSecret: () => secret,
            demo: true,
          },
          addDays(today, -lateDays(deploymentConfig)),
          today,
        ),
      );
    }
    if (!options.skipSite) {
      const days = await writeSiteSnapshot(store, Date.now(), project);
      await timed(timings, 'build site', () => run(bin('astro'), ['build', '--root', 'site'], env));
      options.log(`Site built with a snapshot of ${days} days`);
    }
    const state: { code: number | undefined } = { code: undefined };
    child = spawn(
      bin('firebase'),
      // tasks: the Cloud Tasks emulator runs the aggregation's shard and merge tasks.
      ['emulators:start', '--only', 'functions,hosting,tasks', '--project', project],
      {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) options.onEmulatorOutput?.(line);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    const exited = new Promise<number>((resolve) =>
      child?.on('exit', (code) => {
        state.code = code ?? 1;
        resolve(state.code);
      }),
    );
    await timed(timings, 'emulators', async () => {
      const deadline = Date.now() + 120_000;
      await waitFor(`${HOSTING_URL}/`, deadline, state);
      await waitFor(`${HOSTING_URL}/api/v1/days`, deadline, state);
      await waitFor(`${HOSTING_URL}/v1/openapi.json`, deadline, state);
    });
    return { firestoreHost, hostingUrl: HOSTING_URL, timings, exited, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
