/**
 * The one script of every page that shows daily figures (one module, so the browser fetches it
 * and Chart.js in one request, with no chain of imports to discover): mounts the charts, tables,
 * range pickers and headline figures, then fetches the live data of the range in the address
 * and hands it to them. What is fetched follows from the recipes the page's charts and tables
 * carry (`lib/needs.ts`) and from `data-needs` on other elements. `data-live` on the body says
 * where the page is: `built` → `loading` → `live`, or `failed` (the built page stays).
 */
import { loadRange, onData, setNeeds } from '../lib/fresh-days.ts';
import type { FigureSpec } from '../lib/figures.ts';
import { figureNeeds, tableNeeds, type Needs } from '../lib/needs.ts';
import { rangeFromSearch } from '../lib/range.ts';
import { asOf, asOfText, overviewFigures } from '../lib/series.ts';
import type { TableSpec } from '../lib/tables.ts';
import { mountCharts } from './charts.ts';
import { mountRangePickers } from './range-picker.ts';
import { mountTables } from './tables.ts';

/** What the recipes on this page need, read from the elements that carry them. */
function pageNeeds(): Needs[] {
  const needs: Needs[] = [];
  for (const el of document.querySelectorAll<HTMLElement>('[data-spec-kind]')) {
    const spec: unknown = JSON.parse(el.dataset.spec ?? '{}');
    needs.push(
      el.dataset.specKind === 'table'
        ? tableNeeds(spec as TableSpec)
        : figureNeeds(spec as FigureSpec),
    );
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-needs]')) {
    needs.push({ range: (el.dataset.needs ?? '').split(',').filter(Boolean), reference: [] });
  }
  return needs;
}

/** Replaces an element's text only when it changed, so an unchanged refresh moves nothing. */
function setText(el: Element, text: string): void {
  if (el.textContent?.trim() !== text) el.textContent = text;
}

/** The Overview's headline figures (`data-field`), from the days of the range. */
function mountHeadlines(): void {
  if (!document.querySelector('[data-field]')) return;
  onData(({ days }) => {
    for (const [field, text] of Object.entries(overviewFigures(days))) {
      const el = document.querySelector(`[data-field="${field}"]`);
      if (el) setText(el, text);
    }
    document.querySelector('[data-when-empty]')?.setAttribute('hidden', '');
    document.querySelector('[data-when-data]')?.removeAttribute('hidden');
  });
}

const body = document.body;
const latestDay = body.dataset.latestDay ?? '';
mountCharts();
mountTables();
mountRangePickers();
mountHeadlines();
setNeeds(pageNeeds());
onData(({ days }) => {
  const text = asOfText(asOf(days), 'live');
  for (const el of document.querySelectorAll('[data-as-of]')) setText(el, text);
});
body.dataset.live = 'loading';
void loadRange(rangeFromSearch(location.search), latestDay).then((ok) => {
  body.dataset.live = ok ? 'live' : 'failed';
});
