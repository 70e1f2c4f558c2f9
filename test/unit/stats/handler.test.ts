// The `stats` handler as a browser or CDN sees it: `GET /api/v1/days` ranges, errors and caching.
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { addDays, dayRange } from '../../../shared/dates.ts';
import { createStatsHandler } from '../../../functions/src/stats/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { emptySections } from '../../support/day-fixture.ts';
import {
  expectErrorBody,
  fakeClock,
  fakeRequest,
  FakeResponse,
  recordingLogger,
} from '../../support/http-fakes.ts';

const NOW = '2026-03-10T08:30:00.000Z';

function aggregateOf(day: string, n: number): DayAggregate {
  return {
    day,
    final: true,
    activeInstalls: { d1: n, d7: n + 1, d28: n + 2 },
    newInstalls: 1,
    optOuts: 0,
    events: { heartbeat: n },
    ...emptySections(),
    run: { computedAt: '2026-03-10T00:15:00.000Z', documentsRead: 3, documentsWritten: 2 },
  };
}

async function setup(maxAnswerBytes?: number) {
  const store = new MemoryStore();
  // Stored days from well before the default window to a few days after today.
  await store.writeDays(dayRange('2025-10-01', '2026-03-14').map((d, i) => aggregateOf(d, i)));
  const logger = recordingLogger();
  const handler = createStatsHandler({
    store,
    clock: fakeClock(NOW).now,
    log: logger.log,
    ...(maxAnswerBytes === undefined ? {} : { maxAnswerBytes }),
  });
  const get = async (
    query: Record<string, unknown> = {},
    method = 'GET',
    path = '/api/v1/days',
  ) => {
    const res = new FakeResponse();
    await handler(fakeRequest({ method, path, query }), res);
    expect(res.ending).toBeDefined();
    return res;
  };
  const days = (res: FakeResponse) => (res.body as { days: DayAggregate[] }).days;
  return { store, logger, get, days };
}

