// The numbers the public site prints and draws: series with gaps, headlines, table rows.
import { emptySections } from '../../support/day-fixture.ts';
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { addDays } from '../../../shared/dates.ts';
import {
  METRICS,
  asOf,
  asOfText,
  formatChange,
  formatCount,
  formatShortDay,
  headline,
  overviewFigures,
  parseDaysResponse,
  toChartData,
  toSeries,
  windowTotal,
} from '../../../site/src/lib/series.ts';
import { buildFigure, describeFigure, pageDataOf } from '../../../site/src/lib/figures.ts';
import { daysInRange } from '../../../site/src/lib/range.ts';

interface DaySpec {
  d1?: number;
  d7?: number;
  d28?: number;
  newInstalls?: number;
  final?: boolean;
  computedAt?: string;
}

function aggregate(day: string, spec: DaySpec = {}): DayAggregate {
  const d1 = spec.d1 ?? 10;
  return {
    day,
    final: spec.final ?? true,
    activeInstalls: { d1, d7: spec.d7 ?? d1 * 2, d28: spec.d28 ?? d1 * 3 },
    newInstalls: spec.newInstalls ?? 1,
    optOuts: 0,
    events: { heartbeat: d1 },
    ...emptySections(),
    run: {
      computedAt: spec.computedAt ?? `${addDays(day, 1)}T03:00:00.000Z`,
      documentsRead: 0,
      documentsWritten: 1,
    },
  };
}

/** `count` consecutive final days from `first`, d28 = start + step * i, newInstalls = i + 1. */
function run(first: string, count: number, start = 100, step = 10): DayAggregate[] {
  return Array.from({ length: count }, (_, i) =>
    aggregate(addDays(first, i), { d1: i, d28: start + step * i, newInstalls: i + 1 }),
  );
}

describe('toSeries', () => {
  const d1 = METRICS.activeD1.pick;

  test.each([
    { name: 'no days', days: [], labels: [], values: [] },
    {
      name: 'consecutive days',
      days: [aggregate('2026-11-01', { d1: 5 }), aggregate('2026-11-02', { d1: 7 })],
      labels: ['2026-11-01', '2026-11-02'],
      values: [5, 7],
    },
    {
      name: 'missing days become null, not zero',
      days: [aggregate('2026-11-01', { d1: 5 }), aggregate('2026-11-04', { d1: 9 })],
      labels: ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'],
      values: [5, null, null, 9],
    },
    {
      name: 'unsorted input comes out in day order',
      days: [
        aggregate('2026-11-03', { d1: 3 }),
        aggregate('2026-11-01', { d1: 1 }),
        aggregate('2026-11-02', { d1: 2 }),
      ],
      labels: ['2026-11-01', '2026-11-02', '2026-11-03'],
      values: [1, 2, 3],
    },
    {
      name: 'a zero stays a zero',
      days: [aggregate('2026-11-01', { d1: 0 })],
      labels: ['2026-11-01'],
      values: [0],
    },
    {
      name: 'of two aggregates for one day the later wins',
      days: [aggregate('2026-11-01', { d1: 4 }), aggregate('2026-11-01', { d1: 6 })],
      labels: ['2026-11-01'],
      values: [6],
    },
  ])('$name', ({ days, labels, values }) => {
    expect(toSeries(days, d1)).toEqual({ labels, values });
  });
});

describe('toChartData, and the figure and table built from it', () => {
  const days = [
    aggregate('2026-11-01', { d1: 1200, d7: 2300, d28: 3400 }),
    aggregate('2026-11-03', { d1: 1250, d7: 2350, d28: 3500 }),
  ];
  const data = toChartData(days, ['activeD1', 'activeD28']);
  const spec = { kind: 'metrics', metrics: ['activeD1', 'activeD28'], chart: 'line' } as const;

  test('one dataset per figure over the same days', () => {
    expect(data).toEqual({
      labels: ['2026-11-01', '2026-11-02', '2026-11-03'],
      datasets: [
        { key: 'activeD1', label: 'Active that day', values: [1200, null, 1250] },
        { key: 'activeD28', label: 'Active in 28 days', values: [3400, null, 3500] },
      ],
    });
  });

  test('table rows carry the same numbers, newest first, gaps said in words', () => {
    expect(buildFigure(spec, pageDataOf(days)).table.rows).toEqual([
      { label: '2026-11-03', cells: ['1,250', '3,500'] },
      { label: '2026-11-02', cells: ['no data', 'no data'] },
      { label: '2026-11-01', cells: ['1,200', '3,400'] },
    ]);
  });

  test('the text alternative names the range and the last values', () => {
    expect(describeFigure('Active installs per day', buildFigure(spec, pageDataOf(days)))).toBe(
      'Active installs per day, line chart from 2026-11-01 to 2026-11-03. On 2026-11-03: ' +
        'Active that day 1,250, Active in 28 days 3,500. The table lists every day.',
    );
    expect(describeFigure('New installs', buildFigure(spec, pageDataOf([])))).toBe(
      'New installs: no data in this range.',
    );
  });
});

