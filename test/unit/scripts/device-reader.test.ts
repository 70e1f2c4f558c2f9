// What a maintainer reads when Firestore refuses the export: each failure says how to fix it.
import { expect, test } from 'vitest';
import { explainReadError } from '../../../scripts/lib/device-reader.ts';

const grpc = (code: number, message: string) => Object.assign(new Error(message), { code });
const production = { project: 'my-project-1' };
const emulator = { project: 'demo-homecall', emulatorHost: '127.0.0.1:8080' };

test.each<[string, unknown, { project: string; emulatorHost?: string }, RegExp]>([
  [
    'no Application Default Credentials',
    new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs'),
    production,
    /^no usable Google credentials: run `gcloud auth application-default login` .*project my-project-1.*--project ID/,
  ],
  [
    'expired credentials',
    new Error('invalid_grant: reauth related error (invalid_rapt)'),
    production,
    /^no usable Google credentials: run `gcloud auth application-default login`/,
  ],
  [
    'UNAUTHENTICATED',
    grpc(16, '16 UNAUTHENTICATED: bad token'),
    production,
    /^no usable Google credentials/,
  ],
  [
    'PERMISSION_DENIED',
    grpc(7, '7 PERMISSION_DENIED: Missing or insufficient permissions.\nmore'),
    production,
    /^the signed-in account may not read Firestore in project my-project-1: .*roles\/datastore\.viewer.*\(7 PERMISSION_DENIED: Missing or insufficient permissions\.\)$/,
  ],
  [
    'NOT_FOUND',
    grpc(5, '5 NOT_FOUND: database'),
    production,
    /^project my-project-1 has no Firestore database, or no such project: check --project/,
  ],
  [
    'the emulator down',
    grpc(14, '14 UNAVAILABLE: No connection'),
    emulator,
    /^the Firestore emulator at 127\.0\.0\.1:8080 does not answer: is it running/,
  ],
  [
    'anything else',
    grpc(13, '13 INTERNAL: boom'),
    production,
    /^reading events failed: 13 INTERNAL: boom$/,
  ],
  ['a thrown string', 'odd', production, /^reading events failed: odd$/],
])('%s', (_name, error, target, expected) => {
  expect(explainReadError(error, target)).toMatch(expected);
});
