/** Production dependencies of the functions, created on first use to keep cold starts short. */
import * as logger from 'firebase-functions/logger';
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
