/**
 * A figure drawn as static markup — HTML for the text (legend, axis labels) and a stretched SVG
 * for the marks — with no Chart.js and no script. The build renders every chart this way, so a
 * page shows its charts in its first paint, with JavaScript off too, and the browser re-renders
 * the same markup from fresh data with the same function. Chart.js (`chart-draw.ts`) replaces it
 * only when a reader reaches for a chart (hover, tap), for its tooltips.
 *
 * The marks live in an SVG of fixed user units stretched to the box (`preserveAspectRatio=none`,
 * strokes that do not scale), and every label is HTML placed by percentage, so the same markup
 * fills a phone's box and a desktop's without distorting text and without measuring anything.
 * Pure: no DOM, no Node APIs.
 */
import { formatShortDay } from './series.ts';
import { formatValue, isResidualKey, type Figure, type FigureDataset } from './figures.ts';

/** What a chart draws: a figure without its table. */
export type DrawnFigure = Omit<Figure, 'table' | 'caption'>;

/** Dash patterns of line series, so lines stay apart in greyscale too (Chart.js uses them too). */
export const DASHES: readonly (readonly number[])[] = [[], [6, 4], [2, 3], [8, 3, 2, 3], [1, 2]];
/** How many series colours the theme defines (`--series-1` …). */
export const SERIES_COUNT = 7;

/**
 * The colour slot of each series: its own when the figure gives one, else the next in order;
 * "other" and "unknown" are always the neutral colour.
 */
export function seriesSlots(datasets: readonly Pick<FigureDataset, 'key' | 'colour'>[]) {
  let next = 0;
  return datasets.map(({ key, colour }): number | 'other' =>
    isResidualKey(key) ? 'other' : (colour ?? next++) % SERIES_COUNT,
  );
}

function slotColour(slot: number | 'other'): string {
  return slot === 'other' ? 'var(--series-other)' : `var(--series-${slot + 1})`;
}

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Round numbers for an axis from `min` to at least `max`, about `count` steps. */
export function niceTicks(min: number, max: number, count = 5, integer = true): number[] {
  const span = max > min ? max - min : 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step0 = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw;
  const step = integer ? Math.max(1, Math.ceil(step0)) : step0;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step - step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (ticks.length > 20) break;
  }
  return ticks;
}

// The marks' user units; the SVG is stretched to whatever box it sits in.
const W = 1000;
const H = 1000;
const num = (n: number) => (Math.round(n * 10) / 10).toString();

type Values = readonly (number | null)[];

/** The value axis: ticks from the data, as Chart.js would choose its range. */
function valueTicks(fig: DrawnFigure, stackedTotals: readonly number[] | undefined): number[] {
  const all = stackedTotals ?? fig.datasets.flatMap((d) => d.values.filter((v) => v !== null));
  const values = all.filter((v): v is number => v !== null && Number.isFinite(v));
  const hi = values.length ? Math.max(...values) : 0;
  if (fig.unit === 'percent') {
    const lo = Math.min(90, ...values);
    return niceTicks(lo, 100, 5, false).filter((t) => t <= 100);
  }
  return niceTicks(0, Math.max(hi, 1), 5, true);
}

/** Per index, the sum of every series (stacked charts). */
function totals(datasets: readonly FigureDataset[], length: number): number[] {
  return Array.from({ length }, (_, i) => datasets.reduce((sum, d) => sum + (d.values[i] ?? 0), 0));
}

function legend(fig: DrawnFigure, slots: readonly (number | 'other')[]): string {
  if (fig.datasets.length < 2) return '';
  const items = fig.datasets.map((d, i) => {
    const slot = slots[i] ?? 0;
    const dash = fig.chart === 'line' ? (DASHES[(d.colour ?? i) % DASHES.length] ?? []) : [];
    const key =
      fig.chart === 'line'
        ? `<svg class="sc-key line" viewBox="0 0 24 4" aria-hidden="true"><path d="M0 2H24" stroke="${slotColour(slot)}" stroke-width="2"${dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/></svg>`
        : `<span class="sc-key" style="background:${slotColour(slot)}"></span>`;
    return `<li>${key}${escapeHtml(d.label)}</li>`;
  });
  return `<ul class="sc-legend">${items.join('')}</ul>`;
}

