// The `ingest` handler as an agent sees it: status, headers and JSON of each answer, and what
// ends up stored. MemoryStore, a fake clock, and no network.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { aggregateDay } from '../../../functions/src/aggregate/job.ts';
import { createRateLimiter, type RateLimiter } from '../../../functions/src/http/rate-limit.ts';
import type { HttpRequest } from '../../../functions/src/http/types.ts';
import { createIngestHandler } from '../../../functions/src/ingest/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import {
  expectErrorBody,
  fakeClock,
  fakeRequest,
  FakeResponse,
  forbidCallerAddress,
  formRequest,
  jsonRequest,
  recordingLogger,
  withCallerAddress,
} from '../../support/http-fakes.ts';
import { compatText as fixture } from '../../support/fixtures.ts';

const SECRET = 'unit-test-secret-5b1f';
const NOW = '2026-03-10T12:00:00.000Z';
const TODAY = '2026-03-10';
const HOUR = 3_600_000;
const INSTALL_ID = 'a3c1e0f2-7d4b-4c55-9e61-0f2b9d8c7a11';
const OTHER_ID = '0b7e55d9-21aa-4f0e-b3c2-6d1e8f9a4c27';
const OPEN_API = { openapi: '3.1.0', info: { title: 'homecall', version: '1' }, paths: {} };

/** The fields a log line may carry, as functions/src/http/log.ts allows them. */
const LOG_FIELDS = [
  'method',
  'path',
  'status',
  'durationMs',
  'source',
  'accepted',
  'duplicates',
  'ignored',
  'errorCode',
  'reason',
];

const hmac = (installId: string) =>
  createHmac('sha256', SECRET).update(installId, 'utf8').digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function setup(options: { rateLimiter?: RateLimiter } = {}) {
  const store = new MemoryStore();
  const clock = fakeClock(NOW);
  const logger = recordingLogger();
  const handler = createIngestHandler({
    store,
    secret: () => SECRET,
    clock: clock.now,
    config: deploymentConfig,
    log: logger.log,
    rateLimiter: options.rateLimiter ?? createRateLimiter({ perSecond: 1e6, burst: 1e6 }),
    openApi: OPEN_API,
  });
  const send = async (req: HttpRequest): Promise<FakeResponse> => {
    const res = new FakeResponse();
    await handler(req, res);
    expect(res.ending, 'the handler must finish the response').toBeDefined();
    return res;
  };
  const post = (path: string, body: unknown) => send(jsonRequest(path, body));
  const events = (): StoredEvent[] => [...store.events.values()];
  /** Every stored document of every collection, as one text. */
  const storedText = () =>
    JSON.stringify({
      events: [...store.events.entries()],
      pages: [...store.pages.entries()],
      erasures: [...store.erasures.entries()],
      days: [...store.days.entries()],
    });
  const logText = () => JSON.stringify(logger.lines);
  const aggregate = (day: string) =>
    aggregateDay(
      { store, clock: clock.now, config: deploymentConfig, publicationSecret: () => 'noise' },
      day,
    );
  return { store, clock, logger, send, post, events, storedText, logText, aggregate };
}

type Harness = ReturnType<typeof setup>;

function heartbeat(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 1,
    installId: INSTALL_ID,
    type: 'heartbeat',
    product: { version: '2.4.1', channel: 'stable', installMethod: 'docker' },
    platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
    ...extra,
  };
}

function expectNothingStored(h: Harness): void {
  expect(h.store.events.size).toBe(0);
  expect(h.store.pages.size).toBe(0);
  expect(h.store.days.size).toBe(0);
}

function onlyEvent(h: Harness): StoredEvent {
  const all = h.events();
  expect(all).toHaveLength(1);
  return all[0] as StoredEvent;
}

