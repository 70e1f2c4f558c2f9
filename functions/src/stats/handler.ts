/** The `stats` function: read-only public aggregates, cacheable by the CDN. */
import { addDays, dayOf, type Day } from '../../../shared/dates.ts';
import { foldToTop, type DayField } from '../../../shared/days-query.ts';
import { HttpError, sendError } from '../http/errors.ts';
import { allowlistFields, type Logger } from '../http/log.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from '../http/types.ts';
import { STORE_DEADLINE_MS, withDeadline } from '../store/deadline.ts';
import type { Store } from '../store/types.ts';
import { daysToCsv } from './csv.ts';
import { parseFields, parseRange, parseTop } from './query.ts';

export { parseRange } from './query.ts';
export { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS } from '../../../shared/days-query.ts';

/** What the stats handler is built from. */
export interface StatsDependencies {
  store: Store;
  clock: () => number;
  log: Logger;
  /** Milliseconds to wait for the store before answering 503; STORE_DEADLINE_MS by default. */
  storeDeadlineMs?: number;
  /** The largest answer in bytes; MAX_ANSWER_BYTES by default. */
  maxAnswerBytes?: number;
}

/** Refuses (413) an answer larger than `limit` bytes, naming its size and how to ask instead. */
function checkAnswerSize(body: string, limit: number, advice: string): void {
  const bytes = Buffer.byteLength(body);
  if (bytes <= limit) return;
  const size = (n: number) =>
    n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
  throw new HttpError(
    413,
    'answer_too_large',
    `The answer would be ${size(bytes)}, over the ${size(limit)} one answer may carry. ${advice}`,
  );
}

/** Browsers may reuse an answer for 5 minutes, the CDN for an hour: aggregates change daily. */
export const CACHE_CONTROL = 'public, max-age=300, s-maxage=3600';
/**
 * The largest answer served: Cloud Functions refuses responses over 32 MiB, and years of every
 * field (all versions, every breakdown) can exceed that. Above it the caller is told how to ask.
 */
export const MAX_ANSWER_BYTES = 24 * 2 ** 20;
/** How far back `/api/v1/latest` looks for a final day. */
const LATEST_LOOKBACK_DAYS = 30;

const KNOWN_PATHS = new Set(['/api/v1/days', '/api/v1/days.csv', '/api/v1/latest']);

/** Builds the `stats` request handler. */
export function createStatsHandler(deps: StatsDependencies): HttpHandler {
  const deadline = deps.storeDeadlineMs ?? STORE_DEADLINE_MS;
  const maxAnswer = deps.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const readDays = (from: Day, to: Day, fields: readonly DayField[] | undefined) =>
    withDeadline(deps.store.readDays(from, to, fields), deadline);
  return async (req: HttpRequest, res: HttpResponse) => {
    const started = deps.clock();
    let status = 200;
    try {
      res.set('Access-Control-Allow-Origin', '*');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, 'method_not_allowed', 'Use GET.', { headers: { Allow: 'GET' } });
      }
      const today = dayOf(deps.clock());
      if (req.path === '/api/v1/days' || req.path === '/api/v1/days.csv') {
        const { from, to } = parseRange(req.query, today);
        if (req.path === '/api/v1/days') {
          const fields = parseFields(req.query);
          const top = parseTop(req.query);
          const days = await readDays(from, to, fields);
          const body = JSON.stringify({ days: top === undefined ? days : foldToTop(days, top) });
          checkAnswerSize(
            body,
            maxAnswer,
            'Ask for fewer fields (fields=…), top=N or a shorter range.',
          );
          res.set('Cache-Control', CACHE_CONTROL);
          res.set('Content-Type', 'application/json; charset=utf-8');
          res.status(200).send(body);
        } else {
          const days = await withDeadline(deps.store.readDays(from, to), deadline);
          const body = daysToCsv(days);
          checkAnswerSize(body, maxAnswer, 'Ask for a shorter range (from/to or range=).');
          res.set('Cache-Control', CACHE_CONTROL);
          res.set('Content-Type', 'text/csv; charset=utf-8');
          res.set('Content-Disposition', `inline; filename="homecall-${from}-${to}.csv"`);
          res.status(200).send(body);
        }
      } else if (req.path === '/api/v1/latest') {
        const fields = parseFields(req.query);
        const days = await readDays(addDays(today, -LATEST_LOOKBACK_DAYS), today, fields);
        const latest = days.filter((d) => d.final).pop();
        if (!latest) throw new HttpError(404, 'not_found', 'No final day has been aggregated yet.');
        res.set('Cache-Control', CACHE_CONTROL);
        res.status(200).json(latest);
      } else {
        throw new HttpError(404, 'not_found', 'No endpoint at this path.');
      }
    } catch (error) {
      if (!(error instanceof HttpError)) {
        // Why the answer is a 503: the store's error (or its deadline), never anything of the caller.
        deps.log(
          'ERROR',
          'stats store failure',
          allowlistFields({
            path: KNOWN_PATHS.has(req.path) ? req.path : '(unknown)',
            reason:
              error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : 'unknown',
          }),
        );
      }
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
        path: KNOWN_PATHS.has(req.path) ? req.path : '(unknown)',
        status,
        durationMs: deps.clock() - started,
      }),
    );
  };
}
