/**
 * Browser side of `components/Chart.astro`: draws each chart when it comes near the viewport,
 * one chart per task (so no single task blocks input for long), and rebuilds chart, table and
 * text alternative from the figure's recipe when another range or fresh data arrive — only what
 * changed, and the table only once someone opens it. `data-state` on the figure says where it
 * is: `pending` (not drawn with its current data yet), `drawn`, `empty` (no data in the range)
 * or `failed` (the table is opened instead).
 */
import { drawChart, type Drawn, type DrawnChart } from '../lib/chart-draw.ts';
import { onData } from '../lib/fresh-days.ts';
import { buildFigure, describeFigure, type FigureSpec, type FigureTable } from '../lib/figures.ts';
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

function mount(figure: HTMLElement, observer: IntersectionObserver, redraws: (() => void)[]): void {
  const canvas = figure.querySelector('canvas');
  const emptyNote = figure.querySelector<HTMLElement>('[data-empty]');
  const toggle = figure.querySelector<HTMLButtonElement>('.table-toggle');
  const panelRoot = figure.querySelector<HTMLElement>('.figure-table');
  if (!canvas || !emptyNote || !toggle || !panelRoot || !figure.dataset.figure) return;
  const title = figure.dataset.title ?? '';
  const spec = JSON.parse(figure.dataset.spec ?? '{}') as FigureSpec;
  let drawnJson = figure.dataset.figure;
  let drawn = JSON.parse(drawnJson) as Drawn;
  let chart: DrawnChart | undefined;
  let visible = false;
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

  const draw = () => {
    const mine = ++revision;
    figure.dataset.state = 'pending';
    schedule(() => {
      if (mine !== revision) return;
      const empty = drawn.labels.length === 0;
      emptyNote.hidden = !empty;
      canvas.hidden = empty;
      chart?.destroy();
      chart = undefined;
      try {
        if (!empty) chart = drawChart(canvas, drawn, figure);
        figure.dataset.state = empty ? 'empty' : 'drawn';
      } catch (error) {
        // Without a chart the reader still has the table: open it, say why in the console.
        figure.dataset.state = 'failed';
        openTable(true);
        console.error(error);
      }
    });
  };
  redraws.push(() => {
    if (visible) draw();
  });

  figure.addEventListener('homecall:visible', () => {
    visible = true;
    draw();
  });
  observer.observe(figure);

  onData((data) => {
    // Without the reference day (no final day yet, or its request failed) a distribution keeps
    // what it shows.
    if (spec.kind === 'distribution' && !data.reference) return;
    const { table, caption, ...next } = buildFigure(spec, data);
    pendingTable = { table, caption: `${title}, ${caption}` };
    if (panelRoot.classList.contains('is-open')) openTable(true);
    const note = figure.querySelector('[data-note]');
    if (note && note.textContent?.trim() !== caption) note.textContent = caption;
    canvas.setAttribute('aria-label', describeFigure(title, { ...next, table, caption }));
    // The same numbers as drawn (a page built the same day): nothing to redraw.
    const nextJson = JSON.stringify(next);
    if (nextJson === drawnJson) return;
    drawnJson = nextJson;
    drawn = next;
    if (visible) draw();
    else figure.dataset.state = 'pending';
  });
}

/** Mounts every chart of the page. */
export function mountCharts(): void {
  const redraws: (() => void)[] = [];
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    for (const redraw of redraws) redraw();
  });
  // Charts are drawn when they come near the viewport; the ones below the fold wait.
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
