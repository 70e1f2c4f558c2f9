/**
 * Retries a local setup write the Firestore emulator failed for want of time. On a loaded
 * machine the Node emulator can take longer than the client's 60 s deadline to commit one large
 * batch (the demo fleet's activity pages); the write itself is idempotent (document sets, or
 * creates whose repeats count as duplicates), so trying again loses and doubles nothing.
 */

/** gRPC codes that mean "the server did not get to it", not "the request is wrong". */
const TRANSIENT_CODES = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  14, // UNAVAILABLE
]);

/** Whether `error` is a Firestore/gRPC error worth trying again. */
export function isTransient(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'number' &&
    TRANSIENT_CODES.has(error.code)
  );
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait before the second try; doubled before each further one. */
  firstDelayMs?: number;
  /** Told about each failed try that will be repeated. */
  log?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `write`, again after a growing pause while it fails with a transient error. */
export async function retryTransient<T>(
  what: string,
  write: () => Promise<T>,
  {
    attempts = 4,
    firstDelayMs = 1_000,
    log = () => {},
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      const delay = firstDelayMs * 2 ** (attempt - 1);
      log(`${what}: ${(error as Error).message ?? String(error)}; trying again in ${delay} ms`);
      await sleep(delay);
    }
  }
}
