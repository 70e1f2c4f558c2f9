/**
 * Browser side of `components/Chart.astro`. Every chart arrives drawn as static markup
 * (`lib/chart-static.ts`); when fresh data or another range arrive, the figure is rebuilt from
 * its recipe and the static chart re-rendered in place — only what changed, only once it is near
 * the viewport, one chart per task, and the table only once someone opens it. Chart.js
 * (`lib/chart-draw.ts`, its own chunk) is loaded only when a reader reaches for a chart — the
 * pointer enters it or a finger touches it — and then draws on a canvas over the static chart in
 * the same box, which it replaces: nothing moves. `data-state` on the figure says where it is:
 * `pending` (not drawn with its current data yet), `drawn`, `empty` (no data in the range) or
 * `failed` (the table is opened instead); `data-render` says what draws it, `static` or
 * `interactive`.
 */
import type { Drawn, DrawnChart } from '../lib/chart-draw.ts';
import { staticChartHtml } from '../lib/chart-static.ts';
import { onData } from '../lib/fresh-days.ts';
import {
  buildFigure,
  describeFigure,
  flagNote,
  type FigureSpec,
  type FigureTable,
} from '../lib/figures.ts';
import { renderTable } from '../lib/table-dom.ts';

/** Runs queued draws one per task, in the order they were asked for. */
const queue: (() => void)[] = [];
let draining = false;
function schedule(work: () => void): void {
  queue.push(work);
  if (draining) return;
  draining = true;
  const next = () => {
    const job = queue.shift();
    if (!job) {
      draining = false;
      return;
    }
    job();
    setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

type ChartModule = typeof import('../lib/chart-draw.ts');
let chartModule: Promise<ChartModule> | undefined;
/** Chart.js and the site's chart recipe, fetched once for the whole page. */
function loadChartModule(): Promise<ChartModule> {
  chartModule ??= import('../lib/chart-draw.ts');
  return chartModule;
}

function mount(figure: HTMLElement, observer: IntersectionObserver, redraws: (() => void)[]): void {
  const box = figure.querySelector<HTMLElement>('.canvas-box');
  const still = figure.querySelector<HTMLElement>('[data-static]');
  const canvas = figure.querySelector('canvas');
  const emptyNote = figure.querySelector<HTMLElement>('[data-empty]');
  const toggle = figure.querySelector<HTMLButtonElement>('.table-toggle');
  const panelRoot = figure.querySelector<HTMLElement>('.figure-table');
  if (!box || !still || !canvas || !emptyNote || !toggle || !panelRoot) return;
  if (!figure.dataset.figure) return;
  const title = figure.dataset.title ?? '';
  const spec = JSON.parse(figure.dataset.spec ?? '{}') as FigureSpec;
  let drawnJson = figure.dataset.figure;
  // Parsed only when it has to be drawn: the built chart already shows it.
  let drawn: Drawn | undefined;
  const current = () => (drawn ??= JSON.parse(drawnJson) as Drawn);
  let chart: DrawnChart | undefined;
  let interactive = false;
  let visible = false;
  // The built static chart shows the built data; anything newer is drawn when visible.
  let stale = false;
  let revision = 0;
  // A table rebuilt for fresh data waits until someone opens it: hidden, it costs nothing.
  let pendingTable: { table: FigureTable; caption: string } | undefined;

  const openTable = (open: boolean) => {
    if (open && pendingTable) {
      renderTable(figure, pendingTable.table, pendingTable.caption);
      pendingTable = undefined;
    }
    panelRoot.classList.toggle('is-open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => openTable(!panelRoot.classList.contains('is-open')));

  const fail = (error: unknown) => {
    // Without a chart the reader still has the table: open it, say why in the console.
    figure.dataset.state = 'failed';
    openTable(true);
    console.error(error);
  };

  const draw = (module?: ChartModule) => {
    const mine = ++revision;
    stale = false;
    figure.dataset.state = 'pending';
    schedule(() => {
      if (mine !== revision) return;
      const shown = current();
      const empty = shown.labels.length === 0;
      emptyNote.hidden = !empty;
      chart?.destroy();
      chart = undefined;
      try {
        if (interactive && module) {
          still.hidden = true;
          canvas.hidden = empty;
          if (!empty) chart = module.drawChart(canvas, shown, figure);
        } else {
          still.innerHTML = staticChartHtml(shown);
          still.hidden = empty;
        }
        figure.dataset.state = empty ? 'empty' : 'drawn';
      } catch (error) {
        fail(error);
      }
    });
  };

  const redraw = () => {
    if (!interactive) return draw();
    loadChartModule().then(draw, fail);
  };

  // The reader reaches for the chart: Chart.js replaces the static chart, for its tooltips.
  const upgrade = () => {
    if (interactive) return;
    interactive = true;
    figure.dataset.render = 'interactive';
    // Until Chart.js has drawn it, the static chart stays and the figure says it is pending.
    figure.dataset.state = 'pending';
    box.removeEventListener('pointerenter', upgrade);
    box.removeEventListener('pointerdown', upgrade);
    loadChartModule().then((module) => {
      // The canvas is drawn while the static chart still shows, then the static one goes.
      canvas.hidden = false;
      draw(module);
    }, fail);
  };
  box.addEventListener('pointerenter', upgrade);
  box.addEventListener('pointerdown', upgrade, { passive: true });

  // The static chart follows the colour scheme through CSS; a canvas has to be drawn again.
  redraws.push(() => {
    if (interactive && visible) redraw();
  });

  figure.addEventListener('homecall:visible', () => {
    visible = true;
    if (stale) redraw();
  });
  observer.observe(figure);

  onData((data) => {
    // Without the reference day (no final day yet, or its request failed) a distribution keeps
    // what it shows.
    if ((spec.kind === 'distribution' || spec.kind === 'counter-distribution') && !data.reference)
      return;
    const { table, caption, ...next } = buildFigure(spec, data);
    pendingTable = { table, caption: `${title}, ${caption}` };
    if (panelRoot.classList.contains('is-open')) openTable(true);
    const note = figure.querySelector('[data-note]');
    if (note && note.textContent?.trim() !== caption) note.textContent = caption;
    const flags = figure.querySelector<HTMLElement>('[data-flags]');
    if (flags) {
      const text = flagNote(next.flags);
      if (flags.textContent?.trim() !== text) flags.textContent = text;
      flags.hidden = text === '';
    }
    const label = describeFigure(title, { ...next, table, caption });
    if (still.getAttribute('aria-label') !== label) still.setAttribute('aria-label', label);
    if (canvas.getAttribute('aria-label') !== label) canvas.setAttribute('aria-label', label);
    // The same numbers as drawn (a page built the same day): nothing to redraw.
    const nextJson = JSON.stringify(next);
    if (nextJson === drawnJson) return;
    drawnJson = nextJson;
    drawn = next;
    stale = true;
    if (visible) redraw();
    else figure.dataset.state = 'pending';
  });
}

/** Mounts every chart of the page. */
export function mountCharts(): void {
  const redraws: (() => void)[] = [];
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    for (const redraw of redraws) redraw();
  });
  // Fresh data is drawn when a chart comes near the viewport; the ones below the fold wait.
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        entry.target.dispatchEvent(new Event('homecall:visible'));
      }
    },
    { rootMargin: '200px 0px' },
  );
  for (const figure of document.querySelectorAll<HTMLElement>('figure[data-chart]')) {
    try {
      mount(figure, observer, redraws);
    } catch (error) {
      figure.dataset.state = 'failed';
      console.error(error);
    }
  }
}