/** Where the tick labels of a day axis go: about six, evenly spaced, the last day included. */
function dayTickIndexes(count: number): number[] {
  if (count === 0) return [];
  const step = Math.max(1, Math.ceil(count / 6));
  const picks: number[] = [];
  for (let i = 0; i < count; i += step) picks.push(i);
  return picks;
}

/** Path of a series' line, broken where a day has no value. */
function linePath(values: Values, x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let open = false;
  values.forEach((v, i) => {
    if (v === null) {
      open = false;
      return;
    }
    d += `${open ? 'L' : 'M'}${num(x(i))} ${num(y(v))}`;
    open = true;
  });
  return d;
}

/** Dots for days without a neighbour, which draw no line (Chart.js draws them as points). */
function isolatedDots(values: Values, x: (i: number) => number, y: (v: number) => number) {
  return values
    .map((v, i) =>
      v !== null && values[i - 1] == null && values[i + 1] == null
        ? `M${num(x(i))} ${num(y(v))}h0`
        : '',
    )
    .join('');
}

/** Stacked band of one series over the ones below it, split where the series has no value. */
function bandPath(
  values: Values,
  base: readonly number[],
  x: (i: number) => number,
  y: (v: number) => number,
) {
  const runs: number[][] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const last = runs.at(-1);
    if (last && last.at(-1) === i - 1) last.push(i);
    else runs.push([i]);
  });
  return runs
    .map((run) => {
      const top = run.map((i) => `${num(x(i))} ${num(y((base[i] ?? 0) + (values[i] ?? 0)))}`);
      const bottom = [...run].reverse().map((i) => `${num(x(i))} ${num(y(base[i] ?? 0))}`);
      return `M${top.join('L')}L${bottom.join('L')}Z`;
    })
    .join('');
}

