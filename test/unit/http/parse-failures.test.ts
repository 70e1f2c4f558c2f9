// The Cloud Functions runtime parses every application/json body before the function runs; this
// is functions-framework (what production runs) serving the real ingest handler. Without help, a
// body that is not JSON never reaches the function: Express answers 400 with an HTML page. With
// handBodyParseFailuresTo, the runtime hands such requests and their raw bytes to the handler,
// so Netdata's malformed bodies are stored and other broken JSON gets homecall's error shape.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { handBodyParseFailuresTo } from '../../../functions/src/http/parse-failures.ts';
import { createRateLimiter } from '../../../functions/src/http/rate-limit.ts';
import type { HttpRequest, HttpResponse } from '../../../functions/src/http/types.ts';
import { createIngestHandler } from '../../../functions/src/ingest/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { recordingLogger } from '../../support/http-fakes.ts';

const MALFORMED = readFileSync(
  new URL('../../fixtures/compat/netdata-agent-fatal-early.malformed.txt', import.meta.url),
  'utf8',
);

const servers: ReturnType<typeof getTestServer>[] = [];

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

/** functions-framework serving the ingest handler on a free port. */
async function serve(name: string, store: MemoryStore) {
  const ingest = createIngestHandler({
    store,
    secret: () => 'parse-failures-secret',
    clock: () => Date.now(),
    config: deploymentConfig,
    log: recordingLogger().log,
    rateLimiter: createRateLimiter({ perSecond: 1e6, burst: 1e6 }),
  });
  const handler = (req: unknown, res: unknown) => ingest(req as HttpRequest, res as HttpResponse);
  http(name, handler);
  const server = getTestServer(name);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  return { handler: ingest, post };
}

describe('functions-framework and bodies that are not JSON', () => {
  test('on its own, the runtime answers with an HTML page and the function never runs', async () => {
    const store = new MemoryStore();
    const { post } = await serve('ingest-plain', store);
    const res = await post('/compat/netdata', MALFORMED);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(store.events.size).toBe(0);
  });

  test('with the hook, Netdata’s malformed body is stored and other broken JSON gets the error shape', async () => {
    const store = new MemoryStore();
    const { handler, post } = await serve('ingest-hooked', store);
    // Registered before the first request, as index.ts does when the module loads.
    handBodyParseFailuresTo(handler, (path) => /^\/(?:v1|compat)\//.test(path));

    // The very first request of the instance is a malformed one: it must not be lost.
    const netdata = await post('/compat/netdata', MALFORMED);
    expect(netdata.status).toBe(200);
    expect(await netdata.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect([...store.events.values()]).toMatchObject([{ source: 'netdata', type: 'fatal' }]);

    const canonical = await post('/v1/events', '{"schema": 1, "installId": ');
    expect(canonical.status).toBe(400);
    expect(canonical.headers.get('content-type')).toContain('application/json');
    expect(await canonical.json()).toMatchObject({ error: { code: 'bad_request' } });

    // Valid bodies take the usual path, and paths outside ingest keep the runtime's answer.
    const valid = await post('/v1/events', '{"schema":1,"installId":"hook-1234","type":"start"}');
    expect(valid.status).toBe(202);
    const elsewhere = await post('/api/v1/days', '{nope');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('content-type')).toContain('text/html');
    expect(store.events.size).toBe(2);
  });
});
