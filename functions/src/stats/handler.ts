/** The `stats` function: read-only public aggregates, cacheable by the CDN. */
import { addDays, dayOf } from '../../../shared/dates.ts';
import { API_PATHS, foldToTop } from '../../../shared/days-query.ts';
import { HttpError } from '../http/errors.ts';
import type { Logger } from '../http/log.ts';
import { serve, type Answer } from '../http/serve.ts';
import type { HttpHandler, HttpRequest } from '../http/types.ts';
import { withStoreDeadline } from '../store/deadline.ts';
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

const KNOWN_PATHS: ReadonlySet<string> = new Set(Object.values(API_PATHS));

/** Builds the `stats` request handler. */
export function createStatsHandler(deps: StatsDependencies): HttpHandler {
  const maxAnswer = deps.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  // Every store call waits at most the deadline: a 503 with Retry-After, not the platform's 504.
  const store = withStoreDeadline(deps.store, deps.storeDeadlineMs);
  return serve(
    {
      name: 'stats',
      clock: deps.clock,
      log: deps.log,
      logPath: (path) => (KNOWN_PATHS.has(path) ? path : '(unknown)'),
      headers: { 'Access-Control-Allow-Origin': '*' },
    },
    async (req: HttpRequest): Promise<Answer> => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, 'method_not_allowed', 'Use GET.', { headers: { Allow: 'GET' } });
      }
      const today = dayOf(deps.clock());
      if (req.path === API_PATHS.days) {
        const { from, to } = parseRange(req.query, today);
        const fields = parseFields(req.query);
        const top = parseTop(req.query);
        const days = await store.readDays(from, to, fields);
        const body = JSON.stringify({ days: top === undefined ? days : foldToTop(days, top) });
        checkAnswerSize(
          body,
          maxAnswer,
          'Ask for fewer fields (fields=…), top=N or a shorter range.',
        );
        return {
          status: 200,
          text: body,
          headers: {
            'Cache-Control': CACHE_CONTROL,
            'Content-Type': 'application/json; charset=utf-8',
          },
        };
      }
      if (req.path === API_PATHS.daysCsv) {
        const { from, to } = parseRange(req.query, today);
        const days = await store.readDays(from, to);
        const body = daysToCsv(days);
        checkAnswerSize(body, maxAnswer, 'Ask for a shorter range (from/to or range=).');
        return {
          status: 200,
          text: body,
          headers: {
            'Cache-Control': CACHE_CONTROL,
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `inline; filename="homecall-${from}-${to}.csv"`,
          },
        };
      }
      if (req.path === API_PATHS.latest) {
        const fields = parseFields(req.query);
        const days = await store.readDays(addDays(today, -LATEST_LOOKBACK_DAYS), today, fields);
        const latest = days.filter((d) => d.final).pop();
        if (!latest) throw new HttpError(404, 'not_found', 'No final day has been aggregated yet.');
        return { status: 200, json: latest, headers: { 'Cache-Control': CACHE_CONTROL } };
      }
      throw new HttpError(404, 'not_found', 'No endpoint at this path.');
    },
  );
}