describe('daysInRange', () => {
  const days = run('2026-01-01', 100);

  test.each([
    ['90d', 90, '2026-01-11', '2026-04-10'],
    ['30d', 30, '2026-03-12', '2026-04-10'],
    ['1y', 100, '2026-01-01', '2026-04-10'],
  ] as const)('%s: %i aggregates from %s to %s', (range, length, first, last) => {
    const window = daysInRange(days, range);
    expect(window).toHaveLength(length);
    expect(window[0]?.day).toBe(first);
    expect(window.at(-1)?.day).toBe(last);
  });

  test('the window is counted in days, not in aggregates', () => {
    const gappy = [aggregate('2025-12-01'), aggregate('2026-01-25'), aggregate('2026-01-30')];
    expect(daysInRange(gappy, '30d').map((d) => d.day)).toEqual(['2026-01-25', '2026-01-30']);
  });
});

describe('headline', () => {
  const d28 = METRICS.activeD28.pick;

  test.each([
    {
      name: 'change against 28 days earlier',
      days: run('2026-10-01', 40, 1000, 10),
      expected: {
        day: '2026-11-09',
        final: true,
        value: 1390,
        previousDay: '2026-10-12',
        previous: 1110,
        change: 280,
        changeRatio: 280 / 1110,
      },
    },
    {
      name: 'open days are skipped for the latest final day',
      days: [
        aggregate('2026-10-01', { d28: 800 }),
        aggregate('2026-10-29', { d28: 1000 }),
        aggregate('2026-10-30', { d28: 400, final: false }),
      ],
      expected: {
        day: '2026-10-29',
        final: true,
        value: 1000,
        previousDay: '2026-10-01',
        previous: 800,
        change: 200,
        changeRatio: 0.25,
      },
    },
    {
      name: 'no final day yet: the latest open day',
      days: [
        aggregate('2026-10-01', { d28: 7, final: false }),
        aggregate('2026-10-02', { d28: 9, final: false }),
      ],
      expected: {
        day: '2026-10-02',
        final: false,
        value: 9,
        previousDay: '2026-09-04',
        previous: null,
        change: null,
        changeRatio: null,
      },
    },
    {
      name: 'growth from zero has a change but no ratio',
      days: [aggregate('2026-10-01', { d28: 0 }), aggregate('2026-10-29', { d28: 12 })],
      expected: {
        day: '2026-10-29',
        final: true,
        value: 12,
        previousDay: '2026-10-01',
        previous: 0,
        change: 12,
        changeRatio: null,
      },
    },
  ])('$name', ({ days, expected }) => {
    expect(headline(days, d28, 28)).toEqual(expected);
  });

  test('no days, no headline', () => {
    expect(headline([], d28)).toBeNull();
  });

  test.each([
    [{ change: 280, changeRatio: 280 / 1110, previous: 1110 }, '+25.2% (+280) since 2026-10-12'],
    [{ change: -50, changeRatio: -0.05, previous: 1000 }, '-5% (-50) since 2026-10-12'],
    [{ change: 0, changeRatio: 0, previous: 1000 }, '0% (0) since 2026-10-12'],
    [{ change: 12, changeRatio: null, previous: 0 }, '+12 since 2026-10-12'],
    [
      { change: null, changeRatio: null, previous: null },
      'no figure for 2026-10-12 to compare with',
    ],
  ])('formatChange %o', (moved, expected) => {
    const base = { day: '2026-11-09', final: true, value: 1390, previousDay: '2026-10-12' };
    expect(formatChange({ ...base, ...moved })).toBe(expected);
  });
});

describe('windowTotal', () => {
  const pick = METRICS.newInstalls.pick;
  // newInstalls = 1..40 on 2026-10-01..2026-11-09
  const days = run('2026-10-01', 40);

  test.each([
    ['2026-11-09', 28, '2026-10-13', 28, (13 + 40) * 14],
    ['2026-10-05', 28, '2026-09-08', 5, 15],
    ['2026-10-10', 1, '2026-10-10', 1, 10],
  ])(
    'to %s over %i days: from %s, %i days with data, total %i',
    (last, window, first, n, total) => {
      expect(windowTotal(days, pick, last, window)).toEqual({
        first,
        last,
        total,
        daysWithData: n,
        windowDays: window,
      });
    },
  );
});

