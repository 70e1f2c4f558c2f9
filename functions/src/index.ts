/** Registers homecall's Cloud Functions. Only wiring lives here; behaviour lives in the handlers. */
import { onRequest } from 'firebase-functions/https';
import * as logger from 'firebase-functions/logger';
import { setGlobalOptions } from 'firebase-functions/options';
import { onSchedule } from 'firebase-functions/scheduler';
import openApi from '../../shared/generated/openapi.json' with { type: 'json' };
import { runScheduledAggregation } from './aggregate/job.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import type { HttpHandler } from './http/types.ts';
import { createIngestHandler } from './ingest/handler.ts';
import { installIdSecret, maxInstances, region, runtimeConfig } from './params.ts';
import { createStatsHandler } from './stats/handler.ts';
import { functionsLogger, productionStore } from './wiring.ts';

setGlobalOptions({ region, maxInstances });

const clock = () => Date.now();
const store = productionStore();

/** Builds a handler on its first request, when params have values. */
function lazy(build: () => HttpHandler): HttpHandler {
  let handler: HttpHandler | undefined;
  return (req, res) => (handler ??= build())(req, res);
}

export const ingest = onRequest(
  {
    secrets: [installIdSecret],
    memory: '256MiB',
    timeoutSeconds: 30,
    concurrency: 80,
    cors: false,
  },
  lazy(() =>
    createIngestHandler({
      store,
      secret: () => installIdSecret.value(),
      clock,
      config: runtimeConfig(),
      log: functionsLogger,
      rateLimiter: createRateLimiter({ perSecond: 500, burst: 1000 }),
      openApi,
    }),
  ),
);

export const stats = onRequest(
  { memory: '256MiB', timeoutSeconds: 30, concurrency: 80, cors: false },
  lazy(() => createStatsHandler({ store, clock, log: functionsLogger })),
);

export const aggregate = onSchedule(
  {
    schedule: '15 0 * * *',
    timeZone: 'UTC',
    retryCount: 3,
    timeoutSeconds: 1800,
    memory: '1GiB',
    maxInstances: 1,
  },
  async () => {
    const started = Date.now();
    const summary = await runScheduledAggregation({ store, clock, config: runtimeConfig() });
    logger.info('aggregation finished', {
      recomputed: summary.recomputed.length,
      backfilled: summary.backfilled.length,
      purgedEvents: summary.purged.events,
      purgedInstalls: summary.purged.installs,
      durationMs: Date.now() - started,
    });
  },
);
