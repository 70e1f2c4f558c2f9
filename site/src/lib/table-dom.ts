/**
 * Browser side of `components/Table.astro`: rebuilds a table's caption, header and rows in place,
 * with the same markup the build renders.
 */
import type { FigureTable } from './figures.ts';

function cell(tag: 'th' | 'td', text: string, scope?: 'col' | 'row'): HTMLTableCellElement {
  const el = document.createElement(tag);
  if (scope) el.scope = scope;
  el.textContent = text;
  return el;
}

/** Replaces the table inside `root` with `table`, captioned `caption`. */
export function renderTable(root: Element, table: FigureTable, caption: string): void {
  const captionEl = root.querySelector('[data-caption]');
  if (captionEl) captionEl.textContent = caption;
  const headRow = root.querySelector('thead tr');
  headRow?.replaceChildren(...table.head.map((text) => cell('th', text, 'col')));
  const body = root.querySelector('tbody');
  if (!body) return;
  if (table.rows.length === 0) {
    const empty = cell('td', 'No data in this range.');
    empty.className = 'empty';
    empty.colSpan = table.head.length;
    const tr = document.createElement('tr');
    tr.append(empty);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(
    ...table.rows.map((row) => {
      const tr = document.createElement('tr');
      tr.append(cell('th', row.label, 'row'), ...row.cells.map((text) => cell('td', text)));
      return tr;
    }),
  );
}
