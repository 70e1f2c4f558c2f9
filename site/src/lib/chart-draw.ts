/**
 * The one module that owns Chart.js: draws a figure (lines, stacked areas, bars over days,
 * horizontal bars of a distribution) on a canvas in the site's colours. Browser only, and loaded
 * by `client/charts.ts` only when a reader reaches for a chart (its static rendering,
 * `chart-static.ts`, is what every page shows first), so no page pays for Chart.js before a
 * reader asks for its tooltips. Registers only the controllers, elements, scales and plugins
 * these charts use.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import { DASHES, SERIES_COUNT, seriesSlots, type DrawnFigure } from './chart-static.ts';
import { formatValue, isResidualKey, type FigureDataset } from './figures.ts';
import { formatShortDay } from './series.ts';

Chart.register(
  LineController,
  BarController,
  LineElement,
  BarElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  Tooltip,
  Legend,
);

/** What a chart draws: a figure without its table. */
export type Drawn = DrawnFigure;
type Values = (number | null)[];
type AnyConfig = ChartConfiguration<'line' | 'bar', Values, string>;

interface Palette {
  series: string[];
  other: string;
  fg: string;
  muted: string;
  grid: string;
  flag: string;
  flagBand: string;
}

function palette(el: Element): Palette {
  const style = getComputedStyle(el);
  const read = (name: string) => style.getPropertyValue(name).trim();
  return {
    series: Array.from({ length: SERIES_COUNT }, (_, i) => read(`--series-${i + 1}`)),
    other: read('--series-other'),
    fg: read('--fg'),
    muted: read('--muted'),
    grid: read('--grid'),
    flag: read('--flag'),
    flagBand: read('--flag-band'),
  };
}

/** The colour of each series, by the slots the static chart uses too (`seriesSlots`). */
function colours(datasets: readonly FigureDataset[], palette: Palette): string[] {
  return seriesSlots(datasets).map((slot) =>
    slot === 'other' ? palette.other : (palette.series[slot] ?? palette.fg),
  );
}

/**
 * A day with no neighbours draws no line, so it gets a dot; everywhere else the line is enough.
 * An array, not a scriptable option: Chart.js resolves a function per point on every draw.
 */
function isolatedPointRadii(values: Values): number[] {
  return values.map((value, i) =>
    value != null && values[i - 1] == null && values[i + 1] == null ? 3 : 0,
  );
}

function lineDatasets(fig: Drawn, palette: Palette): ChartDataset<'line', Values>[] {
  const byIndex = colours(fig.datasets, palette);
  return fig.datasets.map((dataset, i) => {
    const c = byIndex[i] ?? palette.fg;
    const area = fig.chart === 'area';
    return {
      label: dataset.label,
      data: dataset.values,
      borderColor: c,
      // Stacked areas: each band fills down to the one below it, slightly see-through.
      backgroundColor: area ? `${c}c0` : c,
      fill: area ? (i === 0 ? 'origin' : '-1') : false,
      borderDash: area ? [] : [...(DASHES[(dataset.colour ?? i) % DASHES.length] ?? [])],
      borderWidth: area ? 1 : 2,
      pointRadius: isolatedPointRadii(dataset.values),
      pointHoverRadius: 4,
      spanGaps: false,
      // Lines at the top of a 0–100 % axis would be cut in half by the chart area.
      clip: 4,
    };
  });
}

function barDatasets(fig: Drawn, palette: Palette): ChartDataset<'bar', Values>[] {
  if (fig.chart === 'hbar') {
    return fig.datasets.map((dataset) => ({
      label: dataset.label,
      data: dataset.values,
      backgroundColor: fig.labels.map((label) =>
        isResidualKey(label) ? palette.other : (palette.series[0] ?? palette.fg),
      ),
      maxBarThickness: 22,
    }));
  }
  const byIndex = colours(fig.datasets, palette);
  return fig.datasets.map((dataset, i) => ({
    label: dataset.label,
    data: dataset.values,
    backgroundColor: byIndex[i] ?? palette.fg,
    categoryPercentage: 0.9,
    barPercentage: 1,
  }));
}

