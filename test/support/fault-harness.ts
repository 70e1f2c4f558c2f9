/**
 * What the fault tests share: the ingest and stats handlers on a given store with a short store
 * deadline, calls that fail the test when the handler leaves the answer to the platform, retries
 * until the store is back, and a watch on unhandled promise rejections.
 */
import { expect } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { createRateLimiter } from '../../functions/src/http/rate-limit.ts';
import type { HttpHandler, HttpRequest } from '../../functions/src/http/types.ts';
import { createIngestHandler, RETRY_AFTER_SECONDS } from '../../functions/src/ingest/handler.ts';
import { createStatsHandler } from '../../functions/src/stats/handler.ts';
import type { Store } from '../../functions/src/store/types.ts';
import {
  expectErrorBody,
  fakeClock,
  fakeRequest,
  FakeResponse,
  jsonRequest,
  recordingLogger,
} from './http-fakes.ts';

/** A response the handler finished by itself. */
export interface TimedResponse {
  res: FakeResponse;
}

/**
 * The functions' own time limit (`timeoutSeconds: 30` in functions/src/index.ts). A handler that
 * has not answered by then has lost the request to the platform, whose timeout answer carries no
 * Retry-After: that is the failure a client would notice, so it is the only time limit here. It
 * is not a measure of speed: the store deadlines in the tests are 0.1–1.5 s (10 s in production),
 * and without its deadline the handler would wait on the Firestore client for 60 s (a connection
 * that never answers) or minutes (retries of a refused one), or forever (a store that never
 * settles).
 */
export const PLATFORM_TIMEOUT_MS = 30_000;

/** The handlers of one fault test, built on `store` with a store deadline of `deadlineMs`. */
export function faultHarness(store: Store, options: { deadlineMs: number; now: string }) {
  const clock = fakeClock(options.now);
  const logger = recordingLogger();
  const ingest = createIngestHandler({
    store,
    secret: () => 'fault-test-secret',
    clock: clock.now,
    config: deploymentConfig,
    log: logger.log,
    rateLimiter: createRateLimiter({ perSecond: 1e6, burst: 1e6 }),
    storeDeadlineMs: options.deadlineMs,
  });
  const stats = createStatsHandler({
    store,
    clock: clock.now,
    log: logger.log,
    storeDeadlineMs: options.deadlineMs,
  });
  // The handler must answer by itself before the platform would.
  const answerWithin = PLATFORM_TIMEOUT_MS;
  return {
    logger,
    post: (path: string, body: unknown) => timed(ingest, jsonRequest(path, body), answerWithin),
    getDays: (from: string, to: string) =>
      timed(
        stats,
        fakeRequest({ method: 'GET', path: '/api/v1/days', query: { from, to } }),
        answerWithin,
      ),
  };
}

/** Calls `handler` and fails when it has not finished the response within `limitMs`. */
export async function timed(
  handler: HttpHandler,
  req: HttpRequest,
  limitMs: number,
): Promise<TimedResponse> {
  const res = new FakeResponse();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${req.method} ${req.path}: no answer within ${limitMs} ms`)),
      limitMs,
    );
  });
  try {
    await Promise.race([handler(req, res), late]);
  } finally {
    clearTimeout(timer);
  }
  expect(res.ending, 'the handler must finish the response').toBeDefined();
  return { res };
}

/** Asserts a storage-outage answer: 503, the error shape and Retry-After, from homecall itself. */
export function expectUnavailable(answer: TimedResponse): void {
  expectErrorBody(answer.res, 503, 'unavailable');
  expect(answer.res.header('Retry-After')).toBe(String(RETRY_AFTER_SECONDS));
}

/**
 * Sends `send` again, as an agent would after a 503, until it is answered `status` (each other
 * answer must be a proper 503); gives up after 40 attempts.
 */
export async function retryUntil(
  status: number,
  send: () => Promise<TimedResponse>,
): Promise<{ answer: TimedResponse; attempts: number }> {
  for (let attempts = 1; attempts <= 40; attempts += 1) {
    const answer = await send();
    if (answer.res.statusCode === status) return { answer, attempts };
    expectUnavailable(answer);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`still not answered ${status} after 40 attempts`);
}

/** Collects unhandled rejections from now until `stop()`. */
export function watchUnhandledRejections(): { reasons: unknown[]; stop: () => void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/** A canonical heartbeat with a deterministic event id. */
export function heartbeat(installId: string, eventId: string): Record<string, unknown> {
  return {
    schema: 1,
    installId,
    eventId,
    type: 'heartbeat',
    product: { version: '1.6.0', channel: 'stable' },
    platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
  };
}

/** `{"events": [...]}` of `count` heartbeats named `<prefix>-<i>`. */
export function batchOf(prefix: string, count: number): { events: Record<string, unknown>[] } {
  return {
    events: Array.from({ length: count }, (_, i) =>
      heartbeat(`${prefix}-install-${i}`, `${prefix}-${i}`),
    ),
  };
}
