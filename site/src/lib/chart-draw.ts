/**
 * The one module that owns Chart.js: draws a figure (lines, stacked areas, bars over days,
 * horizontal bars of a distribution) on a canvas in the site's colours. Browser only, and loaded
 * by `components/Chart.astro` when the first chart comes into view, so no page pays for parsing
 * Chart.js before its first paint. Registers only the controllers, elements, scales and plugins
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
} from 'chart.js';
import { formatValue, isResidualKey, type Figure, type FigureDataset } from './figures.ts';
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
export type Drawn = Omit<Figure, 'table' | 'caption'>;
type Values = (number | null)[];
type AnyConfig = ChartConfiguration<'line' | 'bar', Values, string>;

// Lines differ by dash as well as colour, so they stay apart in greyscale too.
const DASHES = [[], [6, 4], [2, 3], [8, 3, 2, 3], [1, 2]];
const SERIES_COUNT = 7;

interface Palette {
  series: string[];
  other: string;
  fg: string;
  muted: string;
  grid: string;
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
  };
}

/**
 * A series takes the colour the figure gives it, else the next one in order; "other" and
 * "unknown" are always neutral.
 */
function colourer(colours: Palette): (dataset: FigureDataset) => string {
  let next = 0;
  return ({ key, colour }) =>
    isResidualKey(key)
      ? colours.other
      : (colours.series[(colour ?? next++) % colours.series.length] ?? colours.fg);
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

function lineDatasets(fig: Drawn, colours: Palette): ChartDataset<'line', Values>[] {
  const colour = colourer(colours);
  return fig.datasets.map((dataset, i) => {
    const c = colour(dataset);
    const area = fig.chart === 'area';
    return {
      label: dataset.label,
      data: dataset.values,
      borderColor: c,
      // Stacked areas: each band fills down to the one below it, slightly see-through.
      backgroundColor: area ? `${c}c0` : c,
      fill: area ? (i === 0 ? 'origin' : '-1') : false,
      borderDash: area ? [] : (DASHES[(dataset.colour ?? i) % DASHES.length] ?? []),
      borderWidth: area ? 1 : 2,
      pointRadius: isolatedPointRadii(dataset.values),
      pointHoverRadius: 4,
      spanGaps: false,
      // Lines at the top of a 0–100 % axis would be cut in half by the chart area.
      clip: 4,
    };
  });
}

function barDatasets(fig: Drawn, colours: Palette): ChartDataset<'bar', Values>[] {
  if (fig.chart === 'hbar') {
    return fig.datasets.map((dataset) => ({
      label: dataset.label,
      data: dataset.values,
      backgroundColor: fig.labels.map((label) =>
        isResidualKey(label) ? colours.other : (colours.series[0] ?? colours.fg),
      ),
      maxBarThickness: 22,
    }));
  }
  const colour = colourer(colours);
  return fig.datasets.map((dataset) => ({
    label: dataset.label,
    data: dataset.values,
    backgroundColor: colour(dataset),
    categoryPercentage: 0.9,
    barPercentage: 1,
  }));
}

function config(fig: Drawn, colours: Palette): AnyConfig {
  const horizontal = fig.chart === 'hbar';
  const percent = fig.unit === 'percent';
  const format = (value: unknown) => formatValue(Number(value), fig.unit);
  const categoryAxis = {
    stacked: fig.stacked,
    ticks: {
      color: colours.muted,
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
    grid: { color: colours.grid, display: !horizontal },
  };
  const valueAxis = {
    stacked: fig.stacked,
    beginAtZero: !percent,
    ...(percent ? { max: 100, suggestedMin: 90 } : {}),
    ticks: { color: colours.muted, precision: percent ? 1 : 0, callback: format },
    grid: { color: colours.grid },
  };
  const legendBox = fig.chart === 'line' ? { boxHeight: 2 } : { boxWidth: 12, boxHeight: 12 };
  const line = fig.chart === 'line' || fig.chart === 'area';
  return {
    type: line ? 'line' : 'bar',
    data: {
      labels: fig.labels,
      datasets: line ? lineDatasets(fig, colours) : barDatasets(fig, colours),
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
      color: colours.fg,
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
          },
        },
      },
    },
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
