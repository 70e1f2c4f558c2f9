/** Registers homecall's Cloud Functions. Only wiring lives here; behaviour lives in the handlers. */
import { onRequest } from 'firebase-functions/https';
import * as logger from 'firebase-functions/logger';
import { setGlobalOptions } from 'firebase-functions/options';
import { onSchedule } from 'firebase-functions/scheduler';
import { onTaskDispatched } from 'firebase-functions/tasks';
import { deploymentConfig } from '../../shared/config.ts';
import openApi from '../../shared/generated/openapi.json' with { type: 'json' };
import {
  enqueueRun,
  mergeTask,
  shardTask,
  type MergeTask,
  type ShardTask,
} from './aggregate/tasks.ts';
import { planScheduled } from './aggregate/plan.ts';
import { isIngestPath } from './formats/registry.ts';
import { handBodyParseFailuresTo } from './http/parse-failures.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import type { HttpHandler } from './http/types.ts';
import { createIngestHandler } from './ingest/handler.ts';
import { installIdSecret } from './params.ts';
import { createStatsHandler } from './stats/handler.ts';
import { functionsLogger, productionStore, taskQueues } from './wiring.ts';

// Loading shared/config.ts validated homecall.config.ts: a bad value stops the functions here.
const config = deploymentConfig;
setGlobalOptions({ region: config.region, maxInstances: config.maxInstances });

const clock = () => Date.now();
const store = productionStore();

/** Builds a handler on its first request, when params have values. */
function lazy(build: () => HttpHandler): HttpHandler {
  let handler: HttpHandler | undefined;
  return (req, res) => (handler ??= build())(req, res);
}

const ingestHandler = lazy(() =>
  createIngestHandler({
    store,
    secret: () => installIdSecret.value(),
    clock,
    config,
    log: functionsLogger,
    rateLimiter: createRateLimiter({ perSecond: 500, burst: 1000 }),
    openApi,
  }),
);

export const ingest = onRequest(
  {
    secrets: [installIdSecret],
    memory: '256MiB',
    timeoutSeconds: 30,
    concurrency: 80,
    cors: false,
  },
  ingestHandler,
);

// Bodies the runtime's JSON parser refuses (Netdata's malformed ones among them) reach the ingest
// handler too, in the process that serves `ingest` (every function's process loads this module).
if ((process.env.FUNCTION_TARGET ?? 'ingest') === 'ingest') {
  handBodyParseFailuresTo(ingestHandler, isIngestPath);
}

export const stats = onRequest(
  { memory: '256MiB', timeoutSeconds: 30, concurrency: 80, cors: false },
  lazy(() => createStatsHandler({ store, clock, log: functionsLogger })),
);

/** Logs of the aggregation tasks. */
const runLog = (message: string, fields: Record<string, string | number | boolean>) =>
  logger.info(message, fields);

/** What every aggregation step needs; shard sizing comes from the configuration too. */
const aggregation = () => ({
  store,
  clock,
  config,
  // The merge seeds the publication's noise with it (the function declares the secret).
  publicationSecret: () => installIdSecret.value(),
});

/**
 * The daily run: plans (purge, backfill, changed days, shard count), stores the plan and enqueues
 * one task per shard. Each shard task stores its partials; the last one to finish enqueues the
 * merges, and each merge publishes one day.
 */
export const aggregate = onSchedule(
  {
    schedule: '15 0 * * *',
    timeZone: 'UTC',
    retryCount: 3,
    timeoutSeconds: 540,
    memory: '512MiB',
    maxInstances: 1,
  },
  async () => {
    const started = Date.now();
    const { plan, backfilled, recomputed, purged } = await planScheduled(aggregation());
    await enqueueRun(taskQueues(config.region), plan);
    logger.info('aggregation planned', {
      run: plan.id,
      shards: plan.days.length > 0 ? plan.shards : 0,
      recomputed: recomputed.length,
      backfilled: backfilled.length,
      purgedEvents: purged.events,
      purgedPages: purged.pages,
      durationMs: Date.now() - started,
    });
  },
);

/** One shard of a run; Cloud Tasks retries it until it has stored its partials. */
export const aggregateShard = onTaskDispatched<ShardTask>(
  {
    retryConfig: { maxAttempts: 10, minBackoffSeconds: 30, maxBackoffSeconds: 600 },
    rateLimits: { maxConcurrentDispatches: config.aggregation.shardParallelism },
    timeoutSeconds: 1800,
    memory: '1GiB',
  },
  (request) => shardTask(aggregation(), taskQueues(config.region), request.data, runLog),
);

/**
 * The merge of one day; throws while a shard's partial is missing, so it is retried. Merges run
 * one at a time: each rewrites its month's document (read, add the day, write), and two at once
 * lost one another's day where transactions are not isolated (the Firestore emulator). A merge
 * takes well under a second, and a run merges only the days that changed.
 */
export const aggregateMerge = onTaskDispatched<MergeTask>(
  {
    retryConfig: { maxAttempts: 30, minBackoffSeconds: 10, maxBackoffSeconds: 300 },
    rateLimits: { maxConcurrentDispatches: 1 },
    timeoutSeconds: 300,
    memory: '512MiB',
    secrets: [installIdSecret],
  },
  (request) => mergeTask(aggregation(), request.data, runLog),
);
