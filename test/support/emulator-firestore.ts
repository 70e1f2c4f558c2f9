/** A Firestore client for tests against the emulator the integration suites start. */
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';

/** A client on `emulatorHost` (`host:port`), in a project of its own unless one is named. */
export function emulatorFirestore(
  emulatorHost: string,
  projectId = `test-${randomUUID()}`,
): Firestore {
  // No metadata server to look for on an emulator run.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const [host, port] = emulatorHost.split(':');
  return new Firestore({
    projectId,
    host,
    port: Number(port),
    ssl: false,
    ignoreUndefinedProperties: true,
  });
}
