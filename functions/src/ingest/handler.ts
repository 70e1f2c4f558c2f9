/**
 * The `ingest` function: every endpoint of the wire formats' registry (the canonical API, erase,
 * and the compat endpoints of Netdata, LibreNMS and Clean Insights), and the OpenAPI document.
 * Built from its dependencies so tests and any runtime can call it.
 */
import type { DeploymentConfig } from '../../../shared/config.ts';
import { ERASED, type Accepted, type BodyIssue } from '../../../shared/schema/api.ts';
import { WIRE_FORMATS, type EventSource } from '../formats/registry.ts';
import type { WireFormat } from '../formats/wire-format.ts';
import { readBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import type { Logger } from '../http/log.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import { serve, type Answer, type Pending } from '../http/serve.ts';
import type { HttpHandler, HttpRequest } from '../http/types.ts';
import { withStoreDeadline } from '../store/deadline.ts';
import type { Store } from '../store/types.ts';
import type { StoredEvent } from '../model/stored.ts';
import type { AdapterResult } from '../model/incoming.ts';
import { installPseudonym } from '../identity/install-id.ts';
import { prepareEvent } from './prepare.ts';
import { stableJson } from '../identity/pseudonym.ts';

export { RETRY_AFTER_SECONDS } from '../http/serve.ts';
export { ERASED } from '../../../shared/schema/api.ts';

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

/** Where the OpenAPI document is served. */
const OPENAPI_PATH = '/v1/openapi.json';

/** Every endpoint of the registry, by path. */
export const ROUTES: Readonly<Record<string, WireFormat<EventSource>>> = Object.fromEntries(
  WIRE_FORMATS.map((format) => [format.path, format]),
);

/** Builds the `ingest` request handler. */
export function createIngestHandler(deps: IngestDependencies): HttpHandler {
  // Every store call waits at most the deadline: a 503 with Retry-After, not the platform's 504.
  const ctx = { ...deps, store: withStoreDeadline(deps.store, deps.storeDeadlineMs) };
  return serve(
    {
      name: 'ingest',
      clock: deps.clock,
      log: deps.log,
      logPath: (path) =>
        routeFor(path, deps.config) || path === OPENAPI_PATH ? path : '(unknown)',
    },
    (req) => handle(req, ctx),
  );
}

/** The route of a path; a compat format the deployment does not accept has none (404). */
function routeFor(path: string, config: DeploymentConfig): WireFormat<EventSource> | undefined {
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  return route?.format === undefined || config.compat[route.format] ? route : undefined;
}

/**
 * Everything before the store call runs synchronously, so a client error answers without a
 * promise (see Pending).
 */
function handle(req: HttpRequest, deps: IngestDependencies): Pending {
  if (req.path === OPENAPI_PATH && deps.openApi !== undefined) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET');
    return { status: 200, json: deps.openApi };
  }
  const route = routeFor(req.path, deps.config);
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
  const intake = route.intake(readBody(req, route.accepts, route.read), deps.config);
  const { reply } = route;
  switch (intake.kind) {
    case 'invalid':
      throw invalidBody(intake.message, intake.issues);
    case 'nothing':
      return { status: reply.status, json: ERASED };
    case 'erase':
      return deps.store
        .eraseInstall(installPseudonym(deps.secret(), intake.installId))
        .then(() => ({ status: reply.status, json: ERASED }));
    case 'events':
      return storeEvents(intake.result, reply, deps, intake.content);
  }
}

/**
 * Validates and prepares every event synchronously (a client error throws), then saves them.
 * `content` is the parsed request body, whose canonical form identifies the events of a client
 * that sends no install id.
 */
function storeEvents(
  result: AdapterResult,
  reply: WireFormat['reply'],
  deps: IngestDependencies,
  content?: unknown,
): Promise<Answer> {
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
  return deps.store.saveEvents(events).then((saved) => ({
    status: reply.status,
    json:
      reply.body === 'none'
        ? undefined
        : ({
            accepted: saved.created,
            duplicates: saved.duplicates,
            ignoredFields: ignored,
          } satisfies Accepted),
    fields: {
      source: result.source,
      accepted: saved.created,
      duplicates: saved.duplicates,
      ignored: ignored.length,
    },
  }));
}

function invalidBody(message: string, issues: BodyIssue[]): HttpError {
  return new HttpError(400, 'invalid_body', message, { issues });
}

function methodNotAllowed(allowed: string): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use ${allowed}.`, {
    headers: { Allow: allowed },
  });
}
