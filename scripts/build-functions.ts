/**
 * `npm run build:functions`: bundles the functions for the emulators and for deploy (it is also
 * firebase.json's functions predeploy). Importing the config validates homecall.config.ts, and
 * the functions' lockfile must pin the versions the root lockfile installs, or nothing is built.
 */
import { deploymentConfig } from '../shared/config.ts';
import { buildFunctions } from './lib/build-functions.ts';
import { functionsLockProblems } from './lib/functions-lock-files.ts';

const problems = functionsLockProblems();
if (problems.length > 0) {
  console.error(`error: ${problems.join('\nerror: ')}`);
  process.exit(1);
}
const ms = await buildFunctions();
console.log(
  `built functions/lib/index.js in ${ms} ms (region ${deploymentConfig.region}, k = ${deploymentConfig.kAnonymity})`,
);
