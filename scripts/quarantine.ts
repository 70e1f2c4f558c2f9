/**
 * `npm run quarantine -- --day YYYY-MM-DD --profile k=v,... [--dry-run]`, `-- --list`,
 * `-- --release <id>`: a maintainer excludes a flagged cohort from publication, lists what is
 * quarantined, or releases a quarantine. A day is published once, when final, and never again:
 * a quarantine applies to the days the aggregation has not published yet (from its day on), and
 * asking for a day already published is refused with nothing recorded. Talks to FIRESTORE_EMULATOR_HOST and GCLOUD_PROJECT like Google's libraries; with
 * neither set it uses the local stack of `npm start` (127.0.0.1:8080, project demo-homecall).
 */
import { parseArgs } from 'node:util';
import { deploymentConfig } from '../shared/config.ts';
import { addDays, dayOf, isDay } from '../shared/dates.ts';
import { formatProfile, parseProfile } from '../shared/screening.ts';
import {
  findCohort,
  publishedDay,
  recordQuarantine,
  releaseQuarantine,
} from '../functions/src/aggregate/cohort.ts';
import { lateDays } from '../functions/src/aggregate/plan.ts';
import { describeQuarantine } from '../functions/src/aggregate/quarantine.ts';
import { createFirestore } from '../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../functions/src/store/firestore-store.ts';
import type { Store } from '../functions/src/store/types.ts';
import { createProgress } from './lib/progress.ts';

const USAGE = `usage:
  npm run quarantine -- --day YYYY-MM-DD --profile field=value[,field=value...] [--dry-run]
  npm run quarantine -- --list
  npm run quarantine -- --release <id>

A quarantine holds out of publication the installs with that profile that were new or became
established on the day (from that day on), and the reports without identity matching it from
that day on, in every day the aggregation publishes from then on. A day is published once, when
final, and never again: a day already published cannot be quarantined (nothing is recorded).
Profile fields: version,
channel, installMethod, os, osVersion, kernel, kernelVersion, arch, virtualization, container
(a flag's reason names the profile to give).`;

function fail(message: string): never {
  console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        day: { type: 'string' },
        profile: { type: 'string' },
        list: { type: 'boolean' },
        release: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const modes = [values.list, values.release !== undefined, values.day !== undefined].filter(Boolean);
if (modes.length !== 1) fail('give exactly one of --day (with --profile), --list or --release');

const today = dayOf(Date.now());
let day: string | undefined;
let profile: ReturnType<typeof parseProfile> | undefined;
if (values.day !== undefined) {
  if (!isDay(values.day)) fail(`--day must be a day written YYYY-MM-DD, got "${values.day}"`);
  day = values.day;
  const oldest = addDays(today, -deploymentConfig.eventRetentionDays);
  if (day >= today) fail(`--day ${day} is not over yet: quarantine a day before ${today}`);
  if (day < oldest)
    fail(
      `--day ${day} is older than the ${deploymentConfig.eventRetentionDays} days of kept events (${oldest})`,
    );
  if (values.profile === undefined) fail('--day needs --profile field=value[,...]');
  profile = parseProfile(values.profile);
  if ('error' in profile) fail(`--profile: ${profile.error}`);
} else if (values.profile !== undefined || values['dry-run']) {
  fail('--profile and --dry-run go with --day');
}

if (
  !process.env.FIRESTORE_EMULATOR_HOST &&
  !process.env.GCLOUD_PROJECT &&
  !process.env.GOOGLE_CLOUD_PROJECT
) {
  process.env.FIRESTORE_EMULATOR_HOST = '127.0.0.1:8080';
  process.env.GCLOUD_PROJECT = 'demo-homecall';
}
process.env.METADATA_SERVER_DETECTION ??= 'none';
const target = process.env.FIRESTORE_EMULATOR_HOST
  ? `emulator ${process.env.FIRESTORE_EMULATOR_HOST}`
  : 'production Firestore';
const project = process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT ?? 'demo-homecall';

/** Ends the command early, its message printed and its exit code set. */
class Done extends Error {}

const firestore = createFirestore({ projectId: project });
const store: Store = new FirestoreStore(firestore);
const deps = { store, clock: () => Date.now(), config: deploymentConfig };

/** What a quarantine of `from` changes from now on. */
function appliesFrom(from: string): string {
  return `it applies to ${from} and every later day when the aggregation publishes them (a day is published once, when final)`;
}

try {
  console.error(`quarantine on ${target}, project ${project}`);
  if (values.list) {
    const all = await store.readQuarantines();
    if (all.length === 0) console.log('no quarantines');
    for (const q of all) console.log(describeQuarantine(q, formatProfile));
  } else if (values.release !== undefined) {
    const released = await releaseQuarantine(deps, values.release);
    if (!released) {
      console.error(`error: no quarantine ${values.release} (npm run quarantine -- --list)`);
      process.exitCode = 1;
    } else {
      console.log(
        `released ${describeQuarantine(released, formatProfile)}; days already published stay as published`,
      );
    }
  } else if (day && profile && 'profile' in profile) {
    if (await publishedDay(deps, day)) {
      console.error(
        `error: ${day} is final and already published; a published day is never republished (every version would spend its privacy budget again), so a quarantine can no longer change it. Nothing recorded. Quarantine a cohort on a day not yet published (a day is published once final, ${lateDays(deploymentConfig)} days after it).`,
      );
      process.exitCode = 1;
      throw new Done();
    }
    const [published] = await store.readDays(day, day, ['anomaly']);
    if (!published?.anomaly)
      console.error(`note: ${day} carries no anomaly flag; quarantining anyway`);
    else console.error(`${day} is flagged: ${published.anomaly.reason}`);
    const progress = createProgress('cohort');
    const cohort = await findCohort(deps, day, profile.profile, (done, total) =>
      progress(done, total, done > 256 ? 'reports without identity' : `bucket ${done}/256`),
    );
    const summary = `${cohort.keys.length} installs new or newly established on ${day} and ${cohort.reports} reports without identity match ${formatProfile(profile.profile)}`;
    if (cohort.keys.length === 0 && cohort.reports === 0) {
      console.error(`error: ${summary}: nothing to quarantine`);
      process.exitCode = 1;
    } else if (values['dry-run']) {
      console.log(`dry run: ${summary}; nothing recorded`);
    } else {
      const quarantine = await recordQuarantine(deps, cohort);
      console.log(
        `recorded ${describeQuarantine(quarantine, formatProfile)}; ${summary}; ${appliesFrom(day)}`,
      );
    }
  }
} catch (error) {
  if (!(error instanceof Done))
    console.error(
      `error: quarantine failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  process.exitCode = 1;
} finally {
  await firestore.terminate();
}
