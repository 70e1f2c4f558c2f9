/**
 * A time limit on store calls made while a client waits. During a Firestore outage the client
 * library retries UNAVAILABLE with backoff for up to 10 minutes (and waits 60 s on a connection
 * that never answers), far past the functions' 30 s timeout, after which the platform would
 * answer instead of homecall, without Retry-After. The handlers give up earlier and answer 503.
 */

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
