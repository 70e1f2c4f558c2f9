// The Counters and Attributes figures: a group's total, installs and per-value sums over time and
// on the latest final day, chart and table showing the same numbers; bucketed numbers in number
// order; and what those pages ask the stats API for.
import { describe, expect, test } from 'vitest';
import type { CounterGroup, DayAggregate } from '../../../shared/aggregate.ts';
import { buildFigure, pageDataOf, type FigureSpec } from '../../../site/src/lib/figures.ts';
import { figureNeeds, pageRequests } from '../../../site/src/lib/needs.ts';
import { emptySections } from '../../support/day-fixture.ts';

function day(date: string, final: boolean, counters: CounterGroup[]): DayAggregate {
  return {
    day: date,
    final,
    activeInstalls: { d1: 300, d7: 310, d28: 320 },
    newInstalls: 0,
    optOuts: 0,
    events: { report: 300 },
    ...emptySections(),
    breakdowns: {
      'attribute.cpu_cores': [
        { value: '32+', installs: 20 },
        { value: '4–7', installs: 120 },
        { value: 'unknown', installs: 10 },
        { value: '1', installs: 30 },
        { value: 'other', installs: 6 },
        { value: '16–31', installs: 40 },
        { value: '2–3', installs: 90 },
      ],
    },
    counters,
    run: { computedAt: `${date}T03:00:00.000Z`, documentsRead: 0, documentsWritten: 1 },
  };
}

const os = (linux: number, ios: number, other: number): CounterGroup => ({
  group: 'os',
  installs: 310,
  sum: linux + ios + other,
  values: [
    { value: 'linux', installs: 290, sum: linux },
    { value: 'ios', installs: 120, sum: ios },
    { value: 'other', installs: 9, sum: other },
  ],
});

const DAYS = [
  day('2026-11-01', true, [os(12_000, 3_000, 50)]),
  // 11-02 has no aggregate: a gap, not a zero.
  day('2026-11-03', true, [os(12_400, 3_100, 60)]),
  day('2026-11-04', false, [os(12_500, 3_200, 70)]),
];
const data = pageDataOf(DAYS);

describe('counter figures', () => {
  test('the latest final day: bars of sums, a table of every value with sum, installs and share', () => {
    const figure = buildFigure(
      { kind: 'counter-distribution', group: 'os', unit: 'devices' },
      data,
    );
    expect(figure.chart).toBe('hbar');
    expect(figure.labels).toEqual(['linux', 'ios', 'other']);
    expect(figure.datasets[0]?.values).toEqual([12_400, 3_100, 60]);
    expect(figure.caption).toBe('on 2026-11-03: 15,560 devices on 310 installs');
    expect(figure.table.head).toEqual(['Value', 'Devices', 'Installs', 'Share of total']);
    expect(figure.table.rows).toEqual([
      { label: 'linux', cells: ['12,400', '290', '79.7%'] },
      { label: 'ios', cells: ['3,100', '120', '19.9%'] },
      { label: 'other', cells: ['60', '9', '0.4%'] },
    ]);
  });

  test('a group the day did not publish says so instead of showing zeros', () => {
    const figure = buildFigure({ kind: 'counter-distribution', group: 'ports' }, data);
    expect(figure.labels).toEqual([]);
    expect(figure.caption).toMatch(/^on 2026-11-03: not published/);
  });

  test('over time: the top values stacked, the rest in one series, gaps where a day is missing', () => {
    const figure = buildFigure(
      { kind: 'counter-trend', group: 'os', top: 1, unit: 'devices' },
      data,
    );
    expect(figure.chart).toBe('area');
    expect(figure.stacked).toBe(true);
    expect(figure.labels).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
    expect(figure.datasets.map((d) => [d.label, d.values])).toEqual([
      ['linux', [12_000, null, 12_400, 12_500]],
      ['Other values', [3_050, null, 3_160, 3_270]],
    ]);
    expect(figure.table.head).toEqual([
      'Day',
      'Total devices',
      'Installs reporting',
      'linux (installs)',
      'Other values',
    ]);
    // Newest first; every day's cells add up to its total.
    expect(figure.table.rows[0]).toEqual({
      label: '2026-11-04',
      cells: ['15,770', '310', '12,500 (290)', '3,270'],
    });
    expect(figure.table.rows[2]).toEqual({
      label: '2026-11-02',
      cells: ['no data', 'no data', 'no data', 'no data'],
    });
  });

  test('a group no day published draws nothing', () => {
    const figure = buildFigure({ kind: 'counter-trend', group: 'ports', top: 5 }, data);
    expect(figure.labels).toEqual([]);
    expect(figure.datasets).toEqual([]);
    expect(figure.table.rows).toEqual([]);
  });
});

describe('attribute figures', () => {
  test('bucketed numbers read in number order, then other and unknown, with the configured label', () => {
    const spec: FigureSpec = {
      kind: 'distribution',
      breakdown: 'attribute.cpu_cores',
      label: 'CPU cores (cores)',
      order: 'numeric',
    };
    const figure = buildFigure(spec, data);
    expect(figure.labels).toEqual(['1', '2–3', '4–7', '16–31', '32+', 'other', 'unknown']);
    expect(figure.datasets[0]?.values).toEqual([30, 90, 120, 40, 20, 6, 10]);
    expect(figure.table.head[0]).toBe('CPU cores (cores)');
    expect(figure.table.rows.map((r) => r.label)).toEqual(figure.labels);
  });
});

describe('what the Counters page asks for', () => {
  test('the range folded to the top values, the latest final day whole', () => {
    const needs = (
      [
        { kind: 'counter-distribution', group: 'os' },
        { kind: 'counter-trend', group: 'os', top: 5 },
        { kind: 'counter-distribution', group: 'ports' },
        { kind: 'counter-trend', group: 'ports', top: 5 },
      ] satisfies FigureSpec[]
    ).map(figureNeeds);
    // With the anomaly flag of every day shown, so a flagged day is marked on these charts too.
    expect(pageRequests(needs, '90d')).toEqual({
      days: ['/api/v1/days?range=90d&fields=anomaly,counters,run&top=5'],
      latest: '/api/v1/latest?fields=anomaly,counters',
    });
  });
});
