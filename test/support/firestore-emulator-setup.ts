// Starts the Node Firestore emulator for a test run, unless FIRESTORE_EMULATOR_HOST already
// points at one (the official emulator on a maintainer's machine). Tests read the address
// with `inject('firestoreEmulatorHost')` and use a project id of their own.
import type { TestProject } from 'vitest/node';
import { startFirestoreEmulator } from '../../scripts/lib/firestore-emulator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEmulatorHost: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.FIRESTORE_EMULATOR_HOST;
  if (existing) {
    project.provide('firestoreEmulatorHost', existing);
    return async () => {};
  }
  const emulator = await startFirestoreEmulator({ port: 0 });
  project.provide('firestoreEmulatorHost', emulator.host);
  return emulator.stop;
}
