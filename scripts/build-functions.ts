/** `npm run build:functions`: bundles the functions for the emulators and for deploy. */
import { buildFunctions } from './lib/build-functions.ts';

const ms = await buildFunctions();
console.log(`built functions/lib/index.js in ${ms} ms`);
