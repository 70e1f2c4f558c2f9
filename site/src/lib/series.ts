/**
 * Pure data shaping for the public site: daily aggregates in, chart series, headline figures
 * and table rows out. No DOM and no Node APIs, because the build renders the page with it and
 * the browser re-runs it on fresh data, and both must produce the same numbers.
 */
import { addDays, dayRange, isDay, type Day } from '../../../shared/dates.ts';
import type { DayField, DayProjection } from '../../../shared/days-query.ts';
import { formatNumber } from './number-format.ts';

/**
 * A day as the site holds it: `day` and `final`, and whichever fields the page loaded (the build
 * has all of them; the browser asks the API for what the page shows).
 */
export type SiteDay = DayProjection;

/** A figure of a day that the site can plot; undefined when the day was loaded without it. */
export interface Metric {
  label: string;
  /** The field of the day it comes from, for asking the API. */
  field: DayField;
  pick: (day: SiteDay) => number | undefined;
}

/** The plottable figures, by key, so the browser can rebuild a chart from fresh days. */
export const METRICS = {
  activeD1: {
    label: 'Active that day',
    field: 'activeInstalls',
    pick: (d) => d.activeInstalls?.d1,
  },
  activeD7: {
    label: 'Active in 7 days',
    field: 'activeInstalls',
    pick: (d) => d.activeInstalls?.d7,
  },
  activeD28: {
    label: 'Active in 28 days',
    field: 'activeInstalls',
    pick: (d) => d.activeInstalls?.d28,
  },
  newInstalls: { label: 'New installs', field: 'newInstalls', pick: (d) => d.newInstalls },
  newlyEstablished: {
    label: 'Became established',
    field: 'established',
    pick: (d) => d.established?.newlyEstablished,
  },
  optOuts: { label: 'Opt-outs', field: 'optOuts', pick: (d) => d.optOuts },
} as const satisfies Record<string, Metric>;

/** Key of a plottable figure. */
export type MetricKey = keyof typeof METRICS;

