/**
 * `npm run check:site`: the hosting predeploy in firebase.json, so a bare `firebase deploy` cannot
 * upload a site built from demo data (what `npm start` leaves in site/dist), from another
 * project's or a stale snapshot, without a snapshot, or with another configuration. The firebase
 * CLI passes the target project in GCLOUD_PROJECT; `npm run deploy -- --force` passes
 * HOMECALL_DEPLOY_FORCE=1 to let a stale snapshot through.
 */
import { existsSync, readFileSync } from 'node:fs';
import { deploymentConfig } from '../shared/config.ts';
import { lateDays } from '../functions/src/aggregate/plan.ts';
import { BUILD_MANIFEST, type SiteBuildManifest } from '../site/src/lib/build-manifest.ts';
import { checkSiteBuild } from './lib/publish-checks.ts';

const file = new URL(`../site/dist/${BUILD_MANIFEST}`, import.meta.url);
const project = process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
if (!project) {
  console.error('error: no project: the firebase CLI sets GCLOUD_PROJECT for predeploy steps');
  process.exit(1);
}
const manifest = existsSync(file)
  ? (JSON.parse(readFileSync(file, 'utf8')) as SiteBuildManifest)
  : undefined;
const result = checkSiteBuild(manifest, deploymentConfig, {
  project,
  now: Date.now(),
  force: process.env.HOMECALL_DEPLOY_FORCE === '1',
  finalLagDays: lateDays(deploymentConfig),
});
for (const warning of result.warnings) console.warn(`warning: ${warning}`);
if (result.errors.length > 0) {
  console.error(`error: refusing to deploy site/dist to ${project}:`);
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
const snapshot = manifest?.snapshot;
console.log(
  `site/dist: built ${manifest?.builtAt} from ${snapshot?.days} days of ${snapshot?.project} (${snapshot?.firstDay} to ${snapshot?.lastDay}); ok to deploy`,
);
