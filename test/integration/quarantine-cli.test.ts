// `npm run quarantine` against the Firestore emulator, as a maintainer runs it: a quarantine of a
// cohort on a day not yet published holds it out of that day and later ones when the aggregation
// publishes them; a day already published is refused (published once, never again) with nothing
// recorded; --list shows it, --release ends it; bad arguments get a clear message and change nothing.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import { aggregateRange } from '../../functions/src/aggregate/job.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { exactView, type ExactView } from '../support/exact-view.ts';
import { bucket, fakeCohort, publicationSecret, steadyFleet } from '../support/poisoning.ts';

process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
process.env.METADATA_SERVER_DETECTION ??= 'none';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TODAY = dayOf(Date.now());
const LAST = addDays(TODAY, -1);
const FIRST = addDays(LAST, -9);
// START is final (4 days after it, late arrivals are over: lateDays) and published; SECOND and
// LAST are not.
const START = addDays(TODAY, -4);
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

/** Aggregates FIRST..LAST at `now`: the exact tallies of each day. */
async function aggregate(now: number): Promise<Map<Day, ExactView>> {
  const outcomes = await aggregateRange(
    { store, clock: () => now, config: deploymentConfig, publicationSecret },
    FIRST,
    LAST,
  );
  return new Map(outcomes.map((o) => [o.day, exactView(o.exact)]));
}

const quarantined = (d: ExactView | undefined) =>
  d?.heldOut?.reasons.find((r) => r.reason === 'quarantined')?.installs;
/** Reports held out on a day until their version is known. */
const waiting = (d: ExactView | undefined) =>
  d?.heldOut?.reasons.find((r) => r.reason === 'unknown-version')?.installs ?? 0;

let before: Map<Day, ExactView>;

describe('npm run quarantine', () => {
  beforeAll(async () => {
    db = createFirestore({ projectId: PROJECT });
    store = new FirestoreStore(db);
    await store.saveEvents([...steadyFleet(20, 10, LAST), ...fakeCohort(START, 4, 30, 'cli')]);
    before = await aggregate(Date.now());
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

  test('refuses a day already published, records the cohort of an open day, lists it, releases it', async () => {
    const published = await store.readDays(FIRST, LAST);
    expect(published.map((d) => d.day)).toContain(START);
    expect(published.map((d) => d.day)).not.toContain(SECOND);
    const refused = await quarantine('--day', START, '--profile', 'version=1.6.0,os=nixos');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(new RegExp(`${START} is final and already published`));
    expect(refused.err).toMatch(/never republished/);
    expect(refused.err).toMatch(/Nothing recorded/);
    expect(await store.readQuarantines()).toEqual([]);

    // The cohort of SECOND: the 30 fake installs established on it, counted before.
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
    expect(run.out).toMatch(
      /applies to \S+ and every later day when the aggregation publishes them/,
    );
    // The next runs hold the cohort out of SECOND and later days, published when final.
    const after = await aggregate(startOfDay(addDays(TODAY, 10)));
    for (const day of dayRange(SECOND, LAST)) {
      expect(bucket(after.get(day), 'os', 'nixos'), day).toBe(0);
      expect(quarantined(after.get(day)), day).toBe(30);
      // The 30 go, and so may the fleet's reports without identity on 1.6.0: whether 1.6.0 is a
      // known version is a noisy decision (screening.knownVersions) that the cohort's 30 installs
      // weighed in, so without them those reports may wait on their version (held out as
      // unknown-version). Which way it falls depends on the day's noise, drawn from the data.
      expect(after.get(day)?.activeInstalls.d1).toBe(
        (before.get(day)?.activeInstalls.d1 ?? 0) -
          30 -
          (waiting(after.get(day)) - waiting(before.get(day))),
      );
    }
    // A published day stays as it was published.
    const [startNow] = await store.readDays(START, START);
    expect(startNow).toEqual(published.find((d) => d.day === START));

    const [recorded] = await store.readQuarantines();
    const list = await quarantine('--list');
    expect(list.out).toContain(
      `${recorded?.id}  ${SECOND}  version=1.6.0,os=nixos  (30 installs)  active`,
    );
    const release = await quarantine('--release', recorded?.id ?? '');
    expect(release.code, release.err).toBe(0);
    expect(release.out).toMatch(/days already published stay as published/);
    expect((await quarantine('--list')).out).toMatch(/\(30 installs\) {2}released 20\d\d-/);
  });
});
