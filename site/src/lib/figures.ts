/**
 * Every chart of the site as a serialisable recipe (`FigureSpec`) and the one function that
 * turns a recipe and days into what is drawn and tabulated (`buildFigure`). The build renders
 * each figure from the snapshot; the browser rebuilds it from the same recipe when fresh days or
 * another range arrive, so chart and table always show the same numbers.
 */
import {
  breakdownLabel,
  breakdownTrend,
  distribution,
  OTHER_VALUE,
  UNKNOWN_VALUE,
  type DistributionRow,
  referenceDay,
  type TrendSeries,
} from './breakdowns.ts';
import { formatNumber } from './number-format.ts';
import { compareNumericLabels } from '../../../shared/numeric-buckets.ts';
import { counterDistributionFigure, counterTrendFigure } from './counters.ts';
import { HELD_REASONS, type HeldReason } from '../../../shared/screening.ts';
import {
  cappedDays,
  crashFreeTrend,
  installFailureTotals,
  type InstallFailureSeries,
} from './reliability.ts';
import {
  byDay,
  formatCount,
  toChartData,
  toSeries,
  type MetricKey,
  type SiteDay,
} from './series.ts';

/**
 * What a page's figures are drawn from: the days of the range, and the day whose breakdowns count
 * as current (the latest final day). The build takes both from its snapshot; the browser asks the
 * API for the range and for `/api/v1/latest`, so a distribution never needs every day's buckets.
 */
export interface PageData {
  days: readonly SiteDay[];
  reference?: SiteDay | undefined;
}

/** The page data of whole days: the reference day is their latest final day. */
export function pageDataOf(days: readonly SiteDay[]): PageData {
  return { days, reference: referenceDay(days) };
}

/** Bars a distribution chart draws at most; its table lists every value. */
export const MAX_BARS = 15;

/** What a figure shows, as data the page can hand to the browser. */
export type FigureSpec =
  | { kind: 'metrics'; metrics: readonly MetricKey[]; chart: 'line' | 'bar' }
  | { kind: 'events' }
  | { kind: 'trend'; breakdown: string; top: number }
  | {
      kind: 'distribution';
      breakdown: string;
      /** The table's heading of the values; by default the breakdown's name. */
      label?: string;
      /** `numeric`: values in number order (bucketed numbers), not by size. */
      order?: 'numeric';
    }
  | { kind: 'counter-trend'; group: string; top: number; unit?: string }
  | { kind: 'counter-distribution'; group: string; unit?: string }
  | { kind: 'crash-free'; top: number }
  | {
      kind: 'install-failures';
      /** Established installs (default), or installs not established, bounded per day. */
      series?: InstallFailureSeries;
    }
  | { kind: 'held-out' };

/** A day flagged by the aggregation's anomaly check, as a figure shows it. */
export interface FigureFlag {
  day: string;
  reason: string;
}

/** How a figure is drawn: lines, stacked areas, vertical bars over days, horizontal bars. */
export type ChartKind = 'line' | 'area' | 'bar' | 'hbar';

/** One series of a figure. */
export interface FigureDataset {
  key: string;
  label: string;
  values: (number | null)[];
  /** Which series colour it takes; without one, series take the colours in order. */
  colour?: number;
}

/** The table of a figure: a header row and one row per day or value. */
export interface FigureTable {
  head: string[];
  rows: { label: string; cells: string[] }[];
}

/** Everything a figure draws and tabulates. */
export interface Figure {
  chart: ChartKind;
  stacked: boolean;
  unit: 'count' | 'percent';
  /** Days (charts over time) or values (hbar). */
  labels: string[];
  datasets: FigureDataset[];
  /** What the rows are: "per UTC day, newest first", "on 2026-11-21, …". */
  caption: string;
  table: FigureTable;
  /** Flagged days among those the figure shows (marked on charts over days, noted by tables). */
  flags: FigureFlag[];
}

/** A value as the figure's table prints it. */
export function formatValue(value: number | null | undefined, unit: Figure['unit']): string {
  if (value === null || value === undefined) return 'no data';
  return unit === 'percent'
    ? `${formatNumber(value, { maxFractionDigits: 2 })}%`
    : formatCount(value);
}