describe('POST /v1/events', () => {
  test('a single event is accepted with 202 and stored under the HMAC of its installId', async () => {
    const h = setup();
    const res = await h.post('/v1/events', heartbeat({ eventId: 'evt-1' }));
    expect(res.statusCode).toBe(202);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });
    const stored = onlyEvent(h);
    expect(stored.install).toBe(hmac(INSTALL_ID));
    expect(stored.install).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).toMatchObject({
      day: TODAY,
      type: 'heartbeat',
      source: 'v1',
      receivedAt: Date.parse(NOW),
      expireAt: Date.parse(NOW) + 90 * 24 * HOUR,
      product: { version: '2.4.1', channel: 'stable', installMethod: 'docker' },
      platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
    });
    expect(h.storedText()).not.toContain(INSTALL_ID);
  });

  test('a batch is accepted with 202 and every event stored, no raw installId anywhere', async () => {
    const h = setup();
    const res = await h.post('/v1/events', {
      events: [
        heartbeat({ eventId: 'e1' }),
        heartbeat({ eventId: 'e2', type: 'start' }),
        { schema: 1, installId: OTHER_ID, type: 'install', eventId: 'e1' },
      ],
    });
    expect(res.statusCode).toBe(202);
    expect(res.body).toEqual({ accepted: 3, duplicates: 0, ignoredFields: [] });
    expect(
      h
        .events()
        .map((e) => e.install)
        .sort(),
    ).toEqual([hmac(INSTALL_ID), hmac(INSTALL_ID), hmac(OTHER_ID)].sort());
    // Aggregation writes activity pages too: still no raw id in any collection.
    await h.aggregate(TODAY);
    expect(h.store.knownInstalls().size).toBe(2);
    const text = h.storedText();
    expect(text).not.toContain(INSTALL_ID);
    expect(text).not.toContain(OTHER_ID);
  });

  test('a charset parameter and upper-case media type are accepted', async () => {
    const h = setup();
    const res = await h.send(
      fakeRequest({
        path: '/v1/events',
        body: heartbeat(),
        contentType: 'Application/JSON; charset=utf-8',
      }),
    );
    expect(res.statusCode).toBe(202);
    expect(h.store.events.size).toBe(1);
  });

  describe('unknown fields', () => {
    test('are named in ignoredFields, not stored, and the event is still accepted', async () => {
      const h = setup();
      const res = await h.post(
        '/v1/events',
        heartbeat({
          colour: 'zq-top-level-value',
          platform: { os: 'debian', foo: 'zq-nested-value' },
          attributes: { cpu_cores: 8, x: 'zq-attribute-value', database: 'postgres' },
        }),
      );
      expect(res.statusCode).toBe(202);
      expect(res.body).toEqual({
        accepted: 1,
        duplicates: 0,
        ignoredFields: ['attributes.x', 'colour', 'platform.foo'],
      });
      const stored = onlyEvent(h);
      expect(stored.platform).toEqual({ os: 'debian' });
      expect(stored.attributes).toEqual({ cpu_cores: 8, database: 'postgres' });
      expect(stored).not.toHaveProperty('colour');
      const text = h.storedText();
      for (const word of ['zq-top-level-value', 'zq-nested-value', 'zq-attribute-value', 'foo']) {
        expect(text).not.toContain(word);
      }
      expect(text).not.toContain('"colour"');
      expect(text).not.toContain('"x"');
    });

    test('an allowed attribute of the wrong kind is dropped and named', async () => {
      const h = setup();
      const res = await h.post('/v1/events', heartbeat({ attributes: { cpu_cores: 'eight' } }));
      expect(res.statusCode).toBe(202);
      expect((res.body as { ignoredFields: string[] }).ignoredFields).toEqual([
        'attributes.cpu_cores',
      ]);
      expect(onlyEvent(h)).not.toHaveProperty('attributes');
    });

    test('in a batch they are named with the index of their event', async () => {
      const h = setup();
      const res = await h.post('/v1/events', {
        events: [heartbeat({ eventId: 'a' }), heartbeat({ eventId: 'b', extra: 1 })],
        batchNote: 'hello',
      });
      expect(res.statusCode).toBe(202);
      expect(res.body).toEqual({
        accepted: 2,
        duplicates: 0,
        ignoredFields: ['batchNote', 'events[1].extra'],
      });
    });
  });

  describe('idempotency', () => {
    test('the same installId + eventId twice is stored once', async () => {
      const h = setup();
      const first = await h.post('/v1/events', heartbeat({ eventId: 'retry-me' }));
      expect(first.body).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });
      h.clock.advance(10 * 60_000);
      const second = await h.post('/v1/events', heartbeat({ eventId: 'retry-me' }));
      expect(second.statusCode).toBe(202);
      expect(second.body).toEqual({ accepted: 0, duplicates: 1, ignoredFields: [] });
      expect(h.store.events.size).toBe(1);
    });

    test('the same eventId from another install is another event', async () => {
      const h = setup();
      await h.post('/v1/events', heartbeat({ eventId: 'shared' }));
      const res = await h.post('/v1/events', heartbeat({ eventId: 'shared', installId: OTHER_ID }));
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });
      expect(h.store.events.size).toBe(2);
    });

    test('the same content on the same day without eventId is stored once', async () => {
      const h = setup();
      await h.post('/v1/events', heartbeat());
      h.clock.advance(5 * HOUR);
      const res = await h.post('/v1/events', heartbeat());
      expect(res.body).toEqual({ accepted: 0, duplicates: 1, ignoredFields: [] });
      expect(h.store.events.size).toBe(1);
    });

    test('the same content on another day is another event', async () => {
      const h = setup();
      await h.post('/v1/events', heartbeat());
      h.clock.advance(24 * HOUR);
      const res = await h.post('/v1/events', heartbeat());
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });
      expect(
        h
          .events()
          .map((e) => e.day)
          .sort(),
      ).toEqual(['2026-03-10', '2026-03-11']);
    });

    test('different content on the same day without eventId is two events', async () => {
      const h = setup();
      await h.post('/v1/events', heartbeat());
      const res = await h.post('/v1/events', heartbeat({ type: 'start' }));
      expect(res.body).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });
      expect(h.store.events.size).toBe(2);
    });
  });

  describe('agent-supplied time', () => {
    const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs).toISOString();

    test('73 hours back is a 400 invalid_time naming the 72-hour window; nothing stored', async () => {
      const h = setup();
      const res = await h.post('/v1/events', heartbeat({ time: at(-73 * HOUR) }));
      expectErrorBody(res, 400, 'invalid_time');
      const error = (res.body as { error: { message: string; issues: { path: unknown[] }[] } })
        .error;
      expect(error.message).toMatch(/72 hours/);
      expect(error.issues[0]?.path).toEqual(['time']);
      expectNothingStored(h);
    });

    test('71 hours back is stored on the day of that time', async () => {
      const h = setup();
      const res = await h.post('/v1/events', heartbeat({ time: at(-71 * HOUR) }));
      expect(res.statusCode).toBe(202);
      // 2026-03-10T12:00Z minus 71 h is 2026-03-07T13:00Z.
      expect(onlyEvent(h).day).toBe('2026-03-07');
    });

    test('a time with an offset is placed on its UTC day', async () => {
      const h = setup();
      // 2026-03-10T01:30+05:00 is 2026-03-09T20:30Z.
      const res = await h.post('/v1/events', heartbeat({ time: '2026-03-10T01:30:00+05:00' }));
      expect(res.statusCode).toBe(202);
      expect(onlyEvent(h).day).toBe('2026-03-09');
    });

    test('6 minutes ahead is a 400; nothing stored', async () => {
      const h = setup();
      const res = await h.post('/v1/events', heartbeat({ time: at(6 * 60_000) }));
      expectErrorBody(res, 400, 'invalid_time');
      expect((res.body as { error: { message: string } }).error.message).toMatch(/5 minutes/);
      expectNothingStored(h);
    });

    test('4 minutes ahead is accepted', async () => {
      const h = setup();
      const res = await h.post('/v1/events', heartbeat({ time: at(4 * 60_000) }));
      expect(res.statusCode).toBe(202);
      expect(onlyEvent(h).day).toBe(TODAY);
    });

    test('one late event in a batch rejects the whole batch and stores nothing', async () => {
      const h = setup();
      const res = await h.post('/v1/events', {
        events: [heartbeat({ eventId: 'ok' }), heartbeat({ eventId: 'old', time: at(-80 * HOUR) })],
      });
      expectErrorBody(res, 400, 'invalid_time');
      const issues = (res.body as { error: { issues: { path: unknown[] }[] } }).error.issues;
      expect(issues[0]?.path).toEqual(['events', 1, 'time']);
      expectNothingStored(h);
    });
  });

  describe('limits and malformed bodies', () => {
    const cases: { name: string; req: () => HttpRequest; status: number; code: string }[] = [
      {
        name: 'a body over 64 KiB',
        req: () =>
          jsonRequest('/v1/events', heartbeat({ attributes: { database: 'x'.repeat(70_000) } })),
        status: 413,
        code: 'payload_too_large',
      },
      {
        name: 'a body of 64 KiB + 1 byte of whitespace',
        req: () => {
          const text = JSON.stringify(heartbeat());
          return fakeRequest({ path: '/v1/events', body: text + ' '.repeat(65_537 - text.length) });
        },
        status: 413,
        code: 'payload_too_large',
      },
      {
        name: 'Content-Type text/plain',
        req: () =>
          fakeRequest({
            path: '/v1/events',
            body: JSON.stringify(heartbeat()),
            contentType: 'text/plain',
          }),
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'no Content-Type',
        req: () =>
          fakeRequest({ path: '/v1/events', body: JSON.stringify(heartbeat()), contentType: null }),
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'a form body on the JSON endpoint',
        req: () => formRequest('/v1/events', { data: JSON.stringify(heartbeat()) }),
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'malformed JSON',
        req: () => fakeRequest({ path: '/v1/events', body: '{"schema": 1, "installId": ' }),
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'an empty body',
        req: () => fakeRequest({ path: '/v1/events', body: '' }),
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'a __proto__ key',
        req: () =>
          fakeRequest({
            path: '/v1/events',
            body: `{"schema":1,"installId":"${INSTALL_ID}","type":"heartbeat","__proto__":{"polluted":true}}`,
          }),
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'a nested constructor key',
        req: () =>
          fakeRequest({
            path: '/v1/events',
            body: `{"schema":1,"installId":"${INSTALL_ID}","type":"heartbeat","platform":{"constructor":{"prototype":{}}}}`,
          }),
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'nesting 50 levels deep',
        req: () =>
          fakeRequest({
            path: '/v1/events',
            body: `{"schema":1,"installId":"x","type":"heartbeat","attributes":${'['.repeat(50)}${']'.repeat(50)}}`,
          }),
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'invalid UTF-8',
        req: () =>
          fakeRequest({
            path: '/v1/events',
            body: Buffer.concat([
              Buffer.from('{"schema":1,"installId":"'),
              Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
              Buffer.from('","type":"heartbeat"}'),
            ]),
          }),
        status: 400,
        code: 'bad_request',
      },
      {
        name: 'a JSON array',
        req: () => jsonRequest('/v1/events', [heartbeat()]),
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'a missing installId',
        req: () => jsonRequest('/v1/events', { schema: 1, type: 'heartbeat' }),
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'an unknown type',
        req: () => jsonRequest('/v1/events', heartbeat({ type: 'reboot' })),
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'schema 2',
        req: () => jsonRequest('/v1/events', heartbeat({ schema: 2 })),
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'an empty batch',
        req: () => jsonRequest('/v1/events', { events: [] }),
        status: 400,
        code: 'invalid_body',
      },
    ];

    test.each(cases)('$name → $status $code, nothing stored', async ({ req, status, code }) => {
      const h = setup();
      const res = await h.send(req());
      expectErrorBody(res, status, code);
      expectNothingStored(h);
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    test('101 events → 400 with the issue at path events; nothing stored', async () => {
      const h = setup();
      const events = Array.from({ length: 101 }, (_, i) => heartbeat({ eventId: `e${i}` }));
      const res = await h.post('/v1/events', { events });
      expectErrorBody(res, 400, 'invalid_body');
      const error = (res.body as { error: { issues: { path: unknown[] }[] } }).error;
      expect(error.issues[0]?.path).toEqual(['events']);
      expectNothingStored(h);
    });

    test('100 events are accepted', async () => {
      const h = setup();
      const events = Array.from({ length: 100 }, (_, i) => heartbeat({ eventId: `e${i}` }));
      const res = await h.post('/v1/events', { events });
      expect(res.statusCode).toBe(202);
      expect(res.body).toMatchObject({ accepted: 100, duplicates: 0 });
    });

    test('an invalid event in a batch is named by its index; nothing stored', async () => {
      const h = setup();
      const res = await h.post('/v1/events', {
        events: [heartbeat({ eventId: 'a' }), heartbeat({ eventId: 'b', type: 'nope' })],
      });
      expectErrorBody(res, 400, 'invalid_body');
      const error = (res.body as { error: { issues: { path: unknown[] }[] } }).error;
      expect(error.issues[0]?.path).toEqual(['events', 1, 'type']);
      expectNothingStored(h);
    });

    test('a 64 KiB body is still accepted', async () => {
      const h = setup();
      const text = JSON.stringify(heartbeat());
      const res = await h.send(
        fakeRequest({ path: '/v1/events', body: text + ' '.repeat(65_536 - text.length) }),
      );
      expect(res.statusCode).toBe(202);
    });

    test.each(['GET', 'PUT', 'DELETE', 'OPTIONS'])('%s → 405 with Allow: POST', async (method) => {
      const h = setup();
      const res = await h.send(fakeRequest({ method, path: '/v1/events' }));
      expectErrorBody(res, 405, 'method_not_allowed');
      expect(res.header('Allow')).toBe('POST');
      expectNothingStored(h);
    });

    test.each(['/v1/event', '/v2/events', '/', '/compat/netdata/extra', '/__proto__'])(
      'unknown path %s → 404',
      async (path) => {
        const h = setup();
        const res = await h.send(jsonRequest(path, heartbeat()));
        expectErrorBody(res, 404, 'not_found');
        expectNothingStored(h);
      },
    );
  });

  describe('store failure', () => {
    test('is a 503 with Retry-After; a retry after recovery stores the event once', async () => {
      const h = setup();
      const body = heartbeat({ eventId: 'during-outage' });
      h.store.failWith = new Error('unavailable');
      const res = await h.post('/v1/events', body);
      expectErrorBody(res, 503, 'unavailable');
      expect(Number(res.header('Retry-After'))).toBeGreaterThan(0);
      expect(h.store.events.size).toBe(0);

      h.store.failWith = undefined;
      h.clock.advance(30_000);
      const retry = await h.post('/v1/events', body);
      expect(retry.statusCode).toBe(202);
      expect(retry.body).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });
      const again = await h.post('/v1/events', body);
      expect(again.body).toEqual({ accepted: 0, duplicates: 1, ignoredFields: [] });
      expect(h.store.events.size).toBe(1);
    });

    test('an erase during an outage is a 503 too', async () => {
      const h = setup();
      h.store.failWith = new Error('unavailable');
      const res = await h.post('/v1/erase', { installId: INSTALL_ID });
      expectErrorBody(res, 503, 'unavailable');
      expect(res.header('Retry-After')).toBeDefined();
    });
  });

  test('rate limit: with a burst of 2 the third request is a 429 with Retry-After', async () => {
    const h = setup({ rateLimiter: createRateLimiter({ perSecond: 1, burst: 2 }) });
    expect((await h.post('/v1/events', heartbeat({ eventId: '1' }))).statusCode).toBe(202);
    expect((await h.post('/v1/events', heartbeat({ eventId: '2' }))).statusCode).toBe(202);
    const third = await h.post('/v1/events', heartbeat({ eventId: '3' }));
    expectErrorBody(third, 429, 'rate_limited');
    expect(Number(third.header('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(h.store.events.size).toBe(2);
    // Once the bucket refills, requests pass again.
    h.clock.advance(Number(third.header('Retry-After')) * 1000);
    expect((await h.post('/v1/events', heartbeat({ eventId: '3' }))).statusCode).toBe(202);
  });
});

describe('privacy', () => {
  const SPOOFED = {
    'X-Forwarded-For': '203.0.113.7, 10.9.8.7',
    'X-Real-IP': '198.51.100.77',
    Forwarded: 'for=198.51.100.9;proto=https',
    'CF-Connecting-IP': '192.0.2.44',
    'True-Client-IP': '192.0.2.45',
  };
  const ADDRESSES = [
    '203.0.113.7',
    '10.9.8.7',
    '198.51.100.77',
    '198.51.100.9',
    '192.0.2.44',
    '192.0.2.45',
    '203.0.113.99',
  ];
  const NETDATA_IP = '198.51.100.23';

  /** One request of each kind: canonical, each compat format, and the error paths. */
  function requests(): { req: HttpRequest; status: number }[] {
    const netdata = JSON.parse(fixture('netdata-agent-start.json')) as {
      properties: Record<string, unknown>;
    };
    netdata.properties.$ip = NETDATA_IP;
    const withHeaders = (req: HttpRequest) => {
      for (const [name, value] of Object.entries(SPOOFED)) req.headers[name.toLowerCase()] = value;
      return req;
    };
    return [
      { req: jsonRequest('/v1/events', heartbeat({ eventId: 'p1' })), status: 202 },
      { req: jsonRequest('/compat/netdata', netdata), status: 200 },
      {
        req: formRequest('/compat/librenms/log.php', fixture('librenms-daily.form').trim()),
        status: 200,
      },
      {
        req: jsonRequest(
          '/compat/cleaninsights.php',
          JSON.parse(fixture('cleaninsights-heartbeat.json')),
        ),
        status: 204,
      },
      { req: jsonRequest('/v1/erase', { installId: OTHER_ID }), status: 200 },
      { req: jsonRequest('/v1/events', { schema: 1 }), status: 400 },
      { req: fakeRequest({ path: '/v1/events', body: '{nope' }), status: 400 },
      { req: fakeRequest({ method: 'GET', path: '/v1/events' }), status: 405 },
      { req: jsonRequest('/nowhere', {}), status: 404 },
    ].map(({ req, status }) => ({ req: withHeaders(req), status }));
  }

  test('spoofed forwarding headers and socket addresses appear in no document and no log line', async () => {
    const h = setup();
    for (const { req, status } of requests()) {
      const res = await h.send(withCallerAddress(req, '203.0.113.99'));
      expect(res.statusCode, `${req.path}: ${JSON.stringify(res.body)}`).toBe(status);
    }
    h.store.failWith = new Error('unavailable');
    const failed = await h.send(
      withCallerAddress(
        jsonRequest('/v1/events', heartbeat(), { headers: SPOOFED }),
        '203.0.113.99',
      ),
    );
    expect(failed.statusCode).toBe(503);
    h.store.failWith = undefined;
    await h.aggregate(TODAY);

    expect(h.store.events.size).toBeGreaterThanOrEqual(4);
    const stored = h.storedText();
    const logs = h.logText();
    expect(h.logger.lines.length).toBeGreaterThanOrEqual(10);
    for (const address of [...ADDRESSES, NETDATA_IP]) {
      expect(stored).not.toContain(address);
      expect(logs).not.toContain(address);
    }
  });

  test('the handler never reads req.ip, req.ips, the socket or a forwarding header', async () => {
    const h = setup();
    for (const { req, status } of requests()) {
      const res = await h.send(forbidCallerAddress(req));
      // A touched getter throws, which the handler would answer with a 5xx.
      expect(res.statusCode, `${req.path}: ${JSON.stringify(res.body)}`).toBe(status);
    }
    expect(h.logger.lines.every((line) => line.severity !== 'ERROR')).toBe(true);
  });

  test('the erase answer and the logs never carry the pseudonym', async () => {
    const h = setup();
    await h.post('/v1/events', heartbeat());
    const res = await h.post('/v1/erase', { installId: INSTALL_ID });
    expect(JSON.stringify(res.body)).not.toContain(hmac(INSTALL_ID));
    expect(h.logText()).not.toContain(hmac(INSTALL_ID));
    expect(h.logText()).not.toContain(INSTALL_ID);
  });
});

describe('logs', () => {
  test('carry only allowlisted fields and no body content', async () => {
    const h = setup();
    const SECRET_WORD = 'swordfish-7781';
    await h.post(
      '/v1/events',
      heartbeat({
        type: 'crash',
        failure: { message: `segfault near ${SECRET_WORD}`, program: 'agent' },
        [SECRET_WORD]: SECRET_WORD,
      }),
    );
    await h.post('/v1/events', heartbeat({ type: SECRET_WORD }));
    await h.send(fakeRequest({ path: '/v1/events', body: `{"${SECRET_WORD}": ` }));
    await h.send(jsonRequest(`/v1/${SECRET_WORD}`, {}));
    await h.post('/v1/erase', { installId: SECRET_WORD });
    await h.send(formRequest('/compat/librenms/clear.php', { uuid: SECRET_WORD }));
    await h.send(jsonRequest('/compat/netdata', { event: `FATAL ${SECRET_WORD}`, properties: {} }));
    h.store.failWith = new Error('unavailable');
    await h.post('/v1/events', heartbeat({ failure: { message: SECRET_WORD } }));
    h.store.failWith = undefined;

    expect(h.logger.lines.length).toBeGreaterThanOrEqual(8);
    for (const line of h.logger.lines) {
      expect(['INFO', 'WARNING', 'ERROR']).toContain(line.severity);
      expect(typeof line.message).toBe('string');
      for (const key of Object.keys(line.fields)) expect(LOG_FIELDS).toContain(key);
    }
    expect(h.logText()).not.toContain(SECRET_WORD);
    // Every request is logged once with its status.
    const requestLines = h.logger.lines.filter((l) => l.fields.status !== undefined);
    expect(requestLines.map((l) => l.fields.status)).toEqual([
      202, 400, 400, 404, 200, 200, 200, 503,
    ]);
    expect(h.logger.lines.find((l) => l.fields.status === 503)?.severity).toBe('ERROR');
  });

  test('an unknown path is logged as (unknown), not as sent', async () => {
    const h = setup();
    await h.send(jsonRequest('/v1/users/alice/events', {}));
    expect(h.logger.lines.map((l) => l.fields.path)).toEqual(['(unknown)']);
  });
});

describe('opt-out events', () => {
  test('are stored without the pseudonym and with an id not derived from it', async () => {
    const h = setup();
    const pseudonym = hmac(INSTALL_ID);
    const res = await h.post('/v1/events', heartbeat({ type: 'opt_out', eventId: 'bye' }));
    expect(res.statusCode).toBe(202);
    const stored = onlyEvent(h);
    expect(stored.install).toBeNull();
    expect(stored.type).toBe('opt_out');
    const text = JSON.stringify(stored);
    expect(text).not.toContain(INSTALL_ID);
    expect(text).not.toContain(pseudonym);
    for (const derived of [
      pseudonym,
      sha256(pseudonym),
      sha256(`id\0${pseudonym}\0bye`),
      sha256(`content\0${pseudonym}`),
    ]) {
      expect(derived.startsWith(stored.id)).toBe(false);
    }
  });

  test('a retried opt-out is stored once; erase cannot find it', async () => {
    const h = setup();
    await h.post('/v1/events', heartbeat({ type: 'opt_out' }));
    const again = await h.post('/v1/events', heartbeat({ type: 'opt_out' }));
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, ignoredFields: [] });
    await h.post('/v1/events', heartbeat({ type: 'opt_out', installId: OTHER_ID }));
    expect(h.store.events.size).toBe(2);
    const erased = await h.post('/v1/erase', { installId: INSTALL_ID });
    expect(erased.body).toEqual({ erased: true });
    expect(h.store.events.size).toBe(2);
  });
});

