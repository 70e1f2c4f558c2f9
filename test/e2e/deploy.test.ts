// `npm run deploy` end to end, with recording stand-ins for the firebase and gcloud CLIs first on
// PATH: a fleet published by the real job (differentially private, once final) is what the built
// site's no-JS tables show, number for number as the day stores it; demo days are refused; a dry
// run reads but changes and uploads nothing; a real run applies the log exclusion and then runs
// firebase deploy.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { lateDays } from '../../functions/src/aggregate/plan.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { seedDemo } from '../../scripts/lib/demo.ts';
import { exclusionArgs, listSinksArgs } from '../../scripts/lib/request-log-exclusion.ts';
import { startStack, type Stack } from '../../scripts/lib/stack.ts';
import { fakeClis, type FakeClis } from '../support/fake-cli.ts';
import { ensureLocalSecret } from '../../scripts/lib/local-secret.ts';
import {
  FINAL_FLEET,
  finalFleetEvents,
  fleetBatch,
  runScript,
} from '../support/deploy-fixtures.ts';
import { tableByCaption, textById } from '../support/html-tables.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PROJECT = 'demo-deploy-e2e';
const today = dayOf(Date.now());
let stack: Stack;
let clis: FakeClis;
let emulator: string;

/** PATH with the recording CLIs first, then Node 24 and the repository's tools. */
function fakePath(): string {
  return `${clis.dir}:${ROOT}node_modules/.bin:${process.env.PATH ?? ''}`;
}

function deploy(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runScript(ROOT, 'scripts/deploy.ts', args, {
    PATH: fakePath(),
    FIRESTORE_EMULATOR_HOST: emulator,
    GCLOUD_PROJECT: '',
    ...env,
  });
}

const page = (path: string) => readFileSync(`${ROOT}site/dist/${path}`, 'utf8');

beforeAll(async () => {
  emulator = inject('firestoreEmulatorHost');
  process.env.FIRESTORE_EMULATOR_HOST = emulator;
  clis = fakeClis();
  stack = await startStack({
    demo: false,
    firestorePort: 0,
    project: PROJECT,
    skipSite: true,
    log: () => {},
  });
});

afterAll(async () => {
  await stack?.stop();
  clis?.remove();
});

