// `npm run quarantine` against the Firestore emulator, as a maintainer runs it: recording a
// quarantine of a flagged cohort publishes the days again without it, --list shows it, --release
// brings the days back; bad arguments get a clear message and change nothing.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf, dayRange, type Day } from '../../shared/dates.ts';
import { aggregateRange } from '../../functions/src/aggregate/job.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { bucket, fakeCohort, steadyFleet } from '../support/poisoning.ts';

process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
process.env.METADATA_SERVER_DETECTION ??= 'none';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TODAY = dayOf(Date.now());
const LAST = addDays(TODAY, -1);
const FIRST = addDays(LAST, -9);
const START = addDays(LAST, -3);
const SECOND = addDays(START, 1);
const PROJECT = `test-${randomUUID()}`;

/** Runs the CLI against the test's project; resolves with its exit code and output. */
function quarantine(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['scripts/quarantine.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      FIRESTORE_EMULATOR_HOST: inject('firestoreEmulatorHost'),
      GCLOUD_PROJECT: PROJECT,
      CI: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let db: Firestore;
let store: FirestoreStore;

async function days(): Promise<Map<Day, DayAggregate>> {
  return new Map((await store.readDays(FIRST, LAST)).map((d) => [d.day, d]));
}

const quarantined = (d: DayAggregate | undefined) =>
  d?.heldOut?.reasons.find((r) => r.reason === 'quarantined')?.installs;

describe('npm run quarantine', () => {
  beforeAll(async () => {
    db = createFirestore({ projectId: PROJECT });
    store = new FirestoreStore(db);
    await store.saveEvents([...steadyFleet(20, 10, LAST), ...fakeCohort(START, 4, 30, 'cli')]);
    await aggregateRange({ store, clock: () => Date.now(), config: deploymentConfig }, FIRST, LAST);
  });

  afterAll(async () => {
    await db.terminate();
  });

  test('refuses bad arguments with a clear message, recording nothing', async () => {
    const cases: [string[], RegExp][] = [
      [[], /give exactly one of --day/],
      [['--day', SECOND], /--day needs --profile/],
      [['--day', '2026-02-30', '--profile', 'os=nixos'], /YYYY-MM-DD/],
      [['--day', TODAY, '--profile', 'os=nixos'], /is not over yet/],
      [['--day', SECOND, '--profile', 'colour=blue'], /unknown field "colour"/],
      [['--day', SECOND, '--profile', 'os'], /"os" is not field=value/],
      [['--list', '--release', 'q-x'], /give exactly one/],
    ];
    for (const [args, message] of cases) {
      const run = await quarantine(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err).toMatch(message);
    }
    expect((await quarantine('--release', 'q-none')).code).toBe(1);
    expect((await quarantine('--day', SECOND, '--profile', 'os=plan9')).err).toMatch(
      /nothing to quarantine/,
    );
    expect(await store.readQuarantines()).toEqual([]);
  });

  test('records the cohort, publishes the days without it, lists it, and releases it', async () => {
    const before = await days();
    expect(bucket(before.get(SECOND), 'os', 'nixos')).toBe(30);

    const dry = await quarantine(
      '--day',
      SECOND,
      '--profile',
      'version=1.6.0,os=nixos',
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/dry run: 30 installs new or newly established/);
    expect(await store.readQuarantines()).toEqual([]);

    const run = await quarantine('--day', SECOND, '--profile', 'version=1.6.0,os=nixos');
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(
      /recorded q-\S+ {2}\S+ {2}version=1\.6\.0,os=nixos {2}\(30 installs\) {2}active/,
    );
    expect(run.out).toMatch(/published \d+ days again/);
    const after = await days();
    for (const day of dayRange(SECOND, LAST)) {
      expect(bucket(after.get(day), 'os', 'nixos'), day).toBe(0);
      expect(quarantined(after.get(day)), day).toBe(30);
      expect(after.get(day)?.activeInstalls.d1).toBe(
        (before.get(day)?.activeInstalls.d1 ?? 0) - 30,
      );
    }
    expect(after.get(START)?.heldOut).toEqual(before.get(START)?.heldOut);

    const [recorded] = await store.readQuarantines();
    const list = await quarantine('--list');
    expect(list.out).toContain(
      `${recorded?.id}  ${SECOND}  version=1.6.0,os=nixos  (30 installs)  active`,
    );

    const release = await quarantine('--release', recorded?.id ?? '');
    expect(release.code, release.err).toBe(0);
    const again = await days();
    for (const day of dayRange(SECOND, LAST)) {
      expect(bucket(again.get(day), 'os', 'nixos'), day).toBe(30);
      expect(quarantined(again.get(day)), day).toBe(0);
    }
    expect((await quarantine('--list')).out).toMatch(/\(30 installs\) {2}released 20\d\d-/);
  });
});