/** The table of a chart over days: one row per day, newest first, one column per series. */
function dayTable(
  labels: readonly string[],
  datasets: readonly FigureDataset[],
  unit: Figure['unit'],
): FigureTable {
  return {
    head: ['Day', ...datasets.map((d) => d.label)],
    rows: labels
      .map((label, i) => ({
        label,
        cells: datasets.map((d) => formatValue(d.values[i], unit)),
      }))
      .reverse(),
  };
}

/** The flagged days among `days`, oldest first. */
export function flagsOf(days: readonly (SiteDay | undefined)[]): FigureFlag[] {
  return byDay(days.filter((d): d is SiteDay => d !== undefined)).flatMap((d) =>
    d.anomaly ? [{ day: d.day, reason: d.anomaly.reason }] : [],
  );
}

/** The note a table of flagged days carries: which days, and why (empty when none). */
export function flagNote(flags: readonly FigureFlag[]): string {
  if (flags.length === 0) return '';
  const list = flags.map((f) => `${f.day}: ${f.reason}`).join(' ');
  return flags.length === 1
    ? `Flagged day (the figures may include made-up installs): ${list}`
    : `${flags.length} flagged days (the figures may include made-up installs): ${list}`;
}

function overDays(
  chart: ChartKind,
  stacked: boolean,
  unit: Figure['unit'],
  labels: string[],
  datasets: FigureDataset[],
  days: readonly SiteDay[],
): Figure {
  return {
    chart,
    stacked,
    unit,
    labels,
    datasets,
    caption: 'per UTC day, newest first',
    table: dayTable(labels, datasets, unit),
    flags: flagsOf(days),
  };
}

/**
 * Series of versions, oldest first. The newest takes the first colour, the one before it the
 * second, and so on, so a version keeps its colour when the range changes which older versions
 * are shown.
 */
function versionDatasets(series: readonly TrendSeries[]): FigureDataset[] {
  const named = series.filter((s) => !isResidualKey(s.key)).length;
  return series.map((s, i) => ({
    key: s.key,
    label: s.label,
    values: s.values,
    ...(isResidualKey(s.key) ? {} : { colour: named - 1 - i }),
  }));
}

function trendDatasets(series: readonly TrendSeries[]): FigureDataset[] {
  return series.map((s) => ({ key: s.key, label: s.label, values: s.values }));
}

/** Event types drawn apart; rarer ones share one series, so no two series share a colour. */
export const EVENT_SERIES = 7;

/**
 * Events per day by type, the most frequent type first (the bottom of the stack). Beyond
 * `EVENT_SERIES` types the rarest are summed into one series that names them.
 */