/**
 * Flagged days (the aggregation's anomaly check) as a band behind their column with a mark on
 * top, so a reader sees which numbers may include made-up installs; the note above the chart and
 * the tooltip say why. Charts over days only: a distribution's note names its day.
 */
function flagMarks(fig: Drawn, palette: Palette): Plugin<'line' | 'bar'> {
  const flagged = new Set(fig.flags.map((f) => f.day));
  return {
    id: 'homecallFlags',
    beforeDatasetsDraw(chart) {
      const x = chart.scales.x;
      if (!x || flagged.size === 0) return;
      const { top, bottom } = chart.chartArea;
      const width = Math.max(4, (x.width / Math.max(1, fig.labels.length)) * 0.9);
      const { ctx } = chart;
      ctx.save();
      fig.labels.forEach((label, i) => {
        if (!flagged.has(label)) return;
        const centre = x.getPixelForValue(i);
        ctx.fillStyle = palette.flagBand;
        ctx.fillRect(centre - width / 2, top, width, bottom - top);
        ctx.fillStyle = palette.flag;
        ctx.fillRect(centre - width / 2, top, width, 3);
      });
      ctx.restore();
    },
  };
}

function config(fig: Drawn, palette: Palette): AnyConfig {
  const horizontal = fig.chart === 'hbar';
  const percent = fig.unit === 'percent';
  const format = (value: unknown) => formatValue(Number(value), fig.unit);
  const categoryAxis = {
    stacked: fig.stacked,
    ticks: {
      color: palette.muted,
      autoSkip: !horizontal,
      // Fixed rotation and a sample of labels to measure: Chart.js's own advice for speed.
      minRotation: 0,
      maxRotation: 0,
      sampleSize: 12,
      callback(this: { getLabelForValue(v: number): string }, value: string | number) {
        const label = this.getLabelForValue(Number(value));
        return horizontal ? label : formatShortDay(label);
      },
    },
    grid: { color: palette.grid, display: !horizontal },
  };
  const valueAxis = {
    stacked: fig.stacked,
    beginAtZero: !percent,
    ...(percent ? { max: 100, suggestedMin: 90 } : {}),
    ticks: { color: palette.muted, precision: percent ? 1 : 0, callback: format },
    grid: { color: palette.grid },
  };
  const legendBox = fig.chart === 'line' ? { boxHeight: 2 } : { boxWidth: 12, boxHeight: 12 };
  const line = fig.chart === 'line' || fig.chart === 'area';
  return {
    type: line ? 'line' : 'bar',
    data: {
      labels: fig.labels,
      datasets: line ? lineDatasets(fig, palette) : barDatasets(fig, palette),
    },
    options: {
      animation: false,
      // Days come sorted and once each.
      normalized: true,
      // Pixels above 2 per CSS pixel cost drawing time and add no legible detail to a chart.
      devicePixelRatio: Math.min(2, window.devicePixelRatio || 1),
      // The box around the canvas has its size before anything is drawn (no layout shift);
      // the chart fills it.
      maintainAspectRatio: false,
      color: palette.fg,
      indexAxis: horizontal ? 'y' : 'x',
      interaction: horizontal
        ? { mode: 'nearest', axis: 'y', intersect: false }
        : { mode: 'index', intersect: false },
      scales: horizontal ? { y: categoryAxis, x: valueAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: fig.datasets.length > 1, labels: legendBox },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${item.dataset.label ?? ''}: ${format(horizontal ? item.parsed.x : item.parsed.y)}`,
            footer: (items) => {
              const label = horizontal ? undefined : items[0]?.label;
              const flag = fig.flags.find((f) => f.day === label);
              return flag ? `Flagged: ${flag.reason}` : '';
            },
          },
        },
      },
    },
    plugins: horizontal ? [] : [flagMarks(fig, palette)],
  } as AnyConfig;
}

/** A drawn chart, to be replaced when the data or the colour scheme changes. */
export interface DrawnChart {
  destroy(): void;
}

/** Draws `figure` on `canvas` in the colours of `colourSource`'s styles. */
export function drawChart(
  canvas: HTMLCanvasElement,
  figure: Drawn,
  colourSource: Element,
): DrawnChart {
  return new Chart(canvas, config(figure, palette(colourSource)));
}
