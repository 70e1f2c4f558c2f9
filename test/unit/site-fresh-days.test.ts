// The browser's refresh and range loading, with fetch faked: which range is asked for, and when
// the built page must stay as it is (failures, stale caches, overlapping clicks).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { emptySections } from '../support/day-fixture.ts';

type FreshDays = typeof import('../../site/src/lib/fresh-days.ts');

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
  fresh = await import('../../site/src/lib/fresh-days.ts');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loadRange', () => {
  test('asks the API for the range ending today and hands the days to every listener', async () => {
    fetchMock.mockResolvedValue(answer([day('2026-11-22'), day('2026-11-21')]));
    const seen: [string[], string][] = [];
    fresh.onDays((days, range) => seen.push([days.map((d) => d.day), range]));
    expect(await fresh.loadRange('30d', '2026-11-21', '2026-11-22')).toBe(true);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/v1/days?from=2026-10-24&to=2026-11-22');
    expect(seen).toEqual([[['2026-11-21', '2026-11-22'], '30d']]);
    expect(fresh.shownRange()).toBe('30d');
    // A listener that arrives later gets the days shown at once.
    const late: string[] = [];
    fresh.onDays((_days, range) => late.push(range));
    expect(late).toEqual(['30d']);
  });

  test('a range loaded before comes from memory', async () => {
    fetchMock.mockImplementation(async () => answer([day('2026-11-22')]));
    await fresh.loadRange('1y', '2026-11-22', '2026-11-22');
    await fresh.loadRange('30d', '2026-11-22', '2026-11-22');
    expect(await fresh.loadRange('1y', '2026-11-22', '2026-11-22')).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(fresh.shownRange()).toBe('1y');
  });

  test.each([
    ['the API fails', () => Promise.resolve(new Response('{}', { status: 503 }))],
    ['the network fails', () => Promise.reject(new TypeError('offline'))],
    ['the range has no days', () => Promise.resolve(answer([]))],
    ['the answer is malformed', () => Promise.resolve(new Response('{"days": [{"day": 1}]}'))],
    ['the answer is older than the built page', () => Promise.resolve(answer([day('2026-11-20')]))],
  ])('nothing changes when %s', async (_name, reply) => {
    fetchMock.mockImplementation(reply);
    const listener = vi.fn();
    fresh.onDays(listener);
    expect(await fresh.loadRange('90d', '2026-11-21', '2026-11-22')).toBe(false);
    expect(listener).not.toHaveBeenCalled();
    expect(fresh.shownRange()).toBeNull();
  });

  test('of two overlapping loads only the later one is shown', async () => {
    let releaseSlow: (r: Response) => void = () => {};
    fetchMock
      .mockImplementationOnce(() => new Promise((resolve) => (releaseSlow = resolve)))
      .mockImplementationOnce(async () => answer([day('2026-11-22')]));
    const shown: string[] = [];
    fresh.onDays((_days, range) => shown.push(range));
    const slow = fresh.loadRange('all', '2026-11-22', '2026-11-22');
    const quick = fresh.loadRange('30d', '2026-11-22', '2026-11-22');
    expect(await quick).toBe(true);
    releaseSlow(answer([day('2026-11-22')]));
    expect(await slow).toBe(false);
    expect(shown).toEqual(['30d']);
  });

  test('a broken listener does not keep the others from updating', async () => {
    fetchMock.mockResolvedValue(answer([day('2026-11-22')]));
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    fresh.onDays(() => {
      throw new Error('broken widget');
    });
    fresh.onDays(good);
    await fresh.loadRange('90d', '2026-11-22', '2026-11-22');
    expect(good).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
