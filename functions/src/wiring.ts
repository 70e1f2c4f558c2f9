/** Production dependencies of the functions, created on first use to keep cold starts short. */
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFunctions } from 'firebase-admin/functions';
import * as logger from 'firebase-functions/logger';
import type { TaskQueues } from './aggregate/tasks.ts';
import type { Logger } from './http/log.ts';
import { createFirestore } from './store/firestore-client.ts';
import { FirestoreStore } from './store/firestore-store.ts';
import type { Store } from './store/types.ts';

/**
 * The Firestore-backed store. The client is created on the first call, not when the module
 * loads: deploy-time discovery loads this module without credentials or a project.
 */
export function productionStore(): Store {
  let store: Store | undefined;
  return new Proxy({} as Store, {
    get: (_target, name: keyof Store) => {
      store ??= new FirestoreStore(createFirestore());
      return store[name].bind(store);
    },
  });
}

/** Writes structured Cloud Logging entries through firebase-functions' logger. */
export const functionsLogger: Logger = (severity, message, fields) => {
  const entry = { ...fields };
  if (severity === 'ERROR') logger.error(message, entry);
  else if (severity === 'WARNING') logger.warn(message, entry);
  else logger.info(message, entry);
};

/**
 * The service account that signs tasks under the tasks emulator. Without one named, firebase-admin
 * asks the metadata server (169.254.169.254) on every enqueue and, failing, falls back to this
 * very name: offline, with the address unreachable, each enqueue waited for that lookup to time
 * out, and a run's 90 merge tasks took minutes to enqueue.
 */
const EMULATED_SERVICE_ACCOUNT = 'emulated-service-acct@email.com';

/** The aggregation's Cloud Tasks queues, through firebase-admin (the tasks emulator locally). */
export function taskQueues(region: string): TaskQueues {
  if (getApps().length === 0) {
    // In production no options: firebase-admin reads FIREBASE_CONFIG and the runtime's account.
    if (process.env.CLOUD_TASKS_EMULATOR_HOST)
      initializeApp({ serviceAccountId: EMULATED_SERVICE_ACCOUNT });
    else initializeApp();
  }
  const functions = getFunctions();
  // A bare function name means us-central1; elsewhere the queue is named with its location.
  const queue = (name: string) =>
    functions.taskQueue(region === 'us-central1' ? name : `locations/${region}/functions/${name}`);
  return {
    shard: (task) => queue('aggregateShard').enqueue(task),
    merge: (task, id) =>
      queue('aggregateMerge')
        .enqueue(task, { id })
        .catch((error: unknown) => {
          // Two shards finishing together both enqueue the merge: the named task exists already.
          if (!(
            error instanceof Error &&
            /already.exists/i.test(`${error.message}${(error as { code?: string }).code ?? ''}`)
          ))
            throw error;
        }),
  };
}
