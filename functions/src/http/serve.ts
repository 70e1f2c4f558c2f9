/**
 * The one request wrapper of homecall's HTTP functions (`ingest`, `stats`): it times the request,
 * writes the answer or the one error shape, logs one allowlisted line per request with its
 * severity, and turns any error that is not a client's (a store fault, the store deadline) into
 * 503 with Retry-After, logging why. Handlers only decide what to answer.
 */
import { HttpError, sendError } from './errors.ts';
import { allowlistFields, type LogFields, type Logger } from './log.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from './types.ts';

/** Seconds a client should wait after a store outage before retrying. */
export const RETRY_AFTER_SECONDS = 30;

/** What a request came to, when it did not fail. */
export interface Answer {
  status: number;
  /** A JSON body; with neither `json` nor `text` the answer has no body. */
  json?: unknown;
  /** A body already serialised (CSV, a JSON answer whose size was checked), sent as it is. */
  text?: string;
  /** Headers of this answer. */
  headers?: Readonly<Record<string, string>>;
  /** What the request's log line says besides method, path, status and duration. */
  fields?: Pick<LogFields, 'source' | 'accepted' | 'duplicates' | 'ignored'>;
}

/**
 * An answer, or the promise of one. A handler that can answer synchronously (a client error, a
 * document it holds) should: functions-framework tracks every promise of a request through
 * node:domain, and each one costs time on the hot path.
 */
export type Pending = Answer | Promise<Answer>;

/** How one function is served. */
export interface ServeOptions {
  /** The function's name; its log lines are `<name> request` and `<name> store failure`. */
  name: string;
  clock: () => number;
  log: Logger;
  /** The path as logged: the request's own when it is a known one, else `(unknown)`. */
  logPath: (path: string) => string;
  /** Headers every answer carries, errors included. */
  headers?: Readonly<Record<string, string>>;
}

const DONE: Promise<void> = Promise.resolve();

/** Wraps `handle` (which throws an HttpError for a client error) into a runtime's handler. */
export function serve(options: ServeOptions, handle: (req: HttpRequest) => Pending): HttpHandler {
  const { name, clock, log, logPath, headers } = options;
  const requestMessage = `${name} request`;
  return (req: HttpRequest, res: HttpResponse) => {
    const started = clock();
    const path = logPath(req.path);
    if (headers) setHeaders(res, headers);
    const answer = (outcome: Answer) => {
      if (outcome.headers) setHeaders(res, outcome.headers);
      res.status(outcome.status);
      if (outcome.text !== undefined) res.send(outcome.text);
      else if (outcome.json !== undefined) res.json(outcome.json);
      else res.end();
      log(
        outcome.status >= 500 ? 'ERROR' : 'INFO',
        requestMessage,
        allowlistFields({
          method: req.method,
          path,
          status: outcome.status,
          durationMs: clock() - started,
          ...outcome.fields,
        }),
      );
    };
    const fail = (error: unknown) => {
      const httpError = error instanceof HttpError ? error : unavailable(error, options, path);
      sendError(res, httpError);
      log(
        httpError.status >= 500 ? 'ERROR' : 'INFO',
        requestMessage,
        allowlistFields({
          method: req.method,
          path,
          status: httpError.status,
          durationMs: clock() - started,
          errorCode: httpError.code,
        }),
      );
    };
    let pending: Pending;
    try {
      pending = handle(req);
    } catch (error) {
      fail(error);
      return DONE;
    }
    if (pending instanceof Promise) return pending.then(answer, fail);
    answer(pending);
    return DONE;
  };
}

function setHeaders(res: HttpResponse, headers: Readonly<Record<string, string>>): void {
  for (const [header, value] of Object.entries(headers)) res.set(header, value);
}

/**
 * Anything that is not a client error is a store fault (or the store deadline passed): retryable,
 * and nothing was acknowledged. Why is logged — the store's error, never anything of the caller.
 */
function unavailable(error: unknown, options: ServeOptions, path: string): HttpError {
  options.log(
    'ERROR',
    `${options.name} store failure`,
    allowlistFields({
      path,
      reason: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'unknown',
    }),
  );
  return new HttpError(503, 'unavailable', 'Storage is unavailable; retry later.', {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  });
}
