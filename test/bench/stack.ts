// The local stack under load (`npm run bench -- --stack`, under the port lock): the load suite's
// ledger (test/e2e/load.test.ts) driven for a number of seconds instead of a number of requests,
// at a few connection counts, through hosting → ingest function → Firestore emulator. These are
// the firebase emulators' figures, not Cloud Run's: the functions emulator runs one request at a
// time per worker process and starts another (≈ 140 MB) whenever none is idle.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { ensureLocalSecret } from '../../scripts/lib/local-secret.ts';
import { LOCAL_PROJECT, startStack } from '../../scripts/lib/stack.ts';
import { runIngestLoad, type LoadRun } from '../support/ingest-load.ts';
import { CLEAN_VERDICT, loadVerdict } from '../support/load-ledger.ts';

/** One run at one connection count. */
export interface StackRun extends LoadRun {
  eventsStored: number;
  /** Every acknowledged event stored once, no failure (the load suite's verdict). */
  clean: boolean;
}

/** Runs the load for `seconds` at each connection count, on one stack, one after the other. */
export async function benchStack(options: {
  seconds: number;
  connections: number[];
}): Promise<StackRun[]> {
  // As in the e2e suite (vitest.config.ts): a worker booting on a busy machine may take over 30 s.
  process.env.FUNCTIONS_DISCOVERY_TIMEOUT ??= '60';
  const skipSite = existsSync(new URL('../../site/dist/index.html', import.meta.url));
  // A Firestore emulator of its own on a free port, unless FIRESTORE_EMULATOR_HOST names one.
  const stack = await startStack({ demo: false, firestorePort: 0, skipSite, log: () => {} });
  const firestore = createFirestore({ projectId: LOCAL_PROJECT });
  try {
    const runs: StackRun[] = [];
    for (const connections of options.connections) {
      const { ledger, run } = await runIngestLoad({
        baseUrl: stack.hostingUrl,
        connections,
        seconds: options.seconds,
        timeoutSeconds: 90,
        runId: `bench-${randomBytes(4).toString('hex')}`,
      });
      const store = await ledger.checkStore(firestore, ensureLocalSecret());
      const verdict = loadVerdict(ledger.report, store);
      runs.push({
        ...run,
        eventsStored: store.stored,
        clean: JSON.stringify(verdict) === JSON.stringify(CLEAN_VERDICT),
      });
      if (!runs.at(-1)?.clean) console.error(`stack bench, ${connections} connections:`, verdict);
    }
    return runs;
  } finally {
    await firestore.terminate();
    await stack.stop();
  }
}
