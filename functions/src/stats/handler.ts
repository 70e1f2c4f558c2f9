/** The `stats` function: read-only public aggregates, cacheable by the CDN. */
import { addDays, dayOf, daysBetween, isDay, type Day } from '../../../shared/dates.ts';
import { HttpError, sendError } from '../http/errors.ts';
import { allowlistFields, type Logger } from '../http/log.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from '../http/types.ts';
import type { Store } from '../store/types.ts';

/** What the stats handler is built from. */
export interface StatsDependencies {
  store: Store;
  clock: () => number;
  log: Logger;
}

/** Days answered when no range is given. */
export const DEFAULT_RANGE_DAYS = 90;
/** Longest range one request may ask for (three years). */
export const MAX_RANGE_DAYS = 3 * 366;
/** Seconds browsers and the CDN may reuse an answer; aggregates change once a day. */
const CACHE_SECONDS = 300;

/** Builds the `stats` request handler. */
export function createStatsHandler(deps: StatsDependencies): HttpHandler {
  return async (req: HttpRequest, res: HttpResponse) => {
    const started = deps.clock();
    let status = 200;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, 'method_not_allowed', 'Use GET.', { headers: { Allow: 'GET' } });
      }
      if (req.path !== '/api/v1/days')
        throw new HttpError(404, 'not_found', 'No endpoint at this path.');
      const { from, to } = parseRange(req.query, dayOf(deps.clock()));
      const days = await deps.store.readDays(from, to);
      res.set('Cache-Control', `public, max-age=${CACHE_SECONDS}, s-maxage=${CACHE_SECONDS}`);
      res.status(200).json({ days });
    } catch (error) {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(503, 'unavailable', 'Storage is unavailable; retry later.', {
              headers: { 'Retry-After': '30' },
            });
      status = httpError.status;
      sendError(res, httpError);
    }
    deps.log(
      status >= 500 ? 'ERROR' : 'INFO',
      'stats request',
      allowlistFields({
        method: req.method,
        path: status === 404 ? '(unknown)' : req.path,
        status,
        durationMs: deps.clock() - started,
      }),
    );
  };
}

/** Reads `from`/`to` (YYYY-MM-DD, both included) with defaults and limits. */
export function parseRange(query: Record<string, unknown>, today: Day): { from: Day; to: Day } {
  const param = (name: string): Day | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !isDay(value)) {
      throw new HttpError(400, 'bad_request', `${name} must be a day written YYYY-MM-DD.`, {
        issues: [{ path: [name], message: 'expected YYYY-MM-DD' }],
      });
    }
    return value;
  };
  const to = param('to') ?? today;
  const from = param('from') ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) {
    throw new HttpError(400, 'bad_request', 'from must not be after to.', {
      issues: [{ path: ['from'], message: 'after to' }],
    });
  }
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    throw new HttpError(400, 'bad_request', `A range may span at most ${MAX_RANGE_DAYS} days.`, {
      issues: [{ path: ['from'], message: 'range too long' }],
    });
  }
  return { from, to };
}
