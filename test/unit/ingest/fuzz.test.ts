// Property-based fuzzing of every ingest endpoint: junk of any kind gets a 4xx with the one
// error shape (or a 2xx when it happens to be valid), never a crash, a 5xx, or a stored junk
// document.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { createRateLimiter } from '../../../functions/src/http/rate-limit.ts';
import { createIngestHandler } from '../../../functions/src/ingest/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import {
  FakeResponse,
  expectErrorBody,
  fakeClock,
  fakeRequest,
  recordingLogger,
} from '../../support/http-fakes.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const PATHS = [
  '/v1/events',
  '/v1/erase',
  '/compat/netdata',
  '/compat/librenms/log.php',
  '/compat/librenms/clear.php',
  '/compat/cleaninsights.php',
];
const CONTENT_TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/json; charset=utf-8',
  'multipart/form-data',
];

function setup() {
  const store = new MemoryStore();
  const handler = createIngestHandler({
    store,
    secret: () => 'fuzz-secret',
    clock: fakeClock('2026-11-20T12:00:00Z').now,
    config: deploymentConfig,
    log: recordingLogger().log,
    rateLimiter: createRateLimiter({ perSecond: 1e9, burst: 1e9 }),
  });
  return { store, handler };
}

const junkBody = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ events: [v] })),
  fc
    .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }))
    .map((d) => `data=${encodeURIComponent(JSON.stringify(d))}`),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ event: 'START ok', properties: v })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ idsite: 5, events: [v] })),
);

describe('fuzzing every ingest endpoint', () => {
  test.each(PATHS)(
    '%s answers junk with a 4xx error shape, or accepts it, never 5xx',
    async (path) => {
      await fc.assert(
        fc.asyncProperty(
          junkBody,
          fc.constantFrom(...CONTENT_TYPES),
          fc.constantFrom('POST', 'POST', 'GET', 'PUT'),
          async (body, contentType, method) => {
            const { store, handler } = setup();
            const res = new FakeResponse();
            await handler(fakeRequest({ method, path, body, contentType }), res);
            expect(res.statusCode).toBeLessThan(500);
            if (res.statusCode >= 400) {
              expectErrorBody(res, res.statusCode);
              expect(store.events.size).toBe(0);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
  );

  // 900 generated events: the property is under test, not the speed, so no 5 s wall-clock
  // budget (which a busy shared machine exceeds, before and after the shape checks).
  test(
    'canonical-shaped events with random field values never crash the pipeline',
    { timeout: 120_000 },
    async () => {
      const eventLike = fc.record(
        {
          schema: fc.constantFrom(1, 2, '1'),
          installId: fc.string({ maxLength: 140 }),
          eventId: fc.string({ maxLength: 140 }),
          type: fc.constantFrom('heartbeat', 'crash', 'opt_out', 'bogus'),
          time: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          product: fc.dictionary(
            fc.constantFrom('version', 'channel', 'x'),
            fc.string({ maxLength: 80 }),
          ),
          failure: fc.record(
            { message: fc.string({ maxLength: 3000 }), line: fc.integer() },
            { requiredKeys: [] },
          ),
          counters: fc.dictionary(fc.string({ maxLength: 20 }), fc.double()),
          attributes: fc.dictionary(
            fc.string({ maxLength: 20 }),
            fc.oneof(fc.string(), fc.double(), fc.boolean()),
          ),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(eventLike, async (event) => {
          const { store, handler } = setup();
          const res = new FakeResponse();
          await handler(fakeRequest({ path: '/v1/events', body: event }), res);
          expect([202, 400]).toContain(res.statusCode);
          if (res.statusCode === 400) {
            expectErrorBody(res, 400);
            expect(store.events.size).toBe(0);
          } else {
            expect(store.events.size).toBe(1);
          }
        }),
        { numRuns: RUNS * 3 },
      );
    },
  );
});
