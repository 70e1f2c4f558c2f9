/**
 * The `ingest` function: the canonical API, erase, and the compat endpoints of Netdata,
 * LibreNMS and Clean Insights. Built from its dependencies so tests and any runtime can call it.
 */
import { z } from 'zod';
import type { CompatFormat, DeploymentConfig } from '../../../shared/config.ts';
import { mapCleanInsightsBody } from '../compat/cleaninsights.ts';
import { mapLibreNmsClear, mapLibreNmsLog } from '../compat/librenms.ts';
import { mapNetdataBody } from '../compat/netdata.ts';
import { repairNetdataJson } from '../compat/netdata-json.ts';
import { HttpError, sendError } from '../http/errors.ts';
import { allowlistFields, type Logger } from '../http/log.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import { readBody, type Body, type BodyKind, type ReadOptions } from '../http/body.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from '../http/types.ts';
import { STORE_DEADLINE_MS, withDeadline } from '../store/deadline.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { parseCanonicalBody } from './canonical.ts';
import type { AdapterResult, BodyIssue } from './incoming.ts';
import { installPseudonym } from './install-id.ts';
import { prepareEvent } from './prepare.ts';
import { stableJson } from './pseudonym.ts';

/** What the ingest handler is built from. */
export interface IngestDependencies {
  store: Store;
  /** The HMAC key; a function because production reads it from Secret Manager at run time. */
  secret: () => string;
  clock: () => number;
  config: DeploymentConfig;
  log: Logger;
  rateLimiter: RateLimiter;
  /** The OpenAPI document served at `/v1/openapi.json`. */
  openApi?: unknown;
  /** Milliseconds to wait for the store before answering 503; STORE_DEADLINE_MS by default. */
  storeDeadlineMs?: number;
}

/** Seconds a client should wait after a store outage before retrying. */
export const RETRY_AFTER_SECONDS = 30;

type Outcome = {
  status: number;
  body?: unknown;
  fields?: { source?: string; accepted?: number; duplicates?: number; ignored?: number };
};
/**
 * An outcome, or the promise of one when the store is involved. Everything before the store call
 * runs synchronously: functions-framework tracks every promise of a request through node:domain,
 * and each one costs time on the hot path.
 */
type Pending = Outcome | Promise<Outcome>;
type Route = {
  /** The compat format this route serves; it answers only when the config enables the format. */
  format?: CompatFormat;
  accepts: readonly BodyKind[];
  read?: ReadOptions;
  run: (body: Body, deps: IngestDependencies) => Pending;
};

/**
 * What every erase answers, whether or not anything was stored for the id: the answer must not
 * tell a caller which ids have data.
 */
export const ERASED = Object.freeze({ erased: true });

const DONE: Promise<void> = Promise.resolve();

const eraseSchema = z.strictObject({ installId: z.string().trim().min(1).max(128) });

const ROUTES: Record<string, Route> = {
  '/v1/events': {
    accepts: ['json'],
    run: (body, deps) => storeEvents(parseCanonicalBody(body.value), 202, deps),
  },
  '/v1/erase': {
    accepts: ['json'],
    run: (body, deps) => {
      const parsed = eraseSchema.safeParse(body.value);
      if (!parsed.success)
        throw invalidBody('Body must be {"installId": "<id>"}.', zodIssues(parsed.error));
      return erase(parsed.data.installId, deps);
    },
  },
  '/compat/netdata': {
    format: 'netdata',
    accepts: ['json'],
    // About one in six bodies of Netdata's scripts is not JSON in two known ways: repair those.
    read: { repairJson: repairNetdataJson },
    run: (body, deps) =>
      storeEvents(mapNetdataBody(body.value, deps.config.attributes), 200, deps, body.value),
  },
  '/compat/librenms/log.php': {
    format: 'librenms',
    accepts: ['form'],
    run: (body, deps) =>
      storeEvents(mapLibreNmsLog(asForm(body), deps.config.attributes), 200, deps),
  },
  '/compat/librenms/clear.php': {
    format: 'librenms',
    accepts: ['form'],
    run: (body, deps) => {
      const form = asForm(body);
      // An install that never submitted sends an empty clear: there is nothing to erase, and the
      // original collector answers 200 (LibreNMS resends the clear until it gets a 2xx).
      if (form.size === 0) return { status: 200, body: ERASED };
      const parsed = mapLibreNmsClear(form);
      if (!parsed.ok) throw invalidBody(parsed.message, parsed.issues);
      return erase(parsed.installId, deps);
    },
  },
  '/compat/cleaninsights.php': {
    format: 'cleaninsights',
    accepts: ['json'],
    run: (body, deps) =>
      storeEvents(
        mapCleanInsightsBody(body.value, deps.config.attributes),
        204,
        deps,
        body.value,
      ).then((outcome) => ({ ...outcome, body: undefined })),
  },
};

