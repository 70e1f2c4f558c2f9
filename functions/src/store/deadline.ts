/**
 * A time limit on store calls made while a client waits. During a Firestore outage the client
 * library retries UNAVAILABLE with backoff for up to 10 minutes (and waits 60 s on a connection
 * that never answers), far past the functions' 30 s timeout, after which the platform would
 * answer instead of homecall, without Retry-After. The handlers give up earlier and answer 503.
 */
import type { Store } from './types.ts';

/** How long a request handler waits for the store by default: well inside the 30 s timeout. */
export const STORE_DEADLINE_MS = 10_000;

/** The store did not answer in time; the call may still complete later. */
export class StoreDeadlineError extends Error {
  override readonly name = 'StoreDeadlineError';

  constructor(ms: number) {
    super(`no answer from the store within ${ms} ms`);
  }
}

/**
 * `work`'s outcome, or a StoreDeadlineError once `ms` have passed. The call goes on after the
 * deadline (Firestore writes cannot be cancelled): a late success is harmless because event ids
 * are deterministic, and a late failure is ignored (the race has subscribed to it, so it is not
 * an unhandled rejection).
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  // Written without async/await or Promise.race: it runs on every ingest request, and each
  // extra promise is tracked by functions-framework's per-request domain.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreDeadlineError(ms)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * The store with a deadline on every call: what the request handlers use, so no handler can forget
 * one. The aggregation, which no client waits for, uses the store as it is.
 */
export function withStoreDeadline(store: Store, ms: number = STORE_DEADLINE_MS): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  // A proxy of an empty object, not of the store: a store's own methods may be read-only
  // properties, which a proxy of it would have to hand out unwrapped.
  return new Proxy({} as Store, {
    get(_empty, name) {
      const value: unknown = Reflect.get(store, name);
      if (typeof value !== 'function') return value;
      let call = wrapped.get(name);
      if (call === undefined) {
        // Looked up at each call, so a store whose methods change (a test's fault) is honoured.
        call = (...args: unknown[]) =>
          withDeadline(
            (Reflect.get(store, name) as (...a: unknown[]) => Promise<unknown>).apply(store, args),
            ms,
          );
        wrapped.set(name, call);
      }
      return call;
    },
  });
}