describe('POST /v1/erase', () => {
  test('deletes every event and the install record of that install, and only those', async () => {
    const h = setup();
    await h.post('/v1/events', {
      events: [
        heartbeat({ eventId: '1' }),
        heartbeat({ eventId: '2', type: 'start' }),
        { schema: 1, installId: OTHER_ID, type: 'heartbeat' },
      ],
    });
    h.clock.advance(24 * HOUR);
    await h.post('/v1/events', heartbeat({ eventId: '3', type: 'crash' }));
    await h.aggregate(TODAY);
    await h.aggregate('2026-03-11');
    expect(h.store.knownInstalls().size).toBe(2);

    const res = await h.post('/v1/erase', { installId: INSTALL_ID });
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ erased: true });
    expect(h.events().map((e) => e.install)).toEqual([hmac(OTHER_ID)]);
    expect([...h.store.knownInstalls()]).toEqual([hmac(OTHER_ID).slice(0, 16)]);
    // The erasure the next run applies names the pseudonym (never the raw id); nothing else does.
    const { erasures: _erasures, ...rest } = JSON.parse(h.storedText()) as Record<string, unknown>;
    expect(JSON.stringify(rest)).not.toContain(hmac(INSTALL_ID).slice(0, 16));
    expect(h.storedText()).not.toContain(INSTALL_ID);

    // Nothing left: the same answer, so an erase tells nobody whether an id had data.
    const second = await h.post('/v1/erase', { installId: INSTALL_ID });
    expect(second.statusCode).toBe(200);
    expect(second.body).toEqual({ erased: true });
    expect(h.store.events.size).toBe(1);
    expect(h.store.knownInstalls().size).toBe(1);
  });

  test.each([
    ['an empty object', {}],
    ['an empty installId', { installId: '' }],
    ['a numeric installId', { installId: 42 }],
    ['an extra field', { installId: INSTALL_ID, everything: true }],
    ['an array', [INSTALL_ID]],
  ])('%s → 400 with the error shape', async (_name, body) => {
    const h = setup();
    await h.post('/v1/events', heartbeat());
    const res = await h.post('/v1/erase', body);
    expectErrorBody(res, 400);
    expect(h.store.events.size).toBe(1);
  });

  test('answers alike for an id with data, an id without, and one already erased', async () => {
    const h = setup();
    await h.post('/v1/events', heartbeat());
    /** Everything a caller can observe of an answer. */
    const seen = async (installId: string) => {
      const res = await h.post('/v1/erase', { installId });
      return { status: res.statusCode, headers: res.headers, body: res.body, ending: res.ending };
    };
    const withData = await seen(INSTALL_ID);
    expect(h.store.events.size).toBe(0);
    const unknown = await seen(OTHER_ID);
    const again = await seen(INSTALL_ID);
    expect(withData).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { erased: true },
      ending: 'json',
    });
    expect(unknown).toEqual(withData);
    expect(again).toEqual(withData);
  });

  test('GET → 405', async () => {
    const h = setup();
    const res = await h.send(fakeRequest({ method: 'GET', path: '/v1/erase' }));
    expectErrorBody(res, 405, 'method_not_allowed');
    expect(res.header('Allow')).toBe('POST');
  });
});

