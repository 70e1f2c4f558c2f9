/** The CSV form of daily aggregates: scalar metrics plus one column per published bucket. */
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

/** A header row and one row per day; a bucket a day did not publish is an empty cell. */
export function daysToCsv(days: DayAggregate[]): string {
  const bucketColumns = new Set<string>();
  for (const day of days) {
    for (const name of CSV_BREAKDOWNS) {
      for (const bucket of day.breakdowns[name] ?? []) bucketColumns.add(`${name}:${bucket.value}`);
    }
  }
  const buckets = [...bucketColumns].sort();
  const header = [
    'day',
    'final',
    'active_d1',
    'active_d7',
    'active_d28',
    'new_installs',
    'opt_outs',
    ...EVENT_TYPES.map((t) => `events_${t}`),
    ...buckets,
  ];
  const rows = days.map((day) => {
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
      ...buckets.map((b) => lookup.get(b)),
    ];
  });
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
