/**
 * The CSV form of daily aggregates: scalar metrics, one column per published bucket, and per
 * counter group and value its sum and the installs reporting it.
 */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { EVENT_TYPES } from '../../../shared/schema/event.ts';

/** Breakdowns that get a column per bucket in the CSV. */
export const CSV_BREAKDOWNS = [
  'version',
  'channel',
  'installMethod',
  'os',
  'arch',
  'container',
] as const;

function cell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The counter columns of a day, by name: `counter:<group>:sum` and `counter:<group>:installs`
 * (the group's total and the installs reporting it), and `counter:<group>.<value>:sum` and
 * `counter:<group>.<value>:installs` for each published value ("other" included).
 */
export function counterCells(day: Pick<DayAggregate, 'counters'>): Map<string, number> {
  const cells = new Map<string, number>();
  for (const group of day.counters) {
    cells.set(`counter:${group.group}:sum`, group.sum);
    cells.set(`counter:${group.group}:installs`, group.installs);
    for (const v of group.values) {
      cells.set(`counter:${group.group}.${v.value}:sum`, v.sum);
      cells.set(`counter:${group.group}.${v.value}:installs`, v.installs);
    }
  }
  return cells;
}

/** Counter columns in order: by group, the group's totals first, then its values by name. */
function compareCounterColumns(a: string, b: string): number {
  const split = (c: string) => {
    const name = c.slice('counter:'.length, c.lastIndexOf(':'));
    const dot = name.indexOf('.');
    return dot < 0 ? [name, '', c] : [name.slice(0, dot), name.slice(dot + 1), c];
  };
  const [ga = '', va = '', ca = ''] = split(a);
  const [gb = '', vb = '', cb = ''] = split(b);
  return ga.localeCompare(gb) || va.localeCompare(vb) || ca.localeCompare(cb);
}

/** A header row and one row per day; a bucket a day did not publish is an empty cell. */
export function daysToCsv(days: DayAggregate[]): string {
  const bucketColumns = new Set<string>();
  for (const day of days) {
    for (const name of CSV_BREAKDOWNS) {
      for (const bucket of day.breakdowns[name] ?? []) bucketColumns.add(`${name}:${bucket.value}`);
    }
  }
  const buckets = [...bucketColumns].sort();
  const counterColumns = new Set<string>();
  const counters = days.map((day) => counterCells(day));
  for (const cells of counters) for (const column of cells.keys()) counterColumns.add(column);
  const counterHeader = [...counterColumns].sort(compareCounterColumns);
  const header = [
    'day',
    'final',
    'active_d1',
    'active_d7',
    'active_d28',
    'new_installs',
    'opt_outs',
    ...EVENT_TYPES.map((t) => `events_${t}`),
    // The differential-privacy parameters the day was published with (empty before them).
    'privacy_epsilon',
    'privacy_delta',
    // Smoothing over time of the window figures (d7, d28, breakdowns): α (empty: none), and the
    // published day blended in (empty: the figures are the day's own).
    'privacy_smoothing_alpha',
    'privacy_smoothed_with',
    // Published apart from the actives since the screening rules; empty for days before them.
    'newly_established',
    'pending_d28',
    'held_out_installs',
    'held_out_reports',
    'unestablished_install_failures',
    'anomaly',
    ...buckets,
    ...counterHeader,
  ];
  const rows = days.map((day, i) => {
    const lookup = new Map<string, number>();
    for (const name of CSV_BREAKDOWNS) {
      for (const bucket of day.breakdowns[name] ?? [])
        lookup.set(`${name}:${bucket.value}`, bucket.installs);
    }
    return [
      day.day,
      day.final,
      day.activeInstalls.d1,
      day.activeInstalls.d7,
      day.activeInstalls.d28,
      day.newInstalls,
      day.optOuts,
      ...EVENT_TYPES.map((t) => day.events[t] ?? 0),
      day.privacy?.epsilon,
      day.privacy?.delta,
      day.privacy?.smoothingAlpha || undefined,
      day.privacy?.smoothedWith,
      day.established?.newlyEstablished,
      day.established?.pending.d28,
      day.heldOut?.installs,
      day.heldOut?.reports,
      day.unestablishedInstallFailures?.installs,
      day.anomaly?.reason,
      ...buckets.map((b) => lookup.get(b)),
      ...counterHeader.map((c) => counters[i]?.get(c)),
    ];
  });
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
