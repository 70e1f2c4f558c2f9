// The browser's refresh and range loading, with fetch faked: which range is asked for, and when
// the built page must stay as it is (failures, stale caches, overlapping clicks).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { emptySections } from '../../support/day-fixture.ts';

type FreshDays = typeof import('../../../site/src/lib/fresh-days.ts');

function day(date: string): DayAggregate {
  return {
    day: date,
    final: true,
    activeInstalls: { d1: 1, d7: 1, d28: 1 },
    newInstalls: 0,
    optOuts: 0,
    events: {},
    ...emptySections(),
    run: { computedAt: `${date}T03:00:00.000Z`, documentsRead: 0, documentsWritten: 1 },
  };
}

const answer = (days: DayAggregate[]) =>
  new Response(JSON.stringify({ days }), { headers: { 'content-type': 'application/json' } });

let fresh: FreshDays;
const fetchMock = vi.fn<typeof fetch>();

beforeEach(async () => {
  // The module keeps the page's state (listeners, cache): a fresh copy per test.
  vi.resetModules();
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  fresh = await import('../../../site/src/lib/fresh-days.ts');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loadRange', () => {
  test('asks the named range with only the fields the page needs, and hands the days on', async () => {
    fetchMock.mockResolvedValue(answer([day('2026-11-22'), day('2026-11-21')]));
    fresh.setNeeds([{ range: ['activeInstalls', 'events'], reference: [] }]);
    const seen: [string[], string][] = [];
    fresh.onData((data, range) => seen.push([data.days.map((d) => d.day), range]));
    expect(await fresh.loadRange('30d', '2026-11-21')).toBe(true);
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      '/api/v1/days?range=30d&fields=activeInstalls,anomaly,events,run',
    ]);
    expect(seen).toEqual([[['2026-11-21', '2026-11-22'], '30d']]);
    expect(fresh.shownRange()).toBe('30d');
    // A listener that arrives later gets the data shown at once.
    const late: string[] = [];
    fresh.onData((_data, range) => late.push(range));
    expect(late).toEqual(['30d']);
  });

  test('a page with distributions also asks for the latest final day, and gets it apart', async () => {
    const latest = {
      day: '2026-11-21',
      final: true,
      breakdowns: { os: [] },
      activeInstalls: { d1: 1, d7: 1, d28: 1 },
    };
    fetchMock.mockImplementation(async (url) =>
      String(url).startsWith('/api/v1/latest')
        ? new Response(JSON.stringify(latest))
        : answer([day('2026-11-21'), day('2026-11-22')]),
    );
    fresh.setNeeds([{ range: [], reference: ['breakdowns.os', 'activeInstalls'] }]);
    const seen: unknown[] = [];
    fresh.onData((data) => seen.push(data.reference));
    expect(await fresh.loadRange('90d', '2026-11-21')).toBe(true);
    expect(fetchMock.mock.calls.map((c) => c[0]).sort()).toEqual([
      '/api/v1/days?range=90d&fields=anomaly,run',
      '/api/v1/latest?fields=activeInstalls,breakdowns.os',
    ]);
    expect(seen).toEqual([latest]);
  });

  test('without the latest day (none final yet) the range still shows, without a reference', async () => {
    fetchMock.mockImplementation(async (url) =>
      String(url).startsWith('/api/v1/latest')
        ? new Response('{"error": {}}', { status: 404 })
        : answer([day('2026-11-22')]),
    );
    fresh.setNeeds([{ range: [], reference: ['breakdowns.os'] }]);
    const seen: unknown[] = [];
    fresh.onData((data) => seen.push(data.reference));
    expect(await fresh.loadRange('90d', '2026-11-22')).toBe(true);
    expect(seen).toEqual([undefined]);
  });

  test('a range loaded before comes from memory', async () => {
    fetchMock.mockImplementation(async () => answer([day('2026-11-22')]));
    await fresh.loadRange('1y', '2026-11-22');
    await fresh.loadRange('30d', '2026-11-22');
    expect(await fresh.loadRange('1y', '2026-11-22')).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fresh.shownRange()).toBe('1y');
  });

  test.each([
    ['the API fails', () => Promise.resolve(new Response('{}', { status: 503 }))],
    ['the network fails', () => Promise.reject(new TypeError('offline'))],
    ['the range has no days', () => Promise.resolve(answer([]))],
    ['the answer is malformed', () => Promise.resolve(new Response('{"days": [{"day": 1}]}'))],
    [
      'a day misses final',
      () => Promise.resolve(new Response('{"days": [{"day": "2026-11-22"}]}')),
    ],
    ['the answer is older than the built page', () => Promise.resolve(answer([day('2026-11-20')]))],
  ])('nothing changes when %s', async (_name, reply) => {
    fetchMock.mockImplementation(reply);
    const listener = vi.fn();
    fresh.onData(listener);
    expect(await fresh.loadRange('90d', '2026-11-21')).toBe(false);
    expect(listener).not.toHaveBeenCalled();
    expect(fresh.shownRange()).toBeNull();
  });

  test('of two overlapping loads only the later one is shown', async () => {
    let releaseSlow: (r: Response) => void = () => {};
    fetchMock
      .mockImplementationOnce(() => new Promise((resolve) => (releaseSlow = resolve)))
      .mockImplementationOnce(async () => answer([day('2026-11-22')]));
    const shown: string[] = [];
    fresh.onData((_data, range) => shown.push(range));
    const slow = fresh.loadRange('all', '2026-11-22');
    const quick = fresh.loadRange('30d', '2026-11-22');
    expect(await quick).toBe(true);
    releaseSlow(answer([day('2026-11-22')]));
    expect(await slow).toBe(false);
    expect(shown).toEqual(['30d']);
  });

  test('a broken listener does not keep the others from updating', async () => {
    fetchMock.mockResolvedValue(answer([day('2026-11-22')]));
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    fresh.onData(() => {
      throw new Error('broken widget');
    });
    fresh.onData(good);
    await fresh.loadRange('90d', '2026-11-22');
    expect(good).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe('mergeDays', () => {
  test('joins the fields of several answers by day, breakdowns and reliability part by part', () => {
    const merged = fresh.mergeDays([
      [
        { day: '2026-11-21', final: true, run: day('2026-11-21').run, breakdowns: { version: [] } },
        { day: '2026-11-22', final: false, upgrades: [] },
      ],
      [
        { day: '2026-11-22', final: false, reliability: { versions: [] } },
        {
          day: '2026-11-21',
          final: true,
          breakdowns: { os: [] },
          reliability: { topFailures: [] },
        },
      ],
    ]);
    expect(merged).toEqual([
      {
        day: '2026-11-21',
        final: true,
        run: day('2026-11-21').run,
        breakdowns: { version: [], os: [] },
        reliability: { topFailures: [] },
      },
      { day: '2026-11-22', final: false, upgrades: [], reliability: { versions: [] } },
    ]);
  });
});