describe('compat routes', () => {
  const NETDATA_ID = '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002';
  const LIBRENMS_UUID = '9b2f6c1e-3d4a-4f5b-8c7d-1e2f3a4b5c6d';

  test('a Netdata agent body → 200, stored with source netdata; $ip, $host and api_key are not', async () => {
    const h = setup();
    const body = JSON.parse(fixture('netdata-agent-meta-posthog.json')) as {
      api_key: string;
      properties: Record<string, unknown>;
    };
    body.properties.$ip = '198.51.100.23';
    const res = await h.post('/compat/netdata', body);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const stored = onlyEvent(h);
    expect(stored).toMatchObject({
      source: 'netdata',
      type: 'heartbeat',
      install: hmac(NETDATA_ID),
      day: TODAY,
      product: { version: '1.33.1', channel: 'nightly' },
      platform: { os: 'ubuntu', arch: 'aarch64', container: 'docker' },
    });
    const text = h.storedText();
    expect(text).not.toContain('198.51.100.23');
    expect(text).not.toContain('backend.netdata.io');
    expect(text).not.toContain(body.api_key);
    expect(text).not.toContain(NETDATA_ID);
  });

  test('a Netdata body without a usable id is counted without identity', async () => {
    const h = setup();
    const res = await h.send(
      fakeRequest({ path: '/compat/netdata', body: fixture('netdata-agent-zero-guid.json') }),
    );
    expect(res.statusCode).toBe(200);
    expect(onlyEvent(h)).toMatchObject({ install: null, source: 'netdata', type: 'heartbeat' });
  });

  test('a Netdata body that is not Netdata → 400 with the error shape', async () => {
    const h = setup();
    const res = await h.post('/compat/netdata', { properties: {} });
    expectErrorBody(res, 400, 'invalid_body');
    expectNothingStored(h);
  });

  test('a LibreNMS data= form → 200, one report stored; clear.php erases that uuid', async () => {
    const h = setup();
    await h.post('/v1/events', heartbeat());
    const res = await h.send(
      formRequest('/compat/librenms/log.php', fixture('librenms-daily.form').trim()),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const report = h.events().find((e) => e.source === 'librenms');
    expect(report).toMatchObject({ type: 'report', install: hmac(LIBRENMS_UUID), day: TODAY });
    expect(report?.counters).toMatchObject({ 'os.linux': 30, 'type.server': 30 });
    expect(h.storedText()).not.toContain(LIBRENMS_UUID);

    const cleared = await h.send(
      formRequest('/compat/librenms/clear.php', fixture('librenms-clear.form').trim()),
    );
    expect(cleared.statusCode).toBe(200);
    expect(cleared.body).toEqual({ erased: true });
    expect(h.events().map((e) => e.source)).toEqual(['v1']);
  });

  test('LibreNMS clear.php with an empty body (an install that never submitted) → 200, nothing erased', async () => {
    const h = setup();
    await h.send(formRequest('/compat/librenms/log.php', fixture('librenms-daily.form').trim()));
    const before = h.storedText();
    const res = await h.send(formRequest('/compat/librenms/clear.php', ''));
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ erased: true });
    expect(h.storedText()).toBe(before);
  });

  test.each([
    ['an empty uuid', 'uuid='],
    ['another field', 'id=9b2f6c1e'],
    ['a line break', '\n'],
    ['a uuid with a space', 'uuid=a+b'],
  ])('LibreNMS clear.php with %s → 400 with the error shape', async (_name, body) => {
    const h = setup();
    const res = await h.send(formRequest('/compat/librenms/clear.php', body));
    expectErrorBody(res, 400, 'invalid_body');
  });

  test('LibreNMS endpoints want a form body', async () => {
    const h = setup();
    const res = await h.post('/compat/librenms/log.php', { data: {} });
    expectErrorBody(res, 415, 'unsupported_media_type');
    const missing = await h.send(formRequest('/compat/librenms/clear.php', { id: 'x' }));
    expectErrorBody(missing, 400, 'invalid_body');
    const broken = await h.send(formRequest('/compat/librenms/log.php', { data: '{oops' }));
    expectErrorBody(broken, 400, 'invalid_body');
    const polluted = await h.send(formRequest('/compat/librenms/log.php', '__proto__=1&data=1'));
    expectErrorBody(polluted, 400, 'bad_request');
    expectNothingStored(h);
  });

  test('a Clean Insights body → 204 with an empty body, stored without identity', async () => {
    const h = setup();
    const res = await h.send(
      fakeRequest({
        path: '/compat/cleaninsights.php',
        body: fixture('cleaninsights-heartbeat.json'),
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(res.body).toBeUndefined();
    expect(res.ending).not.toBe('json');
    const stored = onlyEvent(h);
    expect(stored).toMatchObject({
      install: null,
      source: 'cleaninsights',
      type: 'heartbeat',
      day: TODAY,
      product: { version: '23.0.0', installMethod: 'ansible-openwisp2' },
    });
    // OpenWISP resends the identical body after a 5xx or a timeout: stored once. Another body
    // (another send time) is another report.
    await h.send(
      fakeRequest({
        path: '/compat/cleaninsights.php',
        body: fixture('cleaninsights-heartbeat.json'),
      }),
    );
    expect(h.store.events.size).toBe(1);
    const later = fixture('cleaninsights-heartbeat.json').replaceAll('1717200000', '1717203600');
    await h.send(fakeRequest({ path: '/compat/cleaninsights.php', body: later }));
    expect(h.store.events.size).toBe(2);
  });

  test('a bad Clean Insights body → 400 with the error shape', async () => {
    const h = setup();
    const res = await h.post('/compat/cleaninsights.php', { idsite: 5 });
    expectErrorBody(res, 400, 'invalid_body');
    expectNothingStored(h);
  });
});

test('scrubbing end to end: addresses, e-mail and user names never reach storage', async () => {
  const h = setup();
  const res = await h.post(
    '/v1/events',
    heartbeat({
      type: 'crash',
      failure: {
        message: 'connect to 10.1.2.3 failed for alice@example.com in /home/alice/x',
        program: 'agent',
      },
    }),
  );
  expect(res.statusCode).toBe(202);
  const stored = onlyEvent(h);
  const message = stored.failure?.message ?? '';
  expect(message).toMatch(/^connect to .+ failed for .+ in \/home\/.+\/x$/);
  for (const leaked of ['10.1.2.3', 'alice@example.com', 'example.com', 'alice']) {
    expect(h.storedText()).not.toContain(leaked);
  }
});

describe('GET /v1/openapi.json', () => {
  test('answers 200 with the OpenAPI document', async () => {
    const h = setup();
    const res = await h.send(fakeRequest({ method: 'GET', path: '/v1/openapi.json' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual(OPEN_API);
  });

  test('POST → 405 with Allow: GET', async () => {
    const h = setup();
    const res = await h.post('/v1/openapi.json', {});
    expectErrorBody(res, 405, 'method_not_allowed');
    expect(res.header('Allow')).toBe('GET');
  });
});
