// Reliability under load: a fixed number of requests, several at a time, against the local stack
// (hosting → ingest function → Firestore emulator). Every event answered 2xx must be in the
// store, exactly once; retried bodies must come back as duplicates and stay stored once; no 5xx,
// no socket errors, no request left without an answer. 429s are allowed but counted, and the
// events they refused must not be stored. The same work is done however fast the machine is, so
// nothing here depends on its speed: throughput is measured by `npm run bench -- --stack`.
// The functions emulator serves one request at a time per worker process (≈ 140 MB each) and
// starts one whenever none is idle, so CONNECTIONS is also the number of workers the run needs.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { ensureLocalSecret } from '../../scripts/lib/local-secret.ts';
import { LOCAL_PROJECT, startStack, type Stack } from '../../scripts/lib/stack.ts';
import { formatLoadRun, runIngestLoad } from '../support/ingest-load.ts';
import { CLEAN_VERDICT, formatLedger, loadVerdict } from '../support/load-ledger.ts';

const CONNECTIONS = 8;
const REQUESTS = 600;
const SITE_BUILT = existsSync(new URL('../../site/dist/index.html', import.meta.url));

let stack: Stack;
let firestore: Firestore;

beforeAll(async () => {
  process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
  // Only the API is loaded; hosting needs some site to answer, so build one only when missing.
  stack = await startStack({ demo: false, firestorePort: 0, skipSite: SITE_BUILT, log: () => {} });
  firestore = createFirestore({ projectId: LOCAL_PROJECT });
});

afterAll(async () => {
  await firestore?.terminate();
  await stack?.stop();
});

// Each request has its own limit (below), so a lost one fails the test however slow the machine.
// The test's 900 s limit (at the end) only catches a hang: far past what the whole run has needed
// on a busy 2-core machine, so that it is no throughput floor in disguise (240 s, the e2e default,
// would be 2.7 requests a second).
describe('load', () => {
  test(`${REQUESTS} requests over ${CONNECTIONS} connections: every event answered 2xx is stored once, no 5xx`, async () => {
    const { ledger, run } = await runIngestLoad({
      baseUrl: stack.hostingUrl,
      connections: CONNECTIONS,
      requests: REQUESTS,
      // Past the hosting emulator's own 60 s limit, when it answers 504 itself (the function's
      // limit is 30 s): a timeout here is a request the stack lost, not a slow machine.
      timeoutSeconds: 90,
      runId: `load-${randomBytes(4).toString('hex')}`,
    });
    const store = await ledger.checkStore(firestore, ensureLocalSecret());
    const { report } = ledger;
    console.log(`load: ${formatLoadRun(run)}; ${formatLedger(report, store)}`);

    // Every request was answered once, with nothing to resend; batches and retries of bodies
    // already acknowledged were among them.
    const answers = Object.values(report.statuses).reduce((sum, n) => sum + n, 0);
    expect(answers).toBe(run.rampUpRequests + REQUESTS);
    expect(report.batches).toBeGreaterThan(0);
    expect(report.retries.acked).toBeGreaterThan(0);
    // Every event answered 2xx is stored exactly once, no refused one is, nothing failed.
    expect(loadVerdict(report, store)).toEqual(CLEAN_VERDICT);
  }, 900_000);
});
