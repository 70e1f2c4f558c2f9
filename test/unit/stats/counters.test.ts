// Counters through the stats handler: what the JSON, the `top` fold and the CSV serve of the
// counter groups the days published. The days are stored as the aggregation publishes them (the
// publication module decides which groups and values appear, with noise: its own tests cover
// that, test/unit/privacy/publication/); here the numbers are fixed so the serving is checked exactly.
import { beforeAll, describe, expect, test } from 'vitest';
import type { CounterGroup, DayAggregate } from '../../../shared/aggregate.ts';
import { dayRange } from '../../../shared/dates.ts';
import { createStatsHandler } from '../../../functions/src/stats/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { emptySections } from '../../support/day-fixture.ts';
import { fakeClock, fakeRequest, FakeResponse, recordingLogger } from '../../support/http-fakes.ts';

const NOW = '2026-11-20T09:00:00Z';

/** A published day with the counter group OS (and cores in buckets), as the aggregation stores it. */
function day(d: string): DayAggregate {
  return {
    day: d,
    final: true,
    activeInstalls: { d1: 7, d7: 7, d28: 7 },
    newInstalls: 0,
    optOuts: 0,
    events: { report: 7 },
    ...emptySections(),
    breakdowns: {
      'attribute.cpu_cores': [
        { value: '8–15', installs: 5 },
        { value: 'other', installs: 2 },
      ],
    },
    counters: [OS],
    run: { computedAt: '2026-11-20T00:15:00.000Z', documentsRead: 0, documentsWritten: 0 },
  };
}

let get: (path: string, query?: Record<string, unknown>) => Promise<FakeResponse>;

beforeAll(async () => {
  const store = new MemoryStore();
  await store.writeDays(dayRange('2026-11-01', '2026-11-10').map(day));
  const handler = createStatsHandler({
    store,
    clock: fakeClock(NOW).now,
    log: recordingLogger().log,
  });
  get = async (path, query = {}) => {
    const res = new FakeResponse();
    await handler(fakeRequest({ method: 'GET', path, query }), res);
    return res;
  };
});

const OS: CounterGroup = {
  group: 'os',
  installs: 7,
  sum: 314,
  values: [
    { value: 'linux', installs: 7, sum: 280 },
    { value: 'other', installs: 7, sum: 34 },
  ],
};

describe('counters in the JSON API', () => {
  test('a day publishes the group with its total, its installs and each value with both', async () => {
    const res = await get('/api/v1/days', {
      from: '2026-11-05',
      to: '2026-11-05',
      fields: 'counters',
    });
    expect(res.statusCode).toBe(200);
    const { days } = res.body as { days: { counters: CounterGroup[] }[] };
    expect(days[0]?.counters).toEqual([OS]);
  });

  test('top=1 keeps the value with the largest sum; the group still totals every value', async () => {
    const res = await get('/api/v1/days', {
      from: '2026-11-01',
      to: '2026-11-10',
      fields: 'counters',
      top: '1',
    });
    const { days } = res.body as { days: { counters: CounterGroup[] }[] };
    expect(days).toHaveLength(10);
    for (const day of days)
      expect(day.counters).toEqual([
        { ...OS, values: [{ value: 'linux', installs: 7, sum: 280 }] },
      ]);
  });

  test('bucketed numbers are served under their bucket labels', async () => {
    const res = await get('/api/v1/latest', { fields: 'breakdowns.attribute.cpu_cores' });
    const { breakdowns } = res.body as { breakdowns: Record<string, unknown> };
    expect(breakdowns['attribute.cpu_cores']).toEqual([
      { value: '8–15', installs: 5 },
      { value: 'other', installs: 2 },
    ]);
  });
});

describe('counters in the CSV', () => {
  test('per group its sum and installs, per value its sum and installs, by day', async () => {
    const res = await get('/api/v1/days.csv', { from: '2026-11-01', to: '2026-11-10' });
    expect(res.statusCode).toBe(200);
    const [header = [], ...rows] = (res.body as string)
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    const counterColumns = header.filter((h) => h.startsWith('counter:'));
    expect(counterColumns).toEqual([
      'counter:os:installs',
      'counter:os:sum',
      'counter:os.linux:installs',
      'counter:os.linux:sum',
      'counter:os.other:installs',
      'counter:os.other:sum',
    ]);
    expect(rows.map((r) => r[0])).toEqual(dayRange('2026-11-01', '2026-11-10'));
    for (const row of rows) {
      const record = Object.fromEntries(header.map((h, i) => [h, row[i]]));
      expect(record).toMatchObject({
        'counter:os:sum': '314',
        'counter:os:installs': '7',
        'counter:os.linux:sum': '280',
        'counter:os.linux:installs': '7',
        'counter:os.other:sum': '34',
        'counter:os.other:installs': '7',
      });
    }
  });
});
