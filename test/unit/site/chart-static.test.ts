// The static chart every page paints first (no script, no Chart.js): what it draws must be the
// figure's numbers — every bar with its label and length, every series as a line or band with
// gaps where a day has no value, a legend naming the series, axes a reader can read — and text
// from the data must never become markup.
import { describe, expect, test } from 'vitest';
import {
  escapeHtml,
  niceTicks,
  seriesSlots,
  staticChartHtml,
  type DrawnFigure,
} from '../../../site/src/lib/chart-static.ts';

const days = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'];

function lineFigure(over: Partial<DrawnFigure> = {}): DrawnFigure {
  return {
    chart: 'line',
    stacked: false,
    unit: 'count',
    labels: days,
    datasets: [
      { key: 'activeD1', label: 'Active that day', values: [10, 12, null, 14] },
      { key: 'activeD7', label: 'Active in 7 days', values: [20, 22, 23, 24] },
    ],
    flags: [],
    ...over,
  };
}

/** The `d` of every line, band or bar path of the plot (not the legend's keys, not dots), in order. */
function seriesPaths(html: string): string[] {
  const plot = /<svg class="sc-plot"[^>]*>(.*?)<\/svg>/.exec(html)?.[1] ?? '';
  return [...plot.matchAll(/<path d="([^"]*)"([^>]*)>/g)]
    .filter((m) => /(fill|stroke)="var\(--series-/.test(m[2] ?? '') && !/sc-dot/.test(m[2] ?? ''))
    .map((m) => m[1] ?? '');
}

describe('niceTicks', () => {
  test.each([
    [0, 282, [0, 100, 200, 300]],
    [0, 7, [0, 2, 4, 6, 8]],
    [0, 1, [0, 1]],
    [0, 12_345, [0, 2500, 5000, 7500, 10_000, 12_500]],
  ])('from %d to %d: %j', (min, max, ticks) => {
    expect(niceTicks(min, max)).toEqual(ticks);
  });

  test('a percent axis from 82 to 100 has round steps that end at 100', () => {
    const ticks = niceTicks(82, 100, 5, false);
    expect(ticks[0]).toBeLessThanOrEqual(82);
    expect(ticks.at(-1)).toBe(100);
    expect(new Set(ticks.slice(1).map((t, i) => t - (ticks[i] ?? 0))).size).toBe(1);
  });
});

describe('staticChartHtml', () => {
  test('a line chart draws one path per series, broken at a day without a value, and a legend', () => {
    const html = staticChartHtml(lineFigure());
    const paths = seriesPaths(html);
    expect(paths).toHaveLength(2);
    // Day 3 has no value for the first series: two runs of line, not one.
    expect(paths[0]?.match(/M/g)).toHaveLength(2);
    expect(paths[1]?.match(/M/g)).toHaveLength(1);
    expect(html).toContain('Active that day');
    expect(html).toContain('Active in 7 days');
    // Axis labels: the days in words and round counts.
    expect(html).toContain('Nov 1');
    expect(html).toMatch(/>0</);
  });

  test('one series needs no legend', () => {
    const html = staticChartHtml(
      lineFigure({
        datasets: [{ key: 'newInstalls', label: 'New installs', values: [1, 2, 3, 4] }],
      }),
    );
    expect(html).not.toContain('sc-legend');
  });

  test('a day without neighbours gets a dot, since it draws no line', () => {
    const html = staticChartHtml(
      lineFigure({ datasets: [{ key: 'x', label: 'X', values: [5, null, 7, null] }] }),
    );
    expect(html.match(/h0/g)).toHaveLength(2);
  });

  test('a stacked bar chart draws a bar per non-zero day and series', () => {
    const html = staticChartHtml({
      flags: [],
      chart: 'bar',
      stacked: true,
      unit: 'count',
      labels: days,
      datasets: [
        { key: 'heartbeat', label: 'heartbeat', values: [5, 6, 0, 8] },
        { key: 'start', label: 'start', values: [1, 0, 0, 2] },
      ],
    });
    const [first, second] = seriesPaths(html);
    expect(first?.match(/Z/g)).toHaveLength(3);
    expect(second?.match(/Z/g)).toHaveLength(2);
  });

  test('a horizontal bar chart lists every bar with its label, longest bar for the largest value', () => {
    const html = staticChartHtml({
      flags: [],
      chart: 'hbar',
      stacked: false,
      unit: 'count',
      labels: ['debian', 'ubuntu', 'other'],
      datasets: [{ key: 'installs', label: 'Installs', values: [150, 75, 30] }],
    });
    const widths = [...html.matchAll(/class="sc-bar" style="width:([\d.]+)%;background:([^"]+)"/g)];
    expect(widths.map((m) => Number(m[1]))).toEqual([100, 50, 20]);
    // "other" is drawn in the neutral colour.
    expect(widths.map((m) => m[2])).toEqual([
      'var(--series-1)',
      'var(--series-1)',
      'var(--series-other)',
    ]);
    for (const label of ['debian', 'ubuntu', 'other']) expect(html).toContain(`>${label}<`);
  });

  test('labels from the data are text, never markup', () => {
    const html = staticChartHtml({
      flags: [],
      chart: 'hbar',
      stacked: false,
      unit: 'count',
      labels: ['<img src=x onerror=alert(1)>'],
      datasets: [{ key: 'installs', label: 'Installs', values: [9] }],
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  test('no data draws nothing (the box says so instead)', () => {
    expect(staticChartHtml(lineFigure({ labels: [], datasets: [] }))).toBe('');
  });
});

test('series colours: a series keeps the slot it is given, residuals are neutral', () => {
  expect(
    seriesSlots([{ key: '1.4.0', colour: 2 }, { key: 'other' }, { key: 'a' }, { key: 'b' }]),
  ).toEqual([2, 'other', 0, 1]);
});

describe('flagged days', () => {
  test('a flagged day gets a band and a mark over its column, and no other day does', () => {
    const plain = staticChartHtml(lineFigure());
    expect(plain).not.toContain('sc-flag');
    const html = staticChartHtml(
      lineFigure({ flags: [{ day: '2026-11-03', reason: 'New installs 300 against 4' }] }),
    );
    const bands = [...html.matchAll(/<path class="sc-flag" d="M([\d.]+) 0h([\d.]+)/g)];
    expect(bands).toHaveLength(1);
    // Four days on a line chart: the third sits at two thirds of the width.
    const [, left, width] = bands[0] ?? [];
    const centre = Number(left) + Number(width) / 2;
    expect(centre).toBeCloseTo((2 / 3) * 1000, 0);
    expect(html.match(/sc-flag-mark/g)).toHaveLength(1);
    // The series are drawn as before.
    expect(seriesPaths(html)).toEqual(seriesPaths(plain));
  });

  test('a flag on a day the chart does not show marks nothing', () => {
    const html = staticChartHtml(lineFigure({ flags: [{ day: '2026-10-01', reason: 'x' }] }));
    expect(html).not.toContain('sc-flag');
  });
});