describe('npm run deploy', () => {
  test('the site it builds shows exactly the published (noisy) numbers of the real aggregation', async () => {
    // Real ingest: today's reports are stored with the configuration's expiry (checked below).
    const posted = await fetch(`${stack.hostingUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fleetBatch('site')),
    });
    expect(posted.status).toBe(202);
    expect(await posted.json()).toMatchObject({ accepted: 18, duplicates: 0 });
    // A day is published once final: the fleet's reports of the day turning final and of the day
    // before (its installs count on their second day), stored as ingest stored them then.
    const finalDay = addDays(today, -lateDays(deploymentConfig));
    const firstDay = addDays(finalDay, -1);
    const store = createFirestore({ projectId: PROJECT });
    try {
      await new FirestoreStore(store).saveEvents(
        finalFleetEvents('site-final', finalDay, ensureLocalSecret(), deploymentConfig),
      );
    } finally {
      await store.terminate();
    }
    const aggregated = await runScript(
      ROOT,
      'scripts/aggregate.ts',
      ['--from', firstDay, '--to', today],
      {
        FIRESTORE_EMULATOR_HOST: emulator,
        GCLOUD_PROJECT: PROJECT,
      },
    );
    expect(aggregated.code, aggregated.stderr).toBe(0);
    expect(aggregated.stdout).toContain(`${firstDay}  published`);
    expect(aggregated.stdout).toContain(`${finalDay}  published`);
    expect(aggregated.stdout).toContain(`${today}  provisional`);
    const api = (await (
      await fetch(`${stack.hostingUrl}/api/v1/days?from=${firstDay}&to=${today}`)
    ).json()) as { days: DayAggregate[] };
    expect(api.days.map((d) => d.day)).toEqual([firstDay, finalDay]);
    const first = api.days[0] as DayAggregate;
    const day = api.days[1] as DayAggregate;
    // The first day the fleet's installs were new and waited: no version is shown.
    expect(first.breakdowns.version?.filter((b) => b.value !== 'other')).toEqual([]);
    // Noisy, within the noise it states of the fleet's 170 installs; the 2.x versions' 5 installs each folded into other.
    const sigma = day.privacy?.noise.activeInstalls?.sigma ?? 0;
    expect(Math.abs(day.activeInstalls.d1 - FINAL_FLEET.length)).toBeLessThan(6 * sigma);
    expect(day.breakdowns.version?.map((b) => b.value).sort()).toEqual(['3.0.0', '3.1.0', 'other']);

    const result = await deploy(['--dry-run', '--project', PROJECT]);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `[snapshot] reading the days of ${PROJECT} from the Firestore emulator`,
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `2 days, ${firstDay} to ${finalDay}, read at .*; computed with k = 5; ε = ${deploymentConfig.privacy.epsilon}`,
      ),
    );
    expect(result.stdout).toMatch(/site\/dist\/ \(hosting\): \d+ files/);
    expect(result.stdout).toMatch(/ {2}\S+ KB {2}index\.html/);
    expect(result.stdout).toContain('package-lock.json');
    // Every function the bundle declares, each with its trigger, as firebase deploy would create it.
    const declared = result.stdout
      .split('\n')
      .filter((line) => /^ {4}(ingest|stats|aggregate\w*) /.test(line))
      .map((line) => line.trim().split(',')[0]);
    const { shardParallelism } = deploymentConfig.aggregation;
    expect(declared.sort()).toEqual([
      'aggregate      schedule 15 0 * * * UTC',
      'aggregateMerge task queue (1 at once',
      `aggregateShard task queue (${shardParallelism} at once`,
      'ingest         https',
      'stats          https',
    ]);
    expect(result.stdout).toContain(
      `aggregateShard task queue (${shardParallelism} at once, 10 attempts), us-central1, 1024 MB`,
    );
    expect(result.stdout).toContain('TTL on events.expireAt\n');
    expect(result.stdout).toContain(
      `nothing was uploaded. The deploy would run:\n  firebase deploy --only firestore,functions,hosting --project ${PROJECT}`,
    );
    expect(clis.calls('firebase')).toEqual([]);
    expect(clis.calls('gcloud')).toEqual([]);

    // The no-JS tables of the built pages: exactly the published day, number for number.
    const rows = (buckets: DayAggregate['breakdowns'][string] | undefined) =>
      (buckets ?? []).map((b) => [b.value, b.installs.toLocaleString('en-US')]).sort();
    const versions = tableByCaption(page('versions/index.html'), 'current-version-caption');
    expect(versions.rows.map((r) => [r.label, r.cells[0]]).sort()).toEqual(
      rows(day.breakdowns.version),
    );
    const os = tableByCaption(page('platforms/index.html'), 'os-caption');
    expect(os.rows.map((r) => [r.label, r.cells[0]]).sort()).toEqual(rows(day.breakdowns.os));
    const active = tableByCaption(page('index.html'), 'active-caption');
    const cells = (d: DayAggregate) =>
      [d.activeInstalls.d1, d.activeInstalls.d7, d.activeInstalls.d28].map(String);
    expect(active.rows).toEqual([
      { label: finalDay, cells: cells(day) },
      { label: firstDay, cells: cells(first) },
    ]);
    // The headline states it as an "about" value, not to the install.
    expect(page('index.html')).toMatch(/data-field="activeValue"[^>]*>\s*about \d/);
    expect(textById(page('privacy/index.html'), 'computed-with-list')).toBe(
      `${firstDay} to ${finalDay} (2 days): computed with differential privacy with ε = ${deploymentConfig.privacy.epsilon} and δ = ${deploymentConfig.privacy.delta} per day (at most ${deploymentConfig.privacy.eventClip} events, ${deploymentConfig.privacy.valuesPerInstall} modules, signatures or codes and ${deploymentConfig.privacy.counterValuesPerInstall} counter values of ${deploymentConfig.privacy.counterGroupsPerInstall} groups per install and day, each counter clipped at ${deploymentConfig.privacy.counterClip}), window figures smoothed over time with α = ${deploymentConfig.privacy.smoothingAlpha}, k = 5, raw events kept 90 days, installs remembered 90 days after last seen, late arrivals accepted up to 72 hours, installs counted once seen on 2 distinct days.`,
    );
    // What ingest stored follows the same config: raw events expire after 90 days.
    const firestore = createFirestore({ projectId: PROJECT });
    try {
      const events = await new FirestoreStore(firestore).readDayEvents(today);
      expect(events).toHaveLength(18);
      for (const e of events) expect(e.expireAt - e.receivedAt).toBe(90 * 86_400_000);
    } finally {
      await firestore.terminate();
    }
  });

  test('a snapshot with demo days is refused, naming the fix, and nothing is built from it', async () => {
    const project = 'demo-deploy-demo';
    const firestore = createFirestore({ projectId: project });
    try {
      // Nine days: the five final ones are published (the last four are still open).
      await seedDemo(new FirestoreStore(firestore), 'demo-secret', {
        installs: 12,
        days: 9,
        seed: 7,
      });
    } finally {
      await firestore.terminate();
    }
    const before = page('.homecall-build.json');
    const result = await deploy(['--dry-run', '--only', 'hosting', '--project', project]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing to build the site from this snapshot');
    expect(result.stderr).toMatch(
      /5 of the 5 days in the Firestore emulator \(project demo-deploy-demo\) are demo data .*made by the demo fleet of `npm start`; demo numbers are never published\. Fix: deploy from the real project's aggregates/,
    );
    expect(page('.homecall-build.json')).toBe(before);
    expect(clis.calls('firebase')).toEqual([]);
  });

  test("the hosting predeploy refuses npm start's demo site in site/dist", async () => {
    // What `npm start` leaves: a site built from the local demo project's snapshot.
    const firestore = createFirestore({ projectId: 'demo-deploy-demo' });
    const { writeSnapshotFile, readSnapshotDays } =
      await import('../../scripts/lib/project-snapshot.ts');
    const file = `${ROOT}site/.snapshot/e2e-demo.json`;
    try {
      writeSnapshotFile(file, {
        generatedAt: new Date().toISOString(),
        project: 'demo-homecall',
        source: 'emulator',
        days: await readSnapshotDays(new FirestoreStore(firestore), Date.now()),
      });
    } finally {
      await firestore.terminate();
    }
    const built = await runScript(
      ROOT,
      `${ROOT}node_modules/.bin/astro`,
      ['build', '--root', 'site', '--silent'],
      {
        HOMECALL_SNAPSHOT: file,
        PATH: `${ROOT}node_modules/.bin:${process.env.PATH ?? ''}`,
      },
    );
    expect(built.code).toBe(0);
    const check = await runScript(ROOT, 'scripts/check-site.ts', [], {
      GCLOUD_PROJECT: 'homecall-prod-1',
    });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('refusing to deploy site/dist to homecall-prod-1');
    expect(check.stderr).toContain(
      'the snapshot was read from demo-homecall, not from homecall-prod-1',
    );
    expect(check.stderr).toMatch(/5 of the 5 days .* are demo data/);
  });

  test('a dry run of functions and Firestore only reads: no update, no deploy', async () => {
    const project = 'homecall-e2e-1';
    const result = await deploy([
      '--dry-run',
      '--only',
      'functions,firestore',
      '--project',
      project,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Would run: gcloud logging sinks update _Default`);
    expect(clis.calls('firebase')).toEqual([]);
    const gcloud = clis.calls('gcloud');
    expect(gcloud.map((c) => c.slice(0, 3).join(' '))).toEqual([
      '--version',
      'logging sinks describe',
      'logging sinks list',
    ]);
  });

  test('a deploy applies the log exclusion, checks the other sinks, then runs firebase deploy', async () => {
    const recording = fakeClis({ name: '_Default', exclusions: [] }, [
      { name: '_Default' },
      { name: 'everything', destination: 'storage.googleapis.com/logs' },
    ]);
    const project = 'homecall-e2e-1';
    try {
      const result = await runScript(
        ROOT,
        'scripts/deploy.ts',
        ['--only', 'functions,firestore', '--project', project],
        {
          PATH: `${recording.dir}:${ROOT}node_modules/.bin:${process.env.PATH ?? ''}`,
          FIRESTORE_EMULATOR_HOST: emulator,
        },
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        'WARNING: log sink "everything" (to storage.googleapis.com/logs)',
      );
      expect(recording.calls('gcloud').slice(2)).toEqual([
        exclusionArgs(project, 'add'),
        listSinksArgs(project),
      ]);
      expect(recording.calls('firebase')).toEqual([
        ['deploy', '--only', 'firestore,functions', '--project', project, '--non-interactive'],
      ]);

      const skipped = await runScript(
        ROOT,
        'scripts/deploy.ts',
        ['--only', 'functions', '--project', project, '--skip-log-exclusion'],
        { PATH: `${recording.dir}:${ROOT}node_modules/.bin:${process.env.PATH ?? ''}` },
      );
      expect(skipped.code).toBe(0);
      expect(skipped.stderr).toContain('WARNING: the request-log exclusion was skipped');
      expect(recording.calls('gcloud')).toHaveLength(4);
    } finally {
      recording.remove();
    }
  });
});
