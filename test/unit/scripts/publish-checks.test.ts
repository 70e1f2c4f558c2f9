// What may be published: the rules `npm run deploy` applies to the snapshot it reads and the
// hosting predeploy applies to the built site — no demo days, no other project's or emulator
// data for a real project, no stale or empty snapshot without --force, no build without a
// snapshot or with another configuration.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { lateDays } from '../../../functions/src/aggregate/plan.ts';
import { buildManifest } from '../../../site/src/lib/build-manifest.ts';
import type { Snapshot } from '../../../site/src/lib/snapshot.ts';
import {
  checkSiteBuild,
  checkSnapshot,
  snapshotFacts,
  type SnapshotFacts,
} from '../../../scripts/lib/publish-checks.ts';
import { parseDeployArgs } from '../../../scripts/lib/deploy-args.ts';
import { UsageError } from '../../../scripts/lib/request-log-exclusion.ts';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { emptySections } from '../../support/day-fixture.ts';

function dayFixture({ day }: { day: string }): DayAggregate {
  return {
    day,
    final: false,
    activeInstalls: { d1: 5, d7: 5, d28: 5 },
    newInstalls: 0,
    optOuts: 0,
    events: { heartbeat: 5 },
    ...emptySections(),
    run: { computedAt: '2026-11-27T00:15:00.000Z', documentsRead: 1, documentsWritten: 1 },
  };
}

const NOW = Date.parse('2026-11-27T06:00:00Z');
// A lag of one day: a day published as soon as it ends (the rule before publish-once).
const target = { project: 'stats-prod-1', now: NOW, force: false, finalLagDays: 1 };
const facts = (patch: Partial<SnapshotFacts> = {}): SnapshotFacts => ({
  project: 'stats-prod-1',
  source: 'firestore',
  days: 90,
  lastDay: '2026-11-26',
  demoDays: [],
  ...patch,
});