/** The aggregates sorted by day, one per day; of two for the same day the later one wins. */
export function byDay<T extends Pick<SiteDay, 'day'>>(days: readonly T[]): T[] {
  const unique = new Map<Day, T>();
  for (const day of days) unique.set(day.day, day);
  return [...unique.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** Values of one figure per day, aligned with `labels`; null where a day has no aggregate. */
export interface Series {
  labels: Day[];
  values: (number | null)[];
}

/**
 * One value per day from the first to the last day present. A day without an aggregate is
 * null, so a chart shows a gap instead of a false zero.
 */
export function toSeries(
  days: readonly SiteDay[],
  pick: (day: SiteDay) => number | undefined,
): Series {
  const sorted = byDay(days);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return { labels: [], values: [] };
  const index = new Map(sorted.map((d) => [d.day, d]));
  const labels = dayRange(first.day, last.day);
  const values = labels.map((label) => {
    const aggregate = index.get(label);
    return aggregate ? (pick(aggregate) ?? null) : null;
  });
  return { labels, values };
}

/** One line of a chart. */
export interface ChartDataset {
  key: MetricKey;
  label: string;
  values: (number | null)[];
}

/** Everything a line chart and its table show. */
export interface ChartData {
  labels: Day[];
  datasets: ChartDataset[];
}

/** The chart data of the given figures over the days present, gaps as null. */
export function toChartData(days: readonly SiteDay[], keys: readonly MetricKey[]): ChartData {
  const { labels } = toSeries(days, () => 0);
  const datasets = keys.map((key) => ({
    key,
    label: METRICS[key].label,
    values: toSeries(days, METRICS[key].pick).values,
  }));
  return { labels, datasets };
}

/** A headline figure and how it moved. */
export interface Headline {
  day: Day;
  final: boolean;
  value: number;
  previousDay: Day;
  /** The value `lookback` days earlier; null when that day has no aggregate. */
  previous: number | null;
  change: number | null;
  /** change / previous; null when there is nothing to divide by. */
  changeRatio: number | null;
}

/**
 * A figure on the latest final day, compared with `lookback` days earlier. Open days still
 * grow as late reports arrive, so the latest day is used only while no day is final yet.
 */
export function headline(
  days: readonly SiteDay[],
  pick: (day: SiteDay) => number | undefined,
  lookback = 28,
): Headline | null {
  const sorted = byDay(days);
  const current = sorted.findLast((d) => d.final) ?? sorted.at(-1);
  if (!current) return null;
  const previousDay = addDays(current.day, -lookback);
  const prior = sorted.find((d) => d.day === previousDay);
  const value = pick(current);
  if (value === undefined) return null;
  const previous = prior ? (pick(prior) ?? null) : null;
  const change = previous === null ? null : value - previous;
  const changeRatio = change === null || !previous ? null : change / previous;
  return {
    day: current.day,
    final: current.final,
    value,
    previousDay,
    previous,
    change,
    changeRatio,
  };
}

/** A figure summed over a window of days. */
export interface WindowTotal {
  first: Day;
  last: Day;
  total: number;
  /** Days of the window that have an aggregate; fewer than the window means it is incomplete. */
  daysWithData: number;
  windowDays: number;
}

/** The sum of a figure over the `windowDays` days ending on `last`. */
export function windowTotal(
  days: readonly SiteDay[],
  pick: (day: SiteDay) => number | undefined,
  last: Day,
  windowDays = 28,
): WindowTotal {
  const first = addDays(last, -(windowDays - 1));
  const inWindow = byDay(days).filter((d) => d.day >= first && d.day <= last);
  const total = inWindow.reduce((sum, d) => sum + (pick(d) ?? 0), 0);
  return { first, last, total, daysWithData: inWindow.length, windowDays };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A count as the page prints it: 12,345, or "no data". */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? 'no data' : formatNumber(value);
}

/** A day as an axis tick: "Nov 3". */
export function formatShortDay(day: Day): string {
  const month = MONTHS[Number(day.slice(5, 7)) - 1] ?? day.slice(5, 7);
  return `${month} ${Number(day.slice(8, 10))}`;
}

/** An ISO timestamp to the minute in UTC: "2026-11-21 03:10 UTC". */
export function formatUtcMinute(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** How a headline moved, in words: "+4.2% (+512) since 2026-10-21". */
export function formatChange(h: Headline): string {
  if (h.change === null) return `no figure for ${h.previousDay} to compare with`;
  const absolute = formatNumber(h.change, { sign: 'exceptZero' });
  if (h.changeRatio === null) return `${absolute} since ${h.previousDay}`;
  return `${formatNumber(h.changeRatio, { percent: true, maxFractionDigits: 1, sign: 'exceptZero' })} (${absolute}) since ${h.previousDay}`;
}

/** How current the data is. */
export interface AsOf {
  day: Day | null;
  /** When the data was produced: the snapshot's time, or the latest computation of a day. */
  updatedAt: string | null;
}

/** The latest day present and the latest time any day was computed. */
export function asOf(days: readonly SiteDay[], generatedAt: string | null = null): AsOf {
  const sorted = byDay(days);
  const computed = sorted.flatMap((d) => (d.run ? [d.run.computedAt] : [])).sort();
  return { day: sorted.at(-1)?.day ?? null, updatedAt: generatedAt ?? computed.at(-1) ?? null };
}

/** The "data as of" line of the footer. */
export function asOfText(when: AsOf, source: 'snapshot' | 'live'): string {
  if (!when.day) return 'No data yet.';
  const updated = when.updatedAt ? `, ${source} of ${formatUtcMinute(when.updatedAt)}` : '';
  return `Data through ${when.day} (UTC)${updated}.`;
}

/** The headline figures of the Overview, as printed. */
export interface OverviewFigures {
  activeValue: string;
  activeNote: string;
  newValue: string;
  newNote: string;
}

/** The Overview's headlines: active installs over 28 days, and new installs in those 28 days. */
/** A number as "about" text: rounded to what its noise allows, never more digits than that. */
export function aboutValue(value: number, sigma: number): string {
  // Round to a power of ten no larger than σ: digits below it are noise.
  const step = sigma >= 10 ? 10 ** Math.floor(Math.log10(sigma)) : 1;
  const rounded = Math.round(value / step) * step;
  return `about ${rounded.toLocaleString('en-US')}`;
}

/**
 * The headline figures. A day published with differential privacy shows them as "about" values,
 * rounded to its noise (the 28-day sum of new installs has √days times a day's noise).
 */
export function overviewFigures(days: readonly SiteDay[]): OverviewFigures {
  const active = headline(days, METRICS.activeD28.pick, 28);
  if (!active) {
    return { activeValue: 'no data', activeNote: '', newValue: 'no data', newNote: '' };
  }
  const open = active.final ? '' : ' (still open: late reports may raise it)';
  const fresh = windowTotal(days, METRICS.newInstalls.pick, active.day, 28);
  const coverage =
    fresh.daysWithData < fresh.windowDays
      ? ` (data for ${fresh.daysWithData} of ${fresh.windowDays} days)`
      : '';
  const noise = days.find((d) => d.day === active.day)?.privacy?.noise;
  const activeSigma = noise?.activeInstalls?.sigma;
  const newSigma = noise?.newInstalls?.sigma;
  return {
    activeValue:
      activeSigma === undefined ? formatCount(active.value) : aboutValue(active.value, activeSigma),
    activeNote: `on ${active.day}${open}; ${formatChange(active)}`,
    newValue:
      newSigma === undefined
        ? formatCount(fresh.total)
        : aboutValue(fresh.total, newSigma * Math.sqrt(fresh.daysWithData)),
    newNote: `${fresh.first} to ${fresh.last}${coverage}`,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Whether a day of an API answer has `day`, `final`, and the fields the site reads well-formed. */
function isSiteDay(value: unknown): value is SiteDay {
  if (!isRecord(value) || typeof value.day !== 'string' || !isDay(value.day)) return false;
  if (typeof value.final !== 'boolean') return false;
  const { activeInstalls: active, run } = value;
  if (active !== undefined) {
    if (!isRecord(active) || !isCount(active.d1) || !isCount(active.d7) || !isCount(active.d28))
      return false;
  }
  if (value.newInstalls !== undefined && !isCount(value.newInstalls)) return false;
  if (value.optOuts !== undefined && !isCount(value.optOuts)) return false;
  const { anomaly } = value;
  if (anomaly !== undefined && (!isRecord(anomaly) || typeof anomaly.reason !== 'string'))
    return false;
  if (run !== undefined && (!isRecord(run) || typeof run.computedAt !== 'string')) return false;
  for (const section of [
    'events',
    'breakdowns',
    'reliability',
    'established',
    'heldOut',
    'unestablishedInstallFailures',
  ] as const) {
    if (value[section] !== undefined && !isRecord(value[section])) return false;
  }
  for (const list of ['upgrades', 'counters'] as const) {
    if (value[list] !== undefined && !Array.isArray(value[list])) return false;
  }
  return true;
}

/**
 * The days of a `GET /api/v1/days` answer, or null when it is not one. Checks the fields the
 * site reads, so a half-broken answer leaves the built numbers in place rather than a blank.
 */
export function parseDaysResponse(body: unknown): SiteDay[] | null {
  if (!isRecord(body) || !Array.isArray(body.days)) return null;
  return body.days.every(isSiteDay) ? body.days : null;
}

/** The day of a `GET /api/v1/latest` answer, or null when it is not one. */
export function parseDayResponse(body: unknown): SiteDay | null {
  return isSiteDay(body) ? body : null;
}