describe('formatting', () => {
  test.each([
    [0, '0'],
    [999, '999'],
    [1234, '1,234'],
    [1234567, '1,234,567'],
    [null, 'no data'],
    [undefined, 'no data'],
  ])('formatCount(%o) is %s', (value, expected) => {
    expect(formatCount(value)).toBe(expected);
  });

  test.each([
    ['2026-11-03', 'Nov 3'],
    ['2026-01-31', 'Jan 31'],
    ['2026-12-01', 'Dec 1'],
  ])('formatShortDay(%s) is %s', (day, expected) => {
    expect(formatShortDay(day)).toBe(expected);
  });
});

describe('data as of', () => {
  const days = [
    aggregate('2026-11-19', { computedAt: '2026-11-21T03:05:00.000Z' }),
    aggregate('2026-11-20', { computedAt: '2026-11-21T03:04:00.000Z', final: false }),
  ];

  test.each([
    [days, null, { day: '2026-11-20', updatedAt: '2026-11-21T03:05:00.000Z' }],
    [days, '2026-11-21T04:00:00Z', { day: '2026-11-20', updatedAt: '2026-11-21T04:00:00Z' }],
    [[], null, { day: null, updatedAt: null }],
  ])('asOf of %# ', (input, generatedAt, expected) => {
    expect(asOf(input, generatedAt)).toEqual(expected);
  });

  test.each([
    [
      { day: '2026-11-20', updatedAt: '2026-11-21T03:05:40.000Z' },
      'snapshot',
      'Data through 2026-11-20 (UTC), snapshot of 2026-11-21 03:05 UTC.',
    ],
    [
      { day: '2026-11-20', updatedAt: '2026-11-21T03:05:00.000Z' },
      'live',
      'Data through 2026-11-20 (UTC), live of 2026-11-21 03:05 UTC.',
    ],
    [{ day: null, updatedAt: null }, 'snapshot', 'No data yet.'],
  ] as const)('asOfText %#', (when, source, expected) => {
    expect(asOfText(when, source)).toBe(expected);
  });
});

describe('overviewFigures', () => {
  test('active installs over 28 days and new installs in the same 28 days', () => {
    // d28 = 1000 + 10 i and newInstalls = i + 1 on 2026-10-01 + i; the last three days are open.
    const days = run('2026-10-01', 43, 1000, 10).map((d, i) =>
      i >= 40 ? { ...d, final: false } : d,
    );
    expect(overviewFigures(days)).toEqual({
      activeValue: '1,390',
      activeNote: 'on 2026-11-09; +25.2% (+280) since 2026-10-12',
      newValue: '742',
      newNote: '2026-10-13 to 2026-11-09',
    });
  });

  test('an open day and a short history are said so', () => {
    const days = [aggregate('2026-10-01', { d28: 1500, newInstalls: 30, final: false })];
    expect(overviewFigures(days)).toEqual({
      activeValue: '1,500',
      activeNote:
        'on 2026-10-01 (still open: late reports may raise it); no figure for 2026-09-03 to compare with',
      newValue: '30',
      newNote: '2026-09-04 to 2026-10-01 (data for 1 of 28 days)',
    });
  });

  test('no days', () => {
    expect(overviewFigures([])).toEqual({
      activeValue: 'no data',
      activeNote: '',
      newValue: 'no data',
      newNote: '',
    });
  });
});

describe('parseDaysResponse', () => {
  const good = aggregate('2026-11-20', { d1: 3 });

  test('accepts the API answer', () => {
    expect(parseDaysResponse({ days: [good] })).toEqual([good]);
    expect(parseDaysResponse({ days: [] })).toEqual([]);
  });

  test.each([
    ['not an object', 'oops'],
    ['null', null],
    ['no days', { data: [good] }],
    ['days not a list', { days: good }],
    ['bad day', { days: [{ ...good, day: '20-11-2026' }] }],
    ['impossible day', { days: [{ ...good, day: '2026-02-30' }] }],
    ['negative count', { days: [{ ...good, newInstalls: -1 }] }],
    ['fractional count', { days: [{ ...good, activeInstalls: { d1: 1.5, d7: 2, d28: 3 } }] }],
    ['active installs that are not counts', { days: [{ ...good, activeInstalls: null }] }],
    ['a missing final', { days: [{ day: '2026-11-20', run: good.run }] }],
    ['run without a time', { days: [{ day: '2026-11-20', final: true, run: {} }] }],
    ['string count', { days: [{ ...good, activeInstalls: { d1: '3', d7: 2, d28: 3 } }] }],
    ['one bad day among good ones', { days: [good, { ...good, final: 'yes' }] }],
  ])('rejects %s', (_name, body) => {
    expect(parseDaysResponse(body)).toBeNull();
  });

  test('accepts a projection: day and final with only some fields', () => {
    const projected = { day: '2026-11-20', final: true, run: good.run, events: { heartbeat: 3 } };
    expect(parseDaysResponse({ days: [projected] })).toEqual([projected]);
  });
});
