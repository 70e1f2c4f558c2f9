/**
 * What each recipe on a page needs from the stats API, so a page asks for exactly what it shows:
 * the fields of the range's days (with the `top` fold where a chart shows only the top values)
 * and the fields of the reference day (distributions). A page's requests are derived from the
 * recipes its charts and tables carry, so a new page of charts needs no loading code of its own.
 */
import {
  canonicalFields,
  daysUrl,
  latestUrl,
  type DayField,
  type RangeName,
} from '../../../shared/days-query.ts';
import type { FigureSpec } from './figures.ts';
import { METRICS } from './series.ts';
import type { TableSpec } from './tables.ts';

/** One recipe's needs. */
export interface Needs {
  /** Fields of every day of the range. */
  range: DayField[];
  /** Fields of the range that may come folded to the top N values, and that N. */
  folded?: { fields: DayField[]; top: number };
  /** Fields of the reference day (the latest final day). */
  reference: DayField[];
}

/**
 * Fields every page loads for its days: `run` says how current they are (the footer), `anomaly`
 * which of them are flagged (charts mark them, tables note them; absent on most days).
 */
export const BASE_FIELDS: DayField[] = ['anomaly', 'run'];

/** What a figure needs. */
export function figureNeeds(spec: FigureSpec): Needs {
  switch (spec.kind) {
    case 'metrics':
      return { range: spec.metrics.map((key) => METRICS[key].field), reference: [] };
    case 'events':
      return { range: ['events'], reference: [] };
    case 'trend':
      return {
        range: [],
        folded: { fields: [`breakdowns.${spec.breakdown}`], top: spec.top },
        reference: [],
      };
    case 'distribution':
      return {
        range: [],
        reference: [`breakdowns.${spec.breakdown}`, 'activeInstalls', 'anomaly'],
      };
    case 'counter-trend':
      return { range: [], folded: { fields: ['counters'], top: spec.top }, reference: [] };
    case 'counter-distribution':
      return { range: [], reference: ['counters', 'anomaly'] };
    case 'crash-free':
      return {
        range: [],
        folded: { fields: ['reliability.versions'], top: spec.top },
        reference: [],
      };
    case 'install-failures':
      return {
        range: [
          spec.series === 'not-established'
            ? 'unestablishedInstallFailures'
            : 'reliability.installFailures',
        ],
        reference: [],
      };
    case 'held-out':
      return { range: ['heldOut'], reference: [] };
  }
}

/** What a table needs. */
export function tableNeeds(spec: TableSpec): Needs {
  switch (spec.kind) {
    case 'upgrades':
      return { range: ['upgrades'], reference: [] };
    case 'failures':
      return { range: ['reliability.topFailures'], reference: [] };
  }
}

/** The requests of a page: one or more for the range's days, one for the reference day. */
export interface PageRequests {
  /** Days requests; their days are merged by day. */
  days: string[];
  /** The latest final day with the reference fields, when any recipe needs it. */
  latest?: string;
}

/** Whether `top=` changes a field (breakdowns, the reliability versions and counters). */
function foldable(field: DayField): boolean {
  return (
    field === 'breakdowns' ||
    field.startsWith('breakdowns.') ||
    field === 'reliability' ||
    field === 'reliability.versions' ||
    field === 'counters'
  );
}

/**
 * The canonical URLs a page with these needs asks for. A field every recipe wants folded to the
 * same top is asked for with that `top`; a field wanted whole, or folded to two different tops,
 * is asked for whole (each figure then picks its own top values). Fields the fold does not touch
 * ride on the first request.
 */
export function pageRequests(needs: readonly Needs[], range: RangeName): PageRequests {
  const topOf = new Map<DayField, number | 'whole'>();
  const reference = new Set<DayField>();
  for (const need of needs) {
    for (const field of need.range) topOf.set(field, 'whole');
    for (const field of need.reference) reference.add(field);
    for (const field of need.folded?.fields ?? []) {
      const top = need.folded?.top ?? 'whole';
      const before = topOf.get(field);
      topOf.set(field, before === undefined || before === top ? top : 'whole');
    }
  }
  const groups = new Map<number | 'whole', DayField[]>();
  const riders: DayField[] = [...BASE_FIELDS];
  for (const [field, top] of topOf) {
    if (!foldable(field)) riders.push(field);
    else groups.set(top, [...(groups.get(top) ?? []), field]);
  }
  if (groups.size === 0) groups.set('whole', []);
  const ordered = [...groups].sort((a, b) =>
    a[0] === 'whole' ? -1 : b[0] === 'whole' ? 1 : a[0] - b[0],
  );
  const days = ordered.map(([top, fields], i) =>
    daysUrl({
      range,
      fields: canonicalFields(i === 0 ? [...fields, ...riders] : fields),
      ...(top === 'whole' ? {} : { top }),
    }),
  );
  return {
    days,
    ...(reference.size > 0 ? { latest: latestUrl(canonicalFields([...reference])) } : {}),
  };
}