function overDaysMarks(
  fig: DrawnFigure,
  ticks: readonly number[],
  slots: readonly (number | 'other')[],
) {
  const n = fig.labels.length;
  const lo = ticks[0] ?? 0;
  const hi = ticks.at(-1) ?? 1;
  const y = (v: number) => H - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo || 1)) * H;
  const bars = fig.chart === 'bar';
  const x = bars
    ? (i: number) => ((i + 0.5) / n) * W
    : (i: number) => (n > 1 ? (i / (n - 1)) * W : W / 2);
  const parts: string[] = [];
  // Flagged days (the aggregation's anomaly check): a band behind their column with a mark on
  // top, as Chart.js draws them; the note above the chart says why.
  const flagged = new Set(fig.flags.map((f) => f.day));
  const bandWidth = Math.max(4, (W / Math.max(1, n)) * 0.9);
  fig.labels.forEach((label, i) => {
    if (!flagged.has(label)) return;
    const left = num(Math.min(Math.max(x(i) - bandWidth / 2, 0), W - bandWidth));
    parts.push(
      `<path class="sc-flag" d="M${left} 0h${num(bandWidth)}V${H}h-${num(bandWidth)}Z"/>` +
        `<path class="sc-flag-mark" d="M${left} 0h${num(bandWidth)}v12h-${num(bandWidth)}Z"/>`,
    );
  });
  for (const t of ticks) parts.push(`<path class="sc-grid" d="M0 ${num(y(t))}H${W}"/>`);
  const base = new Array<number>(n).fill(0);
  fig.datasets.forEach((d, k) => {
    const colour = slotColour(slots[k] ?? 0);
    if (bars) {
      const band = (W / n) * 0.9;
      const across = fig.stacked ? 1 : fig.datasets.length;
      const width = band / across;
      let path = '';
      d.values.forEach((v, i) => {
        if (v === null || v === 0) return;
        const bottom = fig.stacked ? (base[i] ?? 0) : 0;
        const left = x(i) - band / 2 + (fig.stacked ? 0 : k * width);
        path += `M${num(left)} ${num(y(bottom))}V${num(y(bottom + v))}h${num(width)}V${num(y(bottom))}Z`;
      });
      parts.push(`<path d="${path}" fill="${colour}"/>`);
    } else if (fig.chart === 'area') {
      parts.push(
        `<path d="${bandPath(d.values, base, x, y)}" fill="${colour}" fill-opacity="0.75" stroke="${colour}" stroke-width="1" class="sc-line"/>`,
      );
    } else {
      const dash = DASHES[(d.colour ?? k) % DASHES.length] ?? [];
      parts.push(
        `<path d="${linePath(d.values, x, y)}" fill="none" stroke="${colour}" stroke-width="2" class="sc-line"${dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/>`,
      );
      const dots = isolatedDots(d.values, x, y);
      if (dots)
        parts.push(
          `<path d="${dots}" stroke="${colour}" stroke-width="6" class="sc-line sc-dot"/>`,
        );
    }
    if (fig.stacked) d.values.forEach((v, i) => (base[i] = (base[i] ?? 0) + (v ?? 0)));
  });
  const yLabels = ticks
    .map(
      (t) =>
        `<span style="bottom:${num(((t - lo) / (hi - lo || 1)) * 100)}%">${escapeHtml(formatValue(t, fig.unit))}</span>`,
    )
    .join('');
  const xLabels = dayTickIndexes(n)
    .map(
      (i) =>
        `<span style="left:${num((x(i) / W) * 100)}%">${escapeHtml(formatShortDay(fig.labels[i] ?? ''))}</span>`,
    )
    .join('');
  const yWidth = Math.max(...ticks.map((t) => formatValue(t, fig.unit).length), 1);
  return (
    `<div class="sc-body" style="--sc-y:${yWidth}ch">` +
    `<div class="sc-y" aria-hidden="true">${yLabels}</div>` +
    `<svg class="sc-plot" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" aria-hidden="true">${parts.join('')}</svg>` +
    `<div class="sc-x" aria-hidden="true">${xLabels}</div></div>`
  );
}

function hbarMarks(fig: DrawnFigure, ticks: readonly number[]) {
  const values = fig.datasets[0]?.values ?? [];
  const hi = ticks.at(-1) ?? 1;
  const rows = fig.labels
    .map((label, i) => {
      const v = values[i] ?? 0;
      const colour = isResidualKey(label) ? 'var(--series-other)' : 'var(--series-1)';
      const row = `grid-row:${i + 1}`;
      return `<span class="sc-label" style="${row}">${escapeHtml(label)}</span><span class="sc-track" style="${row}"><span class="sc-bar" style="width:${num((v / hi) * 100)}%;background:${colour}"></span></span>`;
    })
    .join('');
  const grid = ticks
    .map((t) => `<span class="sc-vgrid" style="left:${num((t / hi) * 100)}%"></span>`)
    .join('');
  const labels = ticks
    .map(
      (t) =>
        `<span style="left:${num((t / hi) * 100)}%">${escapeHtml(formatValue(t, fig.unit))}</span>`,
    )
    .join('');
  // The grid lines first, so the bars paint over them.
  return (
    `<div class="sc-hbar" style="--sc-rows:${fig.labels.length}">` +
    `<span class="sc-grids" aria-hidden="true">${grid}</span>${rows}` +
    `<span class="sc-x" aria-hidden="true">${labels}</span></div>`
  );
}

/**
 * The inner markup of a static chart: legend (more than one series), axes and marks. The element
 * it goes in carries `role="img"` and the figure's text alternative; this markup is decoration.
 */
export function staticChartHtml(fig: DrawnFigure): string {
  if (fig.labels.length === 0) return '';
  const slots = seriesSlots(fig.datasets);
  if (fig.chart === 'hbar') return hbarMarks(fig, valueTicks(fig, undefined));
  const stacked = fig.stacked ? totals(fig.datasets, fig.labels.length) : undefined;
  return legend(fig, slots) + overDaysMarks(fig, valueTicks(fig, stacked), slots);
}
