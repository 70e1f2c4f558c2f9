/**
 * `npm run aggregate` as a child process against an emulator project, optionally killed with
 * SIGKILL as soon as its progress lines (plain lines, as in CI) show a number of days done.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How a run of the CLI ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The highest `done` of its `aggregate: done/total` progress lines. */
  /** The highest `done` of its `aggregate: done/total` progress lines (shards, then days). */
  daysDone: number;
  stderr: string;
}

/** Runs the CLI over `from`..`to`; with `killAfterDays`, kills it once that many days are done. */
export async function runAggregateCli(options: {
  emulatorHost: string;
  projectId: string;
  from: string;
  to: string;
  killAfterDays?: number;
}): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    ['scripts/aggregate.ts', '--from', options.from, '--to', options.to],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        FIRESTORE_EMULATOR_HOST: options.emulatorHost,
        GCLOUD_PROJECT: options.projectId,
        CI: 'true',
        METADATA_SERVER_DETECTION: 'none',
        // The deployment secret the published days' noise is seeded with.
        INSTALL_ID_SECRET: 'aggregate-cli-test-secret',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  let daysDone = 0;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    for (const match of stderr.matchAll(/^aggregate: (\d+)\/\d+ /gm)) {
      daysDone = Math.max(daysDone, Number(match[1]));
    }
    if (options.killAfterDays !== undefined && daysDone >= options.killAfterDays) {
      child.kill('SIGKILL');
    }
  });
  return await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, daysDone, stderr }));
  });
}
