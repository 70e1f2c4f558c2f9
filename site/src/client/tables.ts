/**
 * Browser side of `components/DataTable.astro`: rebuilds a table from its recipe when another
 * range or fresh data arrive — only when its numbers changed, so a refresh with the numbers the
 * page was built with moves nothing. `data-rows` says how many rows it shows.
 */
import { onData } from '../lib/fresh-days.ts';
import { buildTable, type TableSpec } from '../lib/tables.ts';
import { renderTable } from '../lib/table-dom.ts';

/** Mounts every stand-alone table of the page. */
export function mountTables(): void {
  for (const root of document.querySelectorAll<HTMLElement>('[data-table]')) {
    const spec = JSON.parse(root.dataset.spec ?? '{}') as TableSpec;
    let shown = '';
    onData((data) => {
      const { caption, ...table } = buildTable(spec, data);
      const json = JSON.stringify([caption, table]);
      if (json === shown) return;
      shown = json;
      renderTable(root, table, caption);
      root.dataset.rows = String(table.rows.length);
    });
  }
}
