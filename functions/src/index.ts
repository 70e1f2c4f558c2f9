/** Registers homecall's Cloud Functions. Only wiring lives here; behaviour lives in the handlers. */
import { onRequest } from 'firebase-functions/https';
import * as logger from 'firebase-functions/logger';
import { defineSecret } from 'firebase-functions/params';
import { onSchedule } from 'firebase-functions/scheduler';
import { deploymentConfig } from '../../shared/config.ts';
import openApi from '../../shared/generated/openapi.json' with { type: 'json' };
import { runScheduledAggregation } from './aggregate/job.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import { createIngestHandler } from './ingest/handler.ts';
import { createStatsHandler } from './stats/handler.ts';
import { functionsLogger, productionStore } from './wiring.ts';

const installIdSecret = defineSecret('INSTALL_ID_SECRET');
const clock = () => Date.now();

const lazyStore = productionStore();

export const ingest = onRequest(
  { secrets: [installIdSecret], cors: false },
  createIngestHandler({
    store: lazyStore,
    secret: () => installIdSecret.value(),
    clock,
    config: deploymentConfig,
    log: functionsLogger,
    rateLimiter: createRateLimiter({ perSecond: 500, burst: 1000 }),
    openApi,
  }),
);

export const stats = onRequest(
  { cors: false },
  createStatsHandler({ store: lazyStore, clock, log: functionsLogger }),
);

export const aggregate = onSchedule(
  { schedule: '15 0 * * *', timeZone: 'UTC', retryCount: 3, timeoutSeconds: 540, memory: '1GiB' },
  async () => {
    const summary = await runScheduledAggregation({
      store: lazyStore,
      clock,
      config: deploymentConfig,
    });
    logger.info('aggregation finished', {
      recomputed: summary.recomputed.length,
      backfilled: summary.backfilled.length,
      purgedEvents: summary.purged.events,
      purgedInstalls: summary.purged.installs,
    });
  },
);