describe('the snapshot a deploy reads', () => {
  test("yesterday's aggregate of the project itself passes", () => {
    expect(checkSnapshot(facts(), target)).toEqual({ errors: [], warnings: [] });
  });

  test('demo days are refused even with --force, naming the days and the fix', () => {
    const demo = facts({ demoDays: ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'] });
    for (const force of [false, true]) {
      const { errors } = checkSnapshot(demo, { ...target, force });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^4 of the 90 days in project stats-prod-1 are demo data \(2026-11-20, 2026-11-21, 2026-11-22 and 1 more\), made by the demo fleet of `npm start`; demo numbers are never published\. Fix: deploy from the real project's aggregates \(unset FIRESTORE_EMULATOR_HOST and pass --project <your project>\)/,
      );
    }
  });

  test('published once final, the newest day may be as old as the late window, and no older', () => {
    // 2026-11-27 06:00: with lateDays 4 the day turning final at 00:15 was 2026-11-23.
    const lag = { ...target, finalLagDays: lateDays(deploymentConfig) };
    expect(lateDays(deploymentConfig)).toBe(4);
    expect(checkSnapshot(facts({ lastDay: '2026-11-23' }), lag).errors).toEqual([]);
    expect(checkSnapshot(facts({ lastDay: '2026-11-22' }), lag).errors).toEqual([
      "the newest day in project stats-prod-1 is 2026-11-22, 102 hours old: the daily aggregation (00:15 UTC) has not run since. Check the aggregate function's logs, or run `npm run aggregate` against the project; --force deploys it anyway",
    ]);
  });

  test('a newest day that ended more than a day ago is stale: refused, or a warning with --force', () => {
    const stale = facts({ lastDay: '2026-11-25' });
    const refused = checkSnapshot(stale, target);
    expect(refused.errors).toEqual([
      "the newest day in project stats-prod-1 is 2026-11-25, 30 hours old: the daily aggregation (00:15 UTC) has not run since. Check the aggregate function's logs, or run `npm run aggregate` against the project; --force deploys it anyway",
    ]);
    const forced = checkSnapshot(stale, { ...target, force: true });
    expect(forced.errors).toEqual([]);
    expect(forced.warnings).toEqual(refused.errors);
    // Up to 24 hours after the newest day ended is fresh.
    expect(
      checkSnapshot(facts({ lastDay: '2026-11-25' }), {
        ...target,
        now: Date.parse('2026-11-27T00:00:00Z'),
      }).errors,
    ).toEqual([]);
  });

  test('an empty project is refused unless --force (a first deploy)', () => {
    const empty = facts({ days: 0, lastDay: null });
    expect(checkSnapshot(empty, target).errors[0]).toMatch(
      /^project stats-prod-1 has no day aggregates yet, so the site would say "no data yet"\. For a first deploy, run it with --force/,
    );
    expect(checkSnapshot(empty, { ...target, force: true }).errors).toEqual([]);
  });

  test("the emulator's data is never published to a real project, nor another project's", () => {
    expect(checkSnapshot(facts({ source: 'emulator' }), target).errors).toEqual([
      "the snapshot comes from the Firestore emulator (FIRESTORE_EMULATOR_HOST), not from stats-prod-1's Firestore: unset FIRESTORE_EMULATOR_HOST to publish the project's own aggregates",
    ]);
    expect(checkSnapshot(facts({ project: 'stats-staging-1' }), target).errors).toEqual([
      'the snapshot was read from stats-staging-1, not from stats-prod-1, the project being deployed: rebuild it with `npm run deploy -- --project stats-prod-1`',
    ]);
    // Emulator-only demo- projects are local: their emulator data is theirs.
    expect(
      checkSnapshot(facts({ source: 'emulator', project: 'demo-x' }), {
        ...target,
        project: 'demo-x',
      }).errors,
    ).toEqual([]);
  });

  test('facts are taken from the days as read', () => {
    const days = [
      dayFixture({ day: '2026-11-25' }),
      { ...dayFixture({ day: '2026-11-26' }), demo: true as const },
    ];
    expect(snapshotFacts(days, 'p-1', 'firestore')).toEqual({
      project: 'p-1',
      source: 'firestore',
      days: 2,
      lastDay: '2026-11-26',
      demoDays: ['2026-11-26'],
    });
  });
});

describe('the built site the hosting predeploy checks', () => {
  const snapshot = (patch: Partial<Snapshot> = {}): Snapshot => ({
    generatedAt: '2026-11-27T05:00:00.000Z',
    project: 'stats-prod-1',
    source: 'firestore',
    days: [dayFixture({ day: '2026-11-25' }), dayFixture({ day: '2026-11-26' })],
    ...patch,
  });
  const manifest = (s: Snapshot, file: string | null = '/x/deploy-stats-prod-1.json') =>
    JSON.parse(JSON.stringify(buildManifest(s, file, deploymentConfig, NOW)));

  test("a build from the project's fresh snapshot with today's config passes", () => {
    expect(checkSiteBuild(manifest(snapshot()), deploymentConfig, target)).toEqual({
      errors: [],
      warnings: [],
    });
  });

  test('no build record, or a build without a snapshot, is refused', () => {
    expect(checkSiteBuild(undefined, deploymentConfig, target).errors[0]).toMatch(
      /^site\/dist has no build record \(site\/dist\/\.homecall-build\.json\)/,
    );
    const bare = manifest({ generatedAt: null, project: null, source: null, days: [] }, null);
    expect(checkSiteBuild(bare, deploymentConfig, target).errors).toEqual([
      "site/dist was built without a snapshot of a project's aggregates. Run `npm run deploy -- --project stats-prod-1` (or `-- --only hosting`), which builds the site from the project's own aggregates",
    ]);
  });

  test("npm start's demo build is refused for a real project", () => {
    const demo = snapshot({
      project: 'demo-homecall',
      source: 'emulator',
      days: [{ ...dayFixture({ day: '2026-11-26' }), demo: true }],
    });
    const { errors } = checkSiteBuild(manifest(demo), deploymentConfig, target);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^site\/dist: the snapshot was read from demo-homecall/);
    expect(errors[2]).toMatch(
      /^1 of the 1 days in the Firestore emulator \(project demo-homecall\) are demo data/,
    );
  });

  test('a build with another configuration is refused', () => {
    const other = { ...deploymentConfig, kAnonymity: 10 };
    expect(checkSiteBuild(manifest(snapshot()), other, target).errors).toEqual([
      "site/dist was built with another homecall.config.ts than the one being deployed. Run `npm run deploy -- --project stats-prod-1` (or `-- --only hosting`), which builds the site from the project's own aggregates",
    ]);
  });
});

describe('npm run deploy arguments', () => {
  test('everything by default; --only narrows, in a fixed order', () => {
    expect(parseDeployArgs([])).toEqual({
      dryRun: false,
      only: ['firestore', 'functions', 'hosting'],
      project: undefined,
      force: false,
      skipLogExclusion: false,
      help: false,
    });
    expect(parseDeployArgs(['--only', 'hosting,functions']).only).toEqual(['functions', 'hosting']);
    expect(parseDeployArgs(['--only', 'hosting', '--only', 'firestore']).only).toEqual([
      'firestore',
      'hosting',
    ]);
    expect(
      parseDeployArgs(['--dry-run', '--project', 'p-123456', '--force', '--skip-log-exclusion']),
    ).toMatchObject({ dryRun: true, project: 'p-123456', force: true, skipLogExclusion: true });
  });

  test.each([
    [
      ['--only', 'storage'],
      '--only storage: the parts are firestore, functions, hosting (comma-separated)',
    ],
    [['--dryrun'], "Unknown option '--dryrun'"],
    [['hosting'], 'Unexpected argument'],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseDeployArgs(args)).toThrow(UsageError);
    expect(() => parseDeployArgs(args)).toThrow(message);
  });
});
