/** Starts the in-process Node Firestore emulator (`@firestore-emulator/server`). */
import { createServer } from 'node:net';
import { FirestoreServer } from '@firestore-emulator/server';

/** A running emulator and how to stop it. */
export interface RunningEmulator {
  /** `127.0.0.1:<port>`, the value for FIRESTORE_EMULATOR_HOST. */
  host: string;
  stop: () => Promise<void>;
}

/** Finds a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts an emulator on `port` (0 picks a free one). */
export async function startFirestoreEmulator(options: { port: number }): Promise<RunningEmulator> {
  const port = options.port || (await freePort());
  const server = new FirestoreServer();
  await server.start(port);
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => server.stop(),
  };
}
