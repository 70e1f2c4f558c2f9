/** The ingest handler over an in-memory store, as most handler tests build it. */
import type { DeploymentConfig } from '../../shared/config.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { createRateLimiter } from '../../functions/src/http/rate-limit.ts';
import type { HttpRequest } from '../../functions/src/http/types.ts';
import { createIngestHandler } from '../../functions/src/ingest/handler.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import { fakeClock, fakeRequest, FakeResponse, recordingLogger } from './http-fakes.ts';

/** What an ingest test varies: the secret, the time it starts at, the deployment. */
export interface IngestHarnessOptions {
  secret: string;
  /** When the fake clock starts (ISO time). */
  now: string;
  config?: DeploymentConfig;
}

/**
 * An ingest handler with a fresh MemoryStore, a fake clock, a recording logger and no effective
 * rate limit; `send` answers a request, `post` a body to a path.
 */
export function ingestHarness(options: IngestHarnessOptions) {
  const store = new MemoryStore();
  const clock = fakeClock(options.now);
  const logger = recordingLogger();
  const handler = createIngestHandler({
    store,
    secret: () => options.secret,
    clock: clock.now,
    config: options.config ?? deploymentConfig,
    log: logger.log,
    rateLimiter: createRateLimiter({ perSecond: 1e6, burst: 1e6 }),
  });
  const send = async (req: HttpRequest): Promise<FakeResponse> => {
    const res = new FakeResponse();
    await handler(req, res);
    return res;
  };
  const post = (path: string, body: string) => send(fakeRequest({ path, body }));
  return { store, clock, logger, handler, send, post };
}