describe('GET /api/v1/days', () => {
  test('without a range answers the 90 days ending today, in order', async () => {
    const { get, days } = await setup();
    const res = await get();
    expect(res.statusCode).toBe(200);
    const list = days(res);
    expect(list).toHaveLength(90);
    // 2026-03-10 minus 89 days: 9 days to 03-01, 28 in February, 31 in January, 21 in December.
    expect(list[0]?.day).toBe('2025-12-11');
    expect(list.at(-1)?.day).toBe('2026-03-10');
    expect(list.map((d) => d.day)).toEqual(dayRange('2025-12-11', '2026-03-10'));
  });

  test('an explicit range answers exactly those days, both included', async () => {
    const { get, days } = await setup();
    const res = await get({ from: '2026-01-28', to: '2026-02-03' });
    expect(res.statusCode).toBe(200);
    expect(days(res).map((d) => d.day)).toEqual([
      '2026-01-28',
      '2026-01-29',
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02',
      '2026-02-03',
    ]);
    expect(days(res)[0]).toEqual(aggregateOf('2026-01-28', 119));
  });

  test('a single day and days with no aggregate', async () => {
    const { get, days } = await setup();
    expect(days(await get({ from: '2026-02-01', to: '2026-02-01' })).map((d) => d.day)).toEqual([
      '2026-02-01',
    ]);
    const empty = await get({ from: '2020-01-01', to: '2020-01-31' });
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toEqual({ days: [] });
  });

  test('only to: the 90 days ending on it; only from: from it to today', async () => {
    const { get, days } = await setup();
    const onlyTo = days(await get({ to: '2026-01-31' }));
    expect(onlyTo).toHaveLength(90);
    expect(onlyTo[0]?.day).toBe(addDays('2026-01-31', -89));
    expect(onlyTo.at(-1)?.day).toBe('2026-01-31');
    const onlyFrom = days(await get({ from: '2026-03-01' }));
    expect(onlyFrom.map((d) => d.day)).toEqual(dayRange('2026-03-01', '2026-03-10'));
  });

  test.each([
    ['30d', 30, '2026-02-09'],
    ['90d', 90, '2025-12-11'],
    ['1y', 161, '2025-10-01'],
    ['all', 161, '2025-10-01'],
  ])('range=%s answers the named range ending today', async (range, count, first) => {
    const { get, days } = await setup();
    const list = days(await get({ range }));
    expect(list).toHaveLength(count);
    expect(list[0]?.day).toBe(first);
    expect(list.at(-1)?.day).toBe('2026-03-10');
  });

  test('fields= answers day, final and the fields asked for, nothing else', async () => {
    const { get, days } = await setup();
    const res = await get({ range: '30d', fields: 'events,activeInstalls' });
    expect(res.statusCode).toBe(200);
    const [first] = days(res);
    expect(first).toStrictEqual({
      day: '2026-02-09',
      final: true,
      activeInstalls: aggregateOf('2026-02-09', 131).activeInstalls,
      events: { heartbeat: 131 },
    });
    const res2 = await get({ range: '30d', fields: 'breakdowns.version' });
    expect(days(res2)[0]).toStrictEqual({ day: '2026-02-09', final: true, breakdowns: {} });
  });

  test('top= folds each breakdown to its top values over the range, the rest in other', async () => {
    const store = new MemoryStore();
    const day = (d: string, counts: Record<string, number>) => ({
      ...aggregateOf(d, 1),
      breakdowns: {
        version: Object.entries(counts).map(([value, installs]) => ({ value, installs })),
      },
    });
    await store.writeDays([
      day('2026-03-09', { '1.0': 50, '1.1': 30, '1.2': 5, unknown: 7, other: 6 }),
      day('2026-03-10', { '1.0': 20, '1.1': 40, '1.2': 9 }),
    ]);
    const handler = createStatsHandler({ store, clock: fakeClock(NOW).now, log: () => {} });
    const res = new FakeResponse();
    await handler(
      fakeRequest({
        method: 'GET',
        path: '/api/v1/days',
        query: { range: '30d', fields: 'breakdowns.version', top: '2' },
      }),
      res,
    );
    const list = (res.body as { days: DayAggregate[] }).days;
    expect(list.map((d) => d.breakdowns.version)).toEqual([
      [
        { value: '1.0', installs: 50 },
        { value: '1.1', installs: 30 },
        { value: 'unknown', installs: 7 },
        { value: 'other', installs: 11 },
      ],
      [
        { value: '1.0', installs: 20 },
        { value: '1.1', installs: 40 },
        { value: 'other', installs: 9 },
      ],
    ]);
  });

  test('/api/v1/latest?fields= answers the newest final day with those fields', async () => {
    const { get } = await setup();
    const res = await get({ fields: 'newInstalls' }, 'GET', '/api/v1/latest');
    expect(res.statusCode).toBe(200);
    expect(res.body).toStrictEqual({ day: '2026-03-10', final: true, newInstalls: 1 });
    expect(res.header('Cache-Control')).toBe('public, max-age=300, s-maxage=3600');
  });

  test('sets a Cache-Control a CDN may use and CORS *', async () => {
    const { get } = await setup();
    const res = await get({ from: '2026-01-01', to: '2026-01-02' });
    // Browsers reuse an answer for 5 minutes, the CDN for an hour (issue 4).
    expect(res.header('Cache-Control')).toBe('public, max-age=300, s-maxage=3600');
    expect(res.header('Access-Control-Allow-Origin')).toBe('*');
    expect(res.header('Content-Type')).toMatch(/^application\/json/);
  });

  test('never answers a pseudonym or raw event', async () => {
    const { store, get } = await setup();
    await store.writePages([
      {
        day: '2026-03-01',
        bucket: 'ff',
        part: 0,
        parts: 1,
        run: 'r',
        events: 1,
        keys: 'f'.repeat(16),
        snaps: '0',
        snapshots: ['{}'],
        local: '{}',
      },
    ]);
    const res = await get();
    expect(JSON.stringify(res.body)).not.toContain('f'.repeat(16));
  });

  const badRanges: [string, Record<string, unknown>][] = [
    ['a reversed range', { from: '2026-02-10', to: '2026-02-01' }],
    ['from after the default to', { from: '2026-04-01' }],
    ['2026-02-30', { from: '2026-02-30', to: '2026-03-01' }],
    ['a to of 2025-13-01', { to: '2025-13-01' }],
    ['"yesterday"', { from: 'yesterday' }],
    ['a day without zero padding', { from: '2026-2-1', to: '2026-02-10' }],
    ['a timestamp', { from: '2026-02-01T00:00:00Z' }],
    ['an empty value', { from: '' }],
    ['a repeated parameter', { from: ['2026-02-01', '2026-02-02'] }],
    ['more than 3 years', { from: '2022-01-01', to: '2026-01-01' }],
    ['an unknown named range', { range: '2y' }],
    ['a named range with from', { range: '30d', from: '2026-02-01' }],
    ['a repeated range', { range: ['30d', '90d'] }],
    ['an unknown field', { fields: 'activeInstalls,installs' }],
    ['a field path into a breakdown value', { fields: 'breakdowns.version.1' }],
    ['an unknown reliability part', { fields: 'reliability.crashes' }],
    [
      'too many fields',
      { fields: Array.from({ length: 41 }, (_, i) => `breakdowns.b${i}`).join(',') },
    ],
    ['top of 0', { top: '0' }],
    ['top of 51', { top: '51' }],
    ['top that is not a number', { top: 'five' }],
  ];

  test.each(badRanges)('%s → 400 with the error shape', async (_name, query) => {
    const { get, logger } = await setup();
    const res = await get(query);
    expectErrorBody(res, 400, 'bad_request');
    expect(logger.lines.map((l) => l.fields.status)).toEqual([400]);
  });

  test('exactly three years is accepted', async () => {
    const { get } = await setup();
    // 2023-01-01 .. 2026-01-01 spans 3 × 365 + 1 = 1096 days.
    const res = await get({ from: '2023-01-01', to: '2026-01-01' });
    expect(res.statusCode).toBe(200);
  });

  test('an answer over the size limit → 413 naming its size and how to ask; fewer fields fit', async () => {
    // The whole 90 days are about 38 KB of JSON here; the limit stands in for Cloud Functions' 32 MiB.
    const { get, days } = await setup(20_000);
    const whole = await get({ range: '90d' });
    expectErrorBody(whole, 413, 'answer_too_large');
    const message = (whole.body as { error: { message: string } }).error.message;
    expect(message).toMatch(/would be \d\d KiB, over the 20 KiB/);
    expect(message).toMatch(/fields=/);
    expect(whole.header('Cache-Control') ?? '').not.toMatch(/max-age=[1-9]/);
    const slim = await get({ range: '90d', fields: 'activeInstalls' });
    expect(slim.statusCode).toBe(200);
    expect(days(slim)).toHaveLength(90);
    // The CSV of 161 days is about 10 KB, of 30 days 2 KB.
    const small = await setup(5_000);
    const csv = await small.get(
      { from: '2025-10-01', to: '2026-03-10' },
      'GET',
      '/api/v1/days.csv',
    );
    expectErrorBody(csv, 413, 'answer_too_large');
    expect((csv.body as { error: { message: string } }).error.message).toMatch(/shorter range/);
    const shortCsv = await small.get({ range: '30d' }, 'GET', '/api/v1/days.csv');
    expect(shortCsv.statusCode).toBe(200);
  });

  test.each(['POST', 'PUT', 'DELETE'])('%s → 405 with Allow', async (method) => {
    const { get } = await setup();
    const res = await get({}, method);
    expectErrorBody(res, 405, 'method_not_allowed');
    expect(res.header('Allow')).toMatch(/GET/);
    // A browser reading the error needs CORS too.
    expect(res.header('Access-Control-Allow-Origin')).toBe('*');
  });

  test('an unknown path → 404 and is logged as (unknown)', async () => {
    const { get, logger } = await setup();
    const res = await get({}, 'GET', '/api/v1/installs');
    expectErrorBody(res, 404, 'not_found');
    expect(logger.lines.map((l) => l.fields.path)).toEqual(['(unknown)']);
  });

  test('a store failure → 503 with Retry-After, not cached', async () => {
    const { store, get, logger } = await setup();
    store.failWith = new Error('unavailable');
    const res = await get();
    expectErrorBody(res, 503, 'unavailable');
    expect(Number(res.header('Retry-After'))).toBeGreaterThan(0);
    expect(res.header('Cache-Control') ?? '').not.toMatch(/max-age=[1-9]/);
    // First why (the store's error), then the request line.
    expect(logger.lines.map((l) => [l.severity, l.message, l.fields.status])).toEqual([
      ['ERROR', 'stats store failure', undefined],
      ['ERROR', 'stats request', 503],
    ]);
    expect(logger.lines[0]?.fields.reason).toBe('Error: unavailable');
  });
});
