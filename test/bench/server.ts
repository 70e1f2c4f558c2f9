// Child process of the ingest benchmark: functions-framework serving a bare 204 handler and the
// real ingest handler (memory store) on the two ports given, then printing "ready".
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { deploymentConfig } from '../../shared/config.ts';
import { createIngestHandler } from '../../functions/src/ingest/handler.ts';
import { createRateLimiter } from '../../functions/src/http/rate-limit.ts';
import type { HttpRequest, HttpResponse } from '../../functions/src/http/types.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';

const [barePort, ingestPort] = process.argv.slice(2).map(Number);
const ingest = createIngestHandler({
  store: new MemoryStore(),
  secret: () => 'bench',
  clock: () => Date.now(),
  config: deploymentConfig,
  log: () => {},
  rateLimiter: createRateLimiter({ perSecond: 1e9, burst: 1e9 }),
});

http('bare', (_req, res) => {
  res.status(204).end();
});
http('ingest', (req, res) => ingest(req as unknown as HttpRequest, res as unknown as HttpResponse));

await Promise.all(
  [
    ['bare', barePort],
    ['ingest', ingestPort],
  ].map(
    ([name, port]) =>
      new Promise<void>((resolve) => {
        getTestServer(String(name)).listen(Number(port), '127.0.0.1', resolve);
      }),
  ),
);
console.log('ready');
