/**
 * Tables that stand without a chart (upgrades, failure signatures), as recipes the browser can
 * recompute for another range, like the figures of `figures.ts`.
 */
import { upgradeTotals } from './breakdowns.ts';
import type { FigureTable, PageData } from './figures.ts';
import { failureTotals } from './reliability.ts';
import { byDay, formatCount, type SiteDay } from './series.ts';

/** What a table shows. */
export type TableSpec = { kind: 'upgrades' } | { kind: 'failures' };

/** A table with the caption text that says which days it covers. */
export interface DataTable extends FigureTable {
  caption: string;
}

function span(days: readonly SiteDay[]): string {
  const sorted = byDay(days);
  const first = sorted[0];
  const last = sorted.at(-1);
  return first && last ? ` from ${first.day} to ${last.day}` : ': no data in this range';
}

/** The table a recipe describes, computed from the days of the range. */
export function buildTable(spec: TableSpec, data: PageData): DataTable {
  const { days } = data;
  switch (spec.kind) {
    case 'upgrades': {
      const rows = upgradeTotals(days);
      return {
        caption: `Upgrades${span(days)}`,
        head: ['From → to', 'Installs', 'Days seen'],
        rows: rows.map((r) => ({
          label: `${r.from} → ${r.to}`,
          cells: [formatCount(r.installs), String(r.days)],
        })),
      };
    }
    case 'failures': {
      const rows = failureTotals(days);
      return {
        caption: `Failure signatures${span(days)}`,
        head: ['Signature', 'Events', 'Most installs on one day', 'Days seen', 'Last seen'],
        rows: rows.map((r) => ({
          label: r.signature,
          cells: [formatCount(r.events), formatCount(r.peakInstalls), String(r.days), r.lastDay],
        })),
      };
    }
  }
}