/** Builds the `ingest` request handler. */
export function createIngestHandler(deps: IngestDependencies): HttpHandler {
  return (req: HttpRequest, res: HttpResponse) => {
    const started = deps.clock();
    const route = routeFor(req.path, deps.config);
    const logPath = route || req.path === '/v1/openapi.json' ? req.path : '(unknown)';
    const answer = (outcome: Outcome) => {
      res.status(outcome.status);
      if (outcome.body === undefined) res.end();
      else res.json(outcome.body);
      deps.log(
        'INFO',
        'ingest request',
        allowlistFields({
          method: req.method,
          path: logPath,
          status: outcome.status,
          durationMs: deps.clock() - started,
          ...outcome.fields,
        }),
      );
    };
    const fail = (error: unknown) => {
      const httpError = toHttpError(error, deps, logPath);
      sendError(res, httpError);
      deps.log(
        httpError.status >= 500 ? 'ERROR' : 'INFO',
        'ingest request',
        allowlistFields({
          method: req.method,
          path: logPath,
          status: httpError.status,
          durationMs: deps.clock() - started,
          errorCode: httpError.code,
        }),
      );
    };
    let pending: Pending;
    try {
      pending = handle(req, route, deps);
    } catch (error) {
      fail(error);
      return DONE;
    }
    if (pending instanceof Promise) return pending.then(answer, fail);
    answer(pending);
    return DONE;
  };
}

/** The route of a path; a compat format the deployment does not accept has none (404). */
function routeFor(path: string, config: DeploymentConfig): Route | undefined {
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  return route?.format === undefined || config.compat[route.format] ? route : undefined;
}

function handle(req: HttpRequest, route: Route | undefined, deps: IngestDependencies): Pending {
  if (req.path === '/v1/openapi.json' && deps.openApi !== undefined) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET');
    return { status: 200, body: deps.openApi };
  }
  if (!route) {
    const disabled = Object.hasOwn(ROUTES, req.path) ? ROUTES[req.path]?.format : undefined;
    throw new HttpError(
      404,
      'not_found',
      disabled
        ? `This deployment does not accept ${disabled} reports (${req.path}).`
        : `No endpoint at ${req.path.slice(0, 100)}.`,
    );
  }
  if (req.method !== 'POST') throw methodNotAllowed('POST');
  const wait = deps.rateLimiter.take(deps.clock());
  if (wait > 0) {
    throw new HttpError(429, 'rate_limited', 'Too many requests; retry later.', {
      headers: { 'Retry-After': String(wait) },
    });
  }
  return route.run(readBody(req, route.accepts, route.read), deps);
}

/**
 * Validates and prepares every event synchronously (a client error throws), then saves them.
 * `content` is the parsed request body, whose canonical form identifies the events of a client
 * that sends no install id.
 */
function storeEvents(
  result: AdapterResult,
  status: number,
  deps: IngestDependencies,
  content?: unknown,
): Promise<Outcome> {
  if (!result.ok) throw invalidBody(result.message, result.issues);
  const now = deps.clock();
  let canonical: string | undefined;
  const requestContent = () => (canonical ??= stableJson(content));
  const context = { secret: deps.secret(), now, config: deps.config, source: result.source };
  const events: StoredEvent[] = [];
  const ignoredFields = [...result.ignoredFields];
  const issues: BodyIssue[] = [];
  result.events.forEach((incoming, i) => {
    const path = result.events.length > 1 || result.source !== 'v1' ? ['events', i] : [];
    const requestKey =
      content === undefined ? undefined : () => `${requestContent()}\0${String(i)}`;
    const prepared = prepareEvent(incoming, path, { ...context, requestKey });
    if (!prepared.ok) issues.push(prepared.issue);
    else {
      events.push(prepared.event);
      ignoredFields.push(
        ...prepared.ignoredFields.map((f) => (path.length ? `events[${i}].${f}` : f)),
      );
    }
  });
  if (issues.length > 0) {
    throw new HttpError(400, 'invalid_time', issues[0]?.message ?? 'invalid time', { issues });
  }
  const ignored = [...new Set(ignoredFields)].sort();
  return withDeadline(deps.store.saveEvents(events), storeDeadline(deps)).then((saved) => ({
    status,
    body: { accepted: saved.created, duplicates: saved.duplicates, ignoredFields: ignored },
    fields: {
      source: result.source,
      accepted: saved.created,
      duplicates: saved.duplicates,
      ignored: ignored.length,
    },
  }));
}

/** Erases an install by any form of its id that ingest accepts; the answer is always ERASED. */
function erase(installId: string, deps: IngestDependencies): Promise<Outcome> {
  return withDeadline(
    deps.store.eraseInstall(installPseudonym(deps.secret(), installId)),
    storeDeadline(deps),
  ).then(() => ({ status: 200, body: ERASED }));
}

function storeDeadline(deps: IngestDependencies): number {
  return deps.storeDeadlineMs ?? STORE_DEADLINE_MS;
}

function asForm(body: Body): URLSearchParams {
  return body.kind === 'form' ? body.value : new URLSearchParams();
}

function invalidBody(message: string, issues: BodyIssue[]): HttpError {
  return new HttpError(400, 'invalid_body', message, { issues });
}

function methodNotAllowed(allowed: string): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use ${allowed}.`, {
    headers: { Allow: allowed },
  });
}

function zodIssues(error: z.ZodError): BodyIssue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }));
}

/**
 * Anything that is not a client error is a store fault (or the store deadline passed): retryable,
 * and nothing was acked. Writes that land after the answer make the retry a duplicate.
 */
function toHttpError(error: unknown, deps: IngestDependencies, path: string): HttpError {
  if (error instanceof HttpError) return error;
  deps.log(
    'ERROR',
    'ingest store failure',
    allowlistFields({
      path,
      reason: error instanceof Error ? error.name + ': ' + error.message.slice(0, 200) : 'unknown',
    }),
  );
  return new HttpError(503, 'unavailable', 'Storage is unavailable; retry later.', {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  });
}
