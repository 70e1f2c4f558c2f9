// Counters and bucketed attributes through the real pipeline (prepareEvent → aggregateRange →
// the stats handler): what the JSON, the `top` fold and the CSV publish for a small fleet, with
// the k rule applied as the aggregation does it (groups and values under k folded, "other"
// itself backed by k installs), and numbers counted in their buckets before that rule.
import { beforeAll, describe, expect, test } from 'vitest';
import type { CounterGroup } from '../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../shared/config.ts';
import { dayRange } from '../../shared/dates.ts';
import { aggregateRange } from '../../functions/src/aggregate/job.ts';
import type { IncomingEvent } from '../../functions/src/ingest/incoming.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { createStatsHandler } from '../../functions/src/stats/handler.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/store/types.ts';
import { fakeClock, fakeRequest, FakeResponse, recordingLogger } from '../support/http-fakes.ts';

const SECRET = 'stats-counters-secret';
const config: DeploymentConfig = deploymentConfig;
const AGGREGATED_AT = '2026-11-20T00:15:00Z';
const NOW = '2026-11-20T09:00:00Z';

/*
 * The fleet, 2026-11-01 … 2026-11-10, one report a day per install:
 *   C1..C7  os.linux = 10·n devices, os.ios = n devices; C1, C2 also os.junos = 3.
 *           junos (2 installs) is under k = 5, so the smallest published value (ios: 7 installs,
 *           28 devices) is folded with it into "other" (7 installs, 34 devices).
 *   C1..C3  ports.eth = 100: only 3 installs report the group, so it is not published.
 *   cores:  C1..C5 report 12, 13, 14, 15, 9 (each value alone under k; together "8–15");
 *           C6, C7 report 2 (under k: "other").
 */
function fleet(): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const day of dayRange('2026-11-01', '2026-11-10')) {
    for (const n of [1, 2, 3, 4, 5, 6, 7]) {
      const counters: Record<string, number> = { 'os.linux': 10 * n, 'os.ios': n };
      if (n <= 2) counters['os.junos'] = 3;
      if (n <= 3) counters['ports.eth'] = 100;
      const incoming: IncomingEvent = {
        installId: `stats-counters-C${n}`,
        type: 'report',
        eventId: `${day}-${n}`,
        product: { version: '24.1.0' },
        counters,
        attributes: { cpu_cores: [12, 13, 14, 15, 9, 2, 2][n - 1] as number },
      };
      const prepared = prepareEvent(incoming, [], {
        secret: SECRET,
        now: Date.parse(`${day}T12:00:00Z`) + n,
        config,
        source: 'v1',
      });
      if (!prepared.ok) throw new Error(prepared.issue.message);
      events.push(prepared.event);
    }
  }
  return events;
}

let get: (path: string, query?: Record<string, unknown>) => Promise<FakeResponse>;

beforeAll(async () => {
  const store = new MemoryStore();
  await store.saveEvents(fleet());
  await aggregateRange(
    { store, clock: fakeClock(AGGREGATED_AT).now, config },
    '2026-11-01',
    '2026-11-10',
  );
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
    // "ports" has 3 installs: not published at all, and no trace of its sum.
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

  test('numbers count in their buckets before the k rule', async () => {
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
