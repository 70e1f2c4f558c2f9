/**
 * `npm run aggregate -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--parallelism N]`: recomputes a
 * range of days (default: the late-arrival window up to today) through the same plan, shards and
 * merges the deployed functions run as Cloud Tasks, here in this process with a progress bar.
 * Talks to FIRESTORE_EMULATOR_HOST and GCLOUD_PROJECT like Google's libraries; with neither set
 * it uses the local stack of `npm start` (127.0.0.1:8080, project demo-homecall).
 */
import { parseArgs } from 'node:util';
import { deploymentConfig } from '../shared/config.ts';
import { addDays, dayOf, isDay } from '../shared/dates.ts';
import { aggregateRange, lateDays } from '../functions/src/aggregate/job.ts';
import { createFirestore } from '../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../functions/src/store/firestore-store.ts';
import { ensureLocalSecret } from './lib/local-secret.ts';
import { createProgress } from './lib/progress.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    parallelism: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npm run aggregate -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--parallelism N]',
  );
  process.exit(0);
}
for (const name of ['from', 'to'] as const) {
  const value = values[name];
  if (value !== undefined && !isDay(value)) {
    console.error(`error: --${name} must be a day written YYYY-MM-DD, got "${value}"`);
    process.exit(2);
  }
}
const parallelism = Number(values.parallelism ?? 2);
if (!Number.isInteger(parallelism) || parallelism < 1) {
  console.error(
    `error: --parallelism must be a whole number of at least 1, got "${values.parallelism}"`,
  );
  process.exit(2);
}
const today = dayOf(Date.now());
const to = values.to ?? today;
const from = values.from ?? addDays(to, -lateDays(deploymentConfig));
if (from > to) {
  console.error(`error: --from ${from} is after --to ${to}`);
  process.exit(2);
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
console.error(`aggregating ${from} .. ${to} on ${target}, project ${project}`);

/**
 * The noise of a published day is seeded by the deployment's INSTALL_ID_SECRET, so a day published
 * here is the one the deployed merge would publish. Locally it is the secret `npm start` made.
 */
const publicationSecret = (): string => {
  const secret = process.env.INSTALL_ID_SECRET;
  if (secret) return secret;
  if (process.env.FIRESTORE_EMULATOR_HOST) return ensureLocalSecret();
  throw new Error(
    'publishing a day on production Firestore needs the deployment secret: set INSTALL_ID_SECRET ' +
      '(firebase functions:secrets:access INSTALL_ID_SECRET)',
  );
};

const firestore = createFirestore({ projectId: project });
const store = new FirestoreStore(firestore);
try {
  // Recomputing the demo fleet of `npm start` keeps its days marked as demo data, so a deploy
  // still refuses them. Only final days are published, so look back past the late window.
  const demo = (await store.readDays(addDays(from, -lateDays(deploymentConfig) - 1), to)).some(
    (d) => d.demo === true,
  );
  if (demo) console.error('the stored days are demo data (npm start): they stay marked demo');
  const outcomes = await aggregateRange(
    { store, clock: () => Date.now(), config: deploymentConfig, publicationSecret, demo },
    from,
    to,
    { parallelism, onProgress: createProgress('aggregate') },
  );
  for (const { day, status, aggregate } of outcomes) {
    if (!aggregate) {
      console.log(`${day}  provisional: not published until final (late events may still come)`);
      continue;
    }
    const privacy = aggregate.privacy
      ? `ε=${aggregate.privacy.epsilon} δ=${aggregate.privacy.delta}`
      : 'k-anonymity';
    console.log(
      `${day}  ${status === 'kept' ? 'kept (published before, never replaced)' : 'published'}  about d1=${aggregate.activeInstalls.d1} d7=${aggregate.activeInstalls.d7} d28=${aggregate.activeInstalls.d28}  new=${aggregate.newInstalls}  ${privacy}`,
    );
  }
} catch (error) {
  console.error(
    `error: aggregation failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  await firestore.terminate();
}