function eventsFigure(days: readonly SiteDay[]): Figure {
  const totals = new Map<string, number>();
  for (const day of days) {
    for (const [type, count] of Object.entries(day.events ?? {})) {
      totals.set(type, (totals.get(type) ?? 0) + (count ?? 0));
    }
  }
  const types = [...totals.keys()].sort(
    (a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || a.localeCompare(b),
  );
  const split = types.length > EVENT_SERIES ? EVENT_SERIES - 1 : types.length;
  const shown = types.slice(0, split);
  const rest = types.slice(split);
  const count = (d: SiteDay, type: string) =>
    d.events?.[type as keyof NonNullable<SiteDay['events']>] ?? 0;
  const { labels } = toSeries(days, () => 0);
  const datasets = shown.map((type) => ({
    key: type,
    label: type,
    values: toSeries(days, (d) => count(d, type)).values,
  }));
  if (rest.length > 0) {
    datasets.push({
      key: OTHER_VALUE,
      label: `other: ${rest.join(', ')}`,
      values: toSeries(days, (d) => rest.reduce((sum, type) => sum + count(d, type), 0)).values,
    });
  }
  return overDays('bar', true, 'count', labels, datasets, days);
}

/** How the held-out reasons read on the site. */
export const HELD_LABELS: Record<HeldReason, string> = {
  'not-established': 'Not established yet',
  'identityless-cap': 'Above their cohort (no identity)',
  'unknown-version': 'Unknown version',
  'impossible-profile': 'Impossible platform',
  quarantined: 'Quarantined',
};

/** Installs held out of the figures per day, stacked by reason (reasons never seen left out). */
function heldOutFigure(days: readonly SiteDay[]): Figure {
  const installs = (d: SiteDay, reason: HeldReason) =>
    d.heldOut?.reasons.find((r) => r.reason === reason)?.installs ?? 0;
  const shown = HELD_REASONS.filter((reason) => days.some((d) => installs(d, reason) > 0));
  const { labels } = toSeries(days, () => 0);
  const datasets = shown.map((reason) => ({
    key: reason,
    label: HELD_LABELS[reason],
    values: toSeries(days, (d) => (d.heldOut ? installs(d, reason) : undefined)).values,
  }));
  return overDays('bar', true, 'count', labels, datasets, days);
}

/**
 * The chart's bars: the `MAX_BARS` largest values, then everything else in one "other" bar
 * (folded small values and the values past the cap), then "unknown".
 */
function distributionBars(rows: readonly DistributionRow[]): {
  labels: string[];
  values: number[];
} {
  const named = rows.filter((r) => !isResidualKey(r.value));
  const shown = named.slice(0, MAX_BARS);
  const rest = named.slice(MAX_BARS);
  const folded = rows.find((r) => r.value === OTHER_VALUE);
  const unknown = rows.find((r) => r.value === UNKNOWN_VALUE);
  const otherInstalls = (folded?.installs ?? 0) + rest.reduce((n, r) => n + r.installs, 0);
  const labels = shown.map((r) => r.value);
  const values = shown.map((r) => r.installs);
  if (otherInstalls > 0 || folded) {
    labels.push(rest.length > 0 ? `other (${rest.length} more values)` : OTHER_VALUE);
    values.push(otherInstalls);
  }
  if (unknown) {
    labels.push(unknown.value);
    values.push(unknown.installs);
  }
  return { labels, values };
}

function distributionFigure(
  day: SiteDay | undefined,
  spec: Extract<FigureSpec, { kind: 'distribution' }>,
): Figure {
  const { breakdown } = spec;
  const rows = distribution(day, breakdown);
  if (spec.order === 'numeric') {
    const rank = (v: string) => (v === OTHER_VALUE ? 1 : v === UNKNOWN_VALUE ? 2 : 0);
    rows.sort((a, b) => rank(a.value) - rank(b.value) || compareNumericLabels(a.value, b.value));
  }
  const bars = distributionBars(rows);
  return {
    chart: 'hbar',
    stacked: false,
    unit: 'count',
    labels: bars.labels,
    datasets: [{ key: 'installs', label: 'Installs', values: bars.values }],
    caption: day
      ? `on ${day.day}, of the ${formatCount(day.activeInstalls?.d28)} installs active in the 28 days ending on it`
      : 'no data',
    flags: flagsOf([day]),
    table: {
      head: [spec.label ?? breakdownLabel(breakdown), 'Installs', 'Share'],
      rows: rows.map((r) => ({
        label: r.value,
        cells: [
          formatCount(r.installs),
          r.share === null
            ? 'no data'
            : formatNumber(r.share, { percent: true, maxFractionDigits: 1 }),
        ],
      })),
    },
  };
}

function installFailuresFigure(
  days: readonly SiteDay[],
  series: InstallFailureSeries = 'established',
): Figure {
  const rows = installFailureTotals(days, series);
  const sorted = byDay(days);
  const first = sorted[0];
  const last = sorted.at(-1);
  const apart = series === 'not-established';
  const capped = apart ? cappedDays(days) : { count: 0 };
  const cappedNote =
    capped.count === 0
      ? ''
      : `; ${capped.count} ${capped.count === 1 ? 'day' : 'days'} reached the cap of ${formatCount(capped.cap)} a day and ${capped.count === 1 ? 'was' : 'were'} scaled down to it`;
  return {
    chart: 'hbar',
    stacked: false,
    unit: 'count',
    labels: rows.map((r) => r.code),
    datasets: [
      {
        key: 'installs',
        label: apart ? 'Failed installs, not established' : 'Failed installs',
        values: rows.map((r) => r.installs),
      },
    ],
    caption:
      first && last
        ? `from ${first.day} to ${last.day}, daily counts summed${apart ? ', installs not established (each once a day)' : ''}${cappedNote}`
        : 'no data in this range',
    flags: flagsOf(days),
    table: {
      head: [
        'Error code',
        apart ? 'Failed installs, not established' : 'Failed installs',
        'Days seen',
      ],
      rows: rows.map((r) => ({ label: r.code, cells: [formatCount(r.installs), String(r.days)] })),
    },
  };
}

/** The figure a recipe describes, computed from the page's data (days already cut to the range). */
export function buildFigure(spec: FigureSpec, data: PageData): Figure {
  const { days } = data;
  switch (spec.kind) {
    case 'metrics': {
      const data = toChartData(days, spec.metrics);
      return overDays(spec.chart, false, 'count', data.labels, data.datasets, days);
    }
    case 'held-out':
      return heldOutFigure(days);
    case 'events':
      return eventsFigure(days);
    case 'trend': {
      const trend = breakdownTrend(days, spec.breakdown, spec.top);
      const datasets =
        spec.breakdown === 'version' ? versionDatasets(trend.series) : trendDatasets(trend.series);
      return overDays('area', true, 'count', trend.labels, datasets, days);
    }
    case 'distribution':
      return distributionFigure(data.reference ?? referenceDay(days), spec);
    case 'counter-trend':
      return { ...counterTrendFigure(days, spec.group, spec.top, spec.unit), flags: flagsOf(days) };
    case 'counter-distribution': {
      const day = data.reference ?? referenceDay(days);
      return { ...counterDistributionFigure(day, spec.group, spec.unit), flags: flagsOf([day]) };
    }
    case 'crash-free': {
      const trend = crashFreeTrend(days, spec.top);
      return overDays('line', false, 'percent', trend.labels, versionDatasets(trend.series), days);
    }
    case 'install-failures':
      return installFailuresFigure(days, spec.series);
  }
}

/** Whether a series or bar is a residual bucket (drawn in the neutral colour). */
export function isResidualKey(key: string): boolean {
  return key === OTHER_VALUE || key === UNKNOWN_VALUE || key.startsWith(`${OTHER_VALUE} (`);
}

const KIND_WORDS: Record<ChartKind, string> = {
  line: 'line chart',
  area: 'stacked area chart',
  bar: 'bar chart',
  hbar: 'bar chart',
};

/** The text alternative of a figure: what it shows and its latest or largest values. */
export function describeFigure(title: string, figure: Figure): string {
  const first = figure.labels[0];
  const last = figure.labels.at(-1);
  if (!first || !last || figure.datasets.length === 0) return `${title}: no data in this range.`;
  if (figure.chart === 'hbar') {
    const values = figure.datasets[0]?.values ?? [];
    const shown = figure.labels
      .slice(0, 6)
      .map((label, i) => `${label} ${formatValue(values[i], figure.unit)}`);
    const more = figure.labels.length > 6 ? ` and ${figure.labels.length - 6} more` : '';
    return `${title}, bar chart ${figure.caption}: ${shown.join(', ')}${more}. The table lists every value.`;
  }
  const kind =
    figure.stacked && figure.chart === 'bar' ? 'stacked bar chart' : KIND_WORDS[figure.chart];
  const latest = figure.datasets.map(
    (d) => `${d.label} ${formatValue(d.values.at(-1), figure.unit)}`,
  );
  const flagged =
    figure.flags.length > 0 ? ` Flagged days: ${figure.flags.map((f) => f.day).join(', ')}.` : '';
  return `${title}, ${kind} from ${first} to ${last}. On ${last}: ${latest.join(', ')}.${flagged} The table lists every day.`;
}

/**
 * The height of a distribution chart's box, in rem, fitting its bars: set once when the page is
 * built and kept when fresh data arrives (the bars then get thicker or thinner), so a refresh
 * never moves what is below. Charts over days have a fixed aspect box instead (undefined).
 */
export function hbarHeightRem(figure: Pick<Figure, 'chart' | 'labels'>): number | undefined {
  if (figure.chart !== 'hbar') return undefined;
  return Math.max(6, Math.min(figure.labels.length, MAX_BARS + 2) * 1.75 + 2.5);
}
