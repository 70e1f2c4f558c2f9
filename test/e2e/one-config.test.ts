// The one configuration file, edited as a maintainer would: in a copy of the repository,
// homecall.config.ts with k = 4 or ε = 0 stops the build, npm start and the deploy; with k = 7,
// 30 days of retention, ε = 0.5 and smoothing α = 0.3, ingest (expiry of stored events), the
// aggregation (noise and thresholds: what is hidden in "other"), the stats API and the built site
// all change together —
// the same fleet whose versions the repository's ε = 8 publishes bucket by bucket
// (test/e2e/deploy.test.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { lateDays } from '../../functions/src/aggregate/plan.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import {
  finalFleetEvents,
  fleetBatch,
  runScript,
  withoutUndefined,
} from '../support/deploy-fixtures.ts';
import { emulatorFirestore } from '../support/emulator-firestore.ts';
import { fakeClis, type FakeClis } from '../support/fake-cli.ts';
import { tableByCaption, textById } from '../support/html-tables.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const HOSTING = 'http://127.0.0.1:5000';
const FIRESTORE = '127.0.0.1:8080';
const today = dayOf(Date.now());
let copy: string;
let clis: FakeClis;
let started: ChildProcess | undefined;

/** The environment of a maintainer's shell: no emulator of the test run, Node 24 first. */
function shell(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    FIRESTORE_EMULATOR_HOST: undefined,
    GCLOUD_PROJECT: undefined,
    GOOGLE_CLOUD_PROJECT: undefined,
    PATH: `${clis.dir}:${ROOT}node_modules/.bin:${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** Replaces one field's line in the copy's homecall.config.ts. */
function setConfig(field: string, value: string): void {
  const file = join(copy, 'homecall.config.ts');
  const text = readFileSync(file, 'utf8');
  const next = text.replace(new RegExp(`^(\\s*${field}: )[^,]+,`, 'm'), `$1${value},`);
  expect(next, `${field} is in homecall.config.ts`).not.toBe(text);
  writeFileSync(file, next);
}

function waitForLine(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out; output:\n${output}`)), ms);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}; output:\n${output}`));
    });
  });
}

beforeAll(() => {
  clis = fakeClis();
  copy = mkdtempSync(join(tmpdir(), 'homecall-copy-'));
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.split('\n');
  for (const file of files.filter((f) => f !== '')) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      copyFileSync(join(ROOT, file), join(copy, file));
    } catch {
      // listed but deleted in the working tree
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});

afterAll(async () => {
  if (started && started.exitCode === null) {
    const exited = new Promise((resolve) => started?.once('exit', resolve));
    started.kill('SIGINT');
    await exited;
  }
  clis?.remove();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('homecall.config.ts is the one configuration', () => {
  test('k = 4 or ε = 0 stops the functions build, the site build, npm start and the deploy, naming the field', async () => {
    setConfig('kAnonymity', '4');
    setConfig('epsilon', '0');
    const runs = await Promise.all([
      runScript(copy, 'scripts/build-functions.ts', [], shell()),
      runScript(copy, `${ROOT}node_modules/.bin/astro`, ['build', '--root', 'site'], shell()),
      runScript(copy, 'scripts/start.ts', ['--no-demo'], shell()),
      runScript(copy, 'scripts/deploy.ts', ['--dry-run', '--project', 'p-123456'], shell()),
    ]);
    for (const run of runs) {
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).toContain(
        '- kAnonymity: must be at least 5: with fewer, a published bucket of a handful of installs singles them out',
      );
      expect(run.stdout + run.stderr).toContain('- privacy.epsilon: must be more than 0');
    }
    expect(clis.calls('firebase')).toEqual([]);
  });

  test('k = 7, 30-day retention, ε = 0.5 and α = 0.3 change ingest, aggregation, the API and the site together', async () => {
    setConfig('kAnonymity', '7');
    setConfig('eventRetentionDays', '30');
    setConfig('epsilon', '0.5');
    // Not the repository's α (0.5): the day and the privacy page state the copy's.
    setConfig('smoothingAlpha', '0.3');
    // The copy counts every install from its first day (the establishment rule off): the day and
    // the privacy page say so.
    setConfig('establishedDays', '1');
    started = spawn(`${ROOT}node_modules/.bin/node`, ['scripts/start.ts', '--no-demo'], {
      cwd: copy,
      env: withoutUndefined({
        ...process.env,
        ...shell({ CI: 'true', METADATA_SERVER_DETECTION: 'none' }),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await waitForLine(started, /homecall is running/, 200_000);

    const posted = await fetch(`${HOSTING}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fleetBatch('k7')),
    });
    expect(posted.status).toBe(202);
    // Ingest: raw events now expire after 30 days.
    const finalDay = addDays(today, -lateDays(deploymentConfig));
    const firestore = emulatorFirestore(FIRESTORE, 'demo-homecall');
    try {
      const store = new FirestoreStore(firestore);
      const events = await store.readDayEvents(today);
      expect(events).toHaveLength(18);
      for (const e of events) expect(e.expireAt - e.receivedAt).toBe(30 * 86_400_000);
      // The fleet the repository's ε = 8 publishes with 3.1.0 and 3.0.0 shown, on the day turning
      // final (stored as ingest stored it then: a day is published once final).
      await store.saveEvents(
        finalFleetEvents('k7-final', finalDay, 'one-config-secret', deploymentConfig),
      );
    } finally {
      await firestore.terminate();
    }

    // Aggregation (npm run aggregate of the copy) and the API: at ε = 0.5 the noise is many
    // times larger, and so is the threshold: 70 and 60 installs no longer show, all is "other";
    // the day says it was computed with k = 7, 30 days and ε = 0.5.
    const aggregated = await runScript(
      copy,
      'scripts/aggregate.ts',
      ['--from', finalDay, '--to', today],
      shell(),
    );
    expect(aggregated.code, aggregated.stderr).toBe(0);
    expect(aggregated.stdout).toContain(`${finalDay}  published`);
    expect(aggregated.stdout).toContain('ε=0.5');
    const api = (await (
      await fetch(`${HOSTING}/api/v1/days?from=${finalDay}&to=${today}`)
    ).json()) as { days: DayAggregate[] };
    expect(api.days.map((d) => d.day)).toEqual([finalDay]);
    const day = api.days[0] as DayAggregate;
    expect(day.publication).toEqual({
      kAnonymity: 7,
      eventRetentionDays: 30,
      installRetentionDays: 90,
      lateArrivalHours: 72,
      establishedDays: 1,
    });
    expect(day.privacy).toMatchObject({
      ...deploymentConfig.privacy,
      epsilon: 0.5,
      smoothingAlpha: 0.3,
    });
    const threshold = day.privacy?.noise.breakdowns?.threshold ?? 0;
    expect(threshold).toBeGreaterThan(200);
    expect(day.breakdowns.version?.map((b) => b.value)).toEqual(['other']);

    // The site the deploy builds says and shows the same.
    const deployed = await runScript(
      copy,
      'scripts/deploy.ts',
      ['--dry-run', '--only', 'hosting', '--project', 'demo-homecall'],
      shell({ FIRESTORE_EMULATOR_HOST: FIRESTORE }),
    );
    expect(deployed.stderr).toBe('');
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain('k = 7; ε = 0.5, δ = 0.000001 per day; raw events kept 30 d');
    expect(deployed.stdout).toMatch(/1 days, .*; computed with k = 7; ε = 0\.5/);
    const page = (path: string) => readFileSync(join(copy, 'site/dist', path), 'utf8');
    const versions = tableByCaption(page('versions/index.html'), 'current-version-caption');
    expect(versions.rows.map((r) => [r.label, r.cells[0]])).toEqual([
      ['other', String(day.breakdowns.version?.[0]?.installs)],
    ]);
    const privacy = page('privacy/index.html');
    expect(textById(privacy, 'dp-heading')).toBe('Differential privacy (ε = 0.5 per day)');
    expect(textById(privacy, 'computed-with-list')).toBe(
      `${finalDay} (1 day): computed with differential privacy with ε = 0.5 and δ = 0.000001 per day (at most 4 events, 8 modules, signatures or codes and 16 counter values of 4 groups per install and day, each counter clipped at 100), window figures smoothed over time with α = 0.3, k = 7, raw events kept 30 days, installs remembered 90 days after last seen, late arrivals accepted up to 72 hours, every install counted from its first day.`,
    );
    expect(textById(page('versions/index.html'), 'current-heading')).toBe('Current distribution');
    expect(page('versions/index.html')).toContain(
      `A version with a noisy count below about ${threshold} installs`,
    );
    expect(clis.calls('firebase')).toEqual([]);
  });
});
