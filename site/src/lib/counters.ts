/**
 * Counter groups (LibreNMS-style `<group>.<value>` facts summed over installs) shaped for the
 * Counters page: a group's sums over time (its top values stacked, the rest in one series, so a
 * day's stack is the group's total) and its values on the latest final day, each with the sum
 * and the installs reporting it. Pure, and free of runtime imports from the zod modules, because
 * the browser runs it too.
 */
import type { CounterGroup } from '../../../shared/aggregate.ts';
import { dayRange } from '../../../shared/dates.ts';
import { topCounterValues } from '../../../shared/days-query.ts';
import { OTHER_VALUE } from './breakdowns.ts';
import type { Figure, FigureDataset, FigureTable } from './figures.ts';
import { byDay, formatCount, type SiteDay } from './series.ts';

/** Bars a counter chart draws at most; its table lists every value. */
const MAX_COUNTER_BARS = 15;
const SHARE = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** A group of a day, or undefined when the day did not publish it. */
export function counterGroupOf(day: SiteDay | undefined, group: string): CounterGroup | undefined {
  return day?.counters?.find((g) => g.group === group);
}

/** "12,400 devices on 310 installs" (or "12,400 on 310 installs" without a unit). */
export function sumOnInstalls(sum: number, installs: number, unit?: string): string {
  const what = unit ? `${formatCount(sum)} ${unit}` : formatCount(sum);
  return `${what} on ${formatCount(installs)} ${installs === 1 ? 'install' : 'installs'}`;
}

/** The groups the days published, in name order. */
export function counterGroupNames(days: readonly SiteDay[]): string[] {
  const names = new Set<string>();
  for (const day of days) for (const g of day.counters ?? []) names.add(g.group);
  return [...names].sort();
}

/**
 * A group's sums per day, stacked: its `top` values with the largest sums over the days, and
 * "other values" holding the rest (folded values and values past the top), so each day's stack
 * adds up to the group's total. Its table has per day the total, the installs reporting the
 * group, and each value's sum with its installs. A day without the group is a gap.
 */
export function counterTrendFigure(
  days: readonly SiteDay[],
  group: string,
  top: number,
  unit: string | undefined,
): Omit<Figure, 'flags'> {
  const sorted = byDay(days);
  const first = sorted[0];
  const last = sorted.at(-1);
  const labels = first && last ? dayRange(first.day, last.day) : [];
  const index = new Map(sorted.map((d) => [d.day, counterGroupOf(d, group)]));
  const chosen = [...(topCounterValues(sorted, top).get(group) ?? [])];
  const perDay = labels.map((label) => index.get(label));
  const datasets: FigureDataset[] = chosen.map((value) => ({
    key: value,
    label: value,
    values: perDay.map((g) => (g ? (g.values.find((v) => v.value === value)?.sum ?? 0) : null)),
  }));
  const rest = perDay.map((g) =>
    g ? g.sum - g.values.reduce((n, v) => n + (chosen.includes(v.value) ? v.sum : 0), 0) : null,
  );
  if (rest.some((v) => v !== null && v > 0)) {
    datasets.push({ key: OTHER_VALUE, label: 'Other values', values: rest });
  }
  const cell = (g: CounterGroup | undefined, value: string) => {
    const v = g?.values.find((x) => x.value === value);
    return v ? `${formatCount(v.sum)} (${formatCount(v.installs)})` : g ? '0' : 'no data';
  };
  const table: FigureTable = {
    head: [
      'Day',
      unit ? `Total ${unit}` : 'Total',
      'Installs reporting',
      ...chosen.map((value) => `${value} (installs)`),
      ...(datasets.length > chosen.length ? ['Other values'] : []),
    ],
    rows: (perDay.some(Boolean) ? labels : [])
      .map((label, i) => {
        const g = perDay[i];
        return {
          label,
          cells: [
            g ? formatCount(g.sum) : 'no data',
            g ? formatCount(g.installs) : 'no data',
            ...chosen.map((value) => cell(g, value)),
            ...(datasets.length > chosen.length ? [g ? formatCount(rest[i]) : 'no data'] : []),
          ],
        };
      })
      .reverse(),
  };
  return {
    chart: 'area',
    stacked: true,
    unit: 'count',
    labels: perDay.some(Boolean) ? labels : [],
    datasets: perDay.some(Boolean) ? datasets : [],
    caption: 'per UTC day, newest first; a value’s installs in brackets',
    table,
  };
}

/**
 * A group's values on one day as horizontal bars of their sums: the largest `MAX_COUNTER_BARS`,
 * then one bar for the rest. Its table lists every value with its sum, the installs reporting
 * it and its share of the group's total.
 */
export function counterDistributionFigure(
  day: SiteDay | undefined,
  group: string,
  unit: string | undefined,
): Omit<Figure, 'flags'> {
  const g = counterGroupOf(day, group);
  const values = [...(g?.values ?? [])].sort(
    (a, b) =>
      Number(a.value === OTHER_VALUE) - Number(b.value === OTHER_VALUE) ||
      b.sum - a.sum ||
      a.value.localeCompare(b.value),
  );
  const named = values.filter((v) => v.value !== OTHER_VALUE);
  const shown = named.slice(0, MAX_COUNTER_BARS);
  const restSum = values.slice(shown.length).reduce((n, v) => n + v.sum, 0);
  const more = named.length - shown.length;
  const labels = shown.map((v) => v.value);
  const sums = shown.map((v) => v.sum);
  if (values.length > shown.length) {
    labels.push(more > 0 ? `other (${more} more values)` : OTHER_VALUE);
    sums.push(restSum);
  }
  const unitTitle = unit ? unit.charAt(0).toUpperCase() + unit.slice(1) : 'Sum';
  return {
    chart: 'hbar',
    stacked: false,
    unit: 'count',
    labels,
    datasets: [{ key: 'sum', label: unitTitle, values: sums }],
    caption:
      day && g
        ? `on ${day.day}: ${sumOnInstalls(g.sum, g.installs, unit)}`
        : day
          ? `on ${day.day}: not published (fewer than k installs reported it)`
          : 'no data',
    table: {
      head: ['Value', unitTitle, 'Installs', 'Share of total'],
      rows: values.map((v) => ({
        label: v.value,
        cells: [
          formatCount(v.sum),
          formatCount(v.installs),
          g && g.sum > 0 ? SHARE.format(v.sum / g.sum) : 'no data',
        ],
      })),
    },
  };
}
