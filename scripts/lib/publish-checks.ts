/**
 * The rules that keep a wrong site off the public host, shared by `npm run deploy` (on the
 * snapshot it reads) and the hosting predeploy (on the record the site build leaves): never
 * demo data, never another project's data, never a stale snapshot unless forced, never a site
 * built without a snapshot or with another configuration. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DayAggregate } from '../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../shared/config.ts';
import { DAY_MS, startOfDay, type Day } from '../../shared/dates.ts';
import type { SiteBuildManifest } from '../../site/src/lib/build-manifest.ts';

/**
 * A snapshot whose newest day ended longer ago than this (plus the days a day waits to be final,
 * `PublishTarget.finalLagDays`) is stale.
 */
export const STALE_AFTER_MS = DAY_MS;

/** What the checks found: errors stop the deploy; warnings are printed. */
export interface CheckResult {
  errors: string[];
  warnings: string[];
}

/** The facts of a snapshot the rules look at. */
export interface SnapshotFacts {
  project: string | null;
  source: 'firestore' | 'emulator' | null;
  days: number;
  lastDay: Day | null;
  demoDays: Day[];
}

/** Facts of a list of days read from a project. */
export function snapshotFacts(
  days: readonly DayAggregate[],
  project: string,
  source: 'firestore' | 'emulator',
): SnapshotFacts {
  return {
    project,
    source,
    days: days.length,
    lastDay: days.at(-1)?.day ?? null,
    demoDays: days.filter((d) => d.demo === true).map((d) => d.day),
  };
}

/** What the deploy is about to publish to. */
export interface PublishTarget {
  project: string;
  now: number;
  /** `--force`: publish a stale or empty snapshot anyway. */
  force: boolean;
  /**
   * Days from a day to the run that publishes it: a day is published once, when final
   * (`lateDays` of the configuration), so the newest day of a fresh snapshot is that old.
   */
  finalLagDays: number;
}

/** Whether a project id is one of the emulator-only `demo-` projects. */
export function isDemoProject(project: string): boolean {
  return project.startsWith('demo-');
}

/** Hours since the end of `day` (the aggregation of a day can only run after it ends). */
function hoursSinceEnd(day: Day, now: number): number {
  return (now - (startOfDay(day) + DAY_MS)) / 3_600_000;
}

function listDays(days: Day[]): string {
  const shown = days.slice(0, 3).join(', ');
  return days.length > 3 ? `${shown} and ${days.length - 3} more` : shown;
}

/** The rules every snapshot must pass before a site is built from it and published. */
export function checkSnapshot(facts: SnapshotFacts, target: PublishTarget): CheckResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const where =
    facts.source === 'emulator'
      ? `the Firestore emulator (project ${facts.project})`
      : `project ${facts.project}`;
  if (facts.project !== target.project)
    errors.push(
      `the snapshot was read from ${facts.project ?? 'an unknown project'}, not from ${target.project}, the project being deployed: rebuild it with \`npm run deploy -- --project ${target.project}\``,
    );
  if (facts.source === 'emulator' && !isDemoProject(target.project))
    errors.push(
      `the snapshot comes from the Firestore emulator (FIRESTORE_EMULATOR_HOST), not from ${target.project}'s Firestore: unset FIRESTORE_EMULATOR_HOST to publish the project's own aggregates`,
    );
  if (facts.demoDays.length > 0)
    errors.push(
      `${facts.demoDays.length} of the ${facts.days} days in ${where} are demo data (${listDays(facts.demoDays)}), made by the demo fleet of \`npm start\`; demo numbers are never published. Fix: deploy from the real project's aggregates (unset FIRESTORE_EMULATOR_HOST and pass --project <your project>); if the project's own days collection holds demo days, delete those documents (the ones with demo: true) and run \`npm run aggregate\` against it`,
    );
  if (facts.days === 0 || facts.lastDay === null) {
    const message = `${where} has no day aggregates yet, so the site would say "no data yet". For a first deploy, run it with --force; the daily aggregation (00:15 UTC) and the scheduled site rebuild fill it in`;
    (target.force ? warnings : errors).push(message);
  } else {
    const hours = hoursSinceEnd(facts.lastDay, target.now);
    if (hours * 3_600_000 > STALE_AFTER_MS + (target.finalLagDays - 1) * DAY_MS) {
      const message = `the newest day in ${where} is ${facts.lastDay}, ${Math.floor(hours)} hours old: the daily aggregation (00:15 UTC) has not run since. Check the aggregate function's logs, or run \`npm run aggregate\` against the project; --force deploys it anyway`;
      (target.force ? warnings : errors).push(message);
    }
  }
  return { errors, warnings };
}

/**
 * The rules a built site (site/dist and its build record) must pass to be uploaded: built from a
 * snapshot that passes `checkSnapshot`, with the configuration as it is now.
 */
export function checkSiteBuild(
  manifest: SiteBuildManifest | undefined,
  config: DeploymentConfig,
  target: PublishTarget,
): CheckResult {
  const rebuild = `Run \`npm run deploy -- --project ${target.project}\` (or \`-- --only hosting\`), which builds the site from the project's own aggregates`;
  if (!manifest)
    return {
      errors: [
        `site/dist has no build record (site/dist/.homecall-build.json): it was not built by this repository's site build. ${rebuild}`,
      ],
      warnings: [],
    };
  const { snapshot } = manifest;
  if (snapshot.file === null || snapshot.project === null)
    return {
      errors: [
        `site/dist was built without a snapshot of a project's aggregates${snapshot.file ? ` (${snapshot.file} names no project)` : ''}. ${rebuild}`,
      ],
      warnings: [],
    };
  const result = checkSnapshot(
    {
      project: snapshot.project,
      source: snapshot.source,
      days: snapshot.days,
      lastDay: snapshot.lastDay,
      demoDays: snapshot.demoDays,
    },
    target,
  );
  if (!isDeepStrictEqual(manifest.config, JSON.parse(JSON.stringify(config))))
    result.errors.push(
      `site/dist was built with another homecall.config.ts than the one being deployed. ${rebuild}`,
    );
  if (result.errors[0] && !result.errors[0].startsWith('site/dist'))
    result.errors[0] = `site/dist: ${result.errors[0]}`;
  return result;
}
