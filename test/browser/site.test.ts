// The public site in a real browser (Debian's Chromium through playwright-core) against the local
// stack with the demo fleet: every page loads without console errors, charts paint, every chart
// has its table, the tables carry the page without JavaScript, dark mode and phone width work,
// the range selector refetches, nothing on the page shifts while it loads and refreshes, and the
// Overview and Counters pages stay within their transfer budgets. Screenshots of every page
// (light, dark, phone) go to .artifacts/screenshots/. Every wait is for a state the page announces (`data-live` on the
// body, `data-state` on a chart, a table's rows, the address), never for a time, so the suite
// passes on a busy machine too.
/// <reference lib="dom" />
// (The functions passed to page.evaluate run in the page, so they are typed against the DOM.)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { LOCAL_PROJECT, startStack, type Stack } from '../../scripts/lib/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// TOOLCHAIN.md's flags; playwright adds headless mode and a fresh profile directory itself.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = new URL('../../.artifacts/', import.meta.url);
const SCREENSHOTS = new URL('screenshots/', ARTIFACTS);

interface SitePage {
  name: string;
  path: string;
  /** Pages that refresh from /api/v1/days and have charts. */
  live: boolean;
}

const PAGES: SitePage[] = [
  { name: 'overview', path: '/', live: true },
  { name: 'versions', path: '/versions', live: true },
  { name: 'platforms', path: '/platforms', live: true },
  { name: 'attributes', path: '/attributes', live: true },
  { name: 'counters', path: '/counters', live: true },
  { name: 'reliability', path: '/reliability', live: true },
  { name: 'data', path: '/data', live: false },
  { name: 'privacy', path: '/privacy', live: false },
];
const LIVE_PAGES = PAGES.filter((p) => p.live);
const OVERVIEW_BUDGET_BYTES = 150 * 1024;
const COUNTERS_BUDGET_BYTES = 150 * 1024;
const pageNamed = (name: string) => PAGES.find((p) => p.name === name) as SitePage;

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
  stack = await startStack({ demo: true, firestorePort: 0, log: () => {} });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** What went wrong while a page loaded: console errors, uncaught exceptions, failed requests. */
interface Problems {
  errors: string[];
}

async function withContext<T>(
  options: BrowserContextOptions,
  work: (context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}

/**
 * Opens a page and waits until it is settled: loaded, and for live pages with JavaScript on,
 * refreshed from the stats API (`data-live="live"` on the body; "failed" fails the wait).
 */
async function open(
  context: BrowserContext,
  site: SitePage,
  { query = '', javaScript = true }: { query?: string; javaScript?: boolean } = {},
): Promise<{ page: Page; status: number; problems: Problems }> {
  const page = await context.newPage();
  const problems: Problems = { errors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`exception: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.errors.push(`${response.status()} ${response.url()}`);
  });
  const response = await page.goto(`${stack.hostingUrl}${site.path}${query}`, {
    waitUntil: 'load',
  });
  if (site.live && javaScript) await waitForLive(page);
  return { page, status: response?.status() ?? 0, problems };
}

/** Waits until the page has shown the live data of its range. */
async function waitForLive(page: Page): Promise<void> {
  await page.waitForFunction(() => ['live', 'failed'].includes(document.body.dataset.live ?? ''));
  expect(await page.evaluate(() => document.body.dataset.live)).toBe('live');
}

/**
 * Brings every chart into view, one after another, and waits until each has drawn its current
 * data (charts below the fold are drawn only when they come near the viewport).
 */
async function drawAll(page: Page): Promise<void> {
  const figures = page.locator('figure[data-chart]');
  const count = await figures.count();
  for (let i = 0; i < count; i += 1) {
    const figure = figures.nth(i);
    await figure.scrollIntoViewIfNeeded();
    await expect
      .poll(() => figure.getAttribute('data-state'), { timeout: 60_000 })
      .toMatch(/^(drawn|empty)$/);
  }
}

/**
 * How many pixels of an element's screenshot have one of the page's series colours — solid (lines,
 * bars) or as the three-quarter see-through fill of a stacked area over the page's background —
 * so axes and labels alone do not count. What the reader sees, whether a static chart or a
 * Chart.js canvas draws it.
 */
async function paintedPixels(page: Page, target: Locator): Promise<number> {
  const png = (await target.screenshot()).toString('base64');
  return page.evaluate(async (base64) => {
    const style = getComputedStyle(document.documentElement);
    const rgb = (value: string) => {
      const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value.trim());
      return m ? [m[1], m[2], m[3]].map((h) => parseInt(h ?? '0', 16)) : null;
    };
    const background = (
      /\d+, \d+, \d+/.exec(getComputedStyle(document.body).backgroundColor)?.[0] ?? '255, 255, 255'
    )
      .split(', ')
      .map(Number);
    const names = ['--series-other', ...Array.from({ length: 7 }, (_, i) => `--series-${i + 1}`)];
    const solid = names
      .map((name) => rgb(style.getPropertyValue(name)))
      .filter((c): c is number[] => c !== null);
    const fills = solid.map((c) => c.map((v, i) => 0.75 * v + 0.25 * (background[i] ?? 0)));
    const colours = [...solid, ...fills];
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (
        colours.some(
          ([cr = 0, cg = 0, cb = 0]) => Math.abs(r - cr) + Math.abs(g - cg) + Math.abs(b - cb) < 24,
        )
      ) {
        painted += 1;
      }
    }
    return painted;
  }, png);
}

/**
 * Per chart on the page: its title, its state, whether its "no data" note shows, how many pixels
 * of its box have one of the page's series colours, whether it has a table with rows, and the
 * text alternative of what shows it (the chart's label, or the note of an empty chart).
 */
async function chartReport(page: Page) {
  await drawAll(page);
  const figures = page.locator('figure[data-chart]');
  const report: {
    title: string;
    state: string;
    emptyNote: boolean;
    painted: number;
    tableRows: number;
    label: string;
  }[] = [];
  for (let i = 0; i < (await figures.count()); i += 1) {
    const figure = figures.nth(i);
    const state = (await figure.getAttribute('data-state')) ?? '';
    const note = figure.locator('[data-empty]');
    const emptyNote = await note.isVisible();
    const shown = figure.locator('.canvas-box [role="img"]:visible');
    report.push({
      title: (await figure.locator('figcaption').textContent())?.trim() ?? '',
      state,
      emptyNote,
      painted: await paintedPixels(page, figure.locator('.canvas-box')),
      tableRows: await figure.locator('table tbody tr th[scope="row"]').count(),
      label:
        (await shown.count()) > 0
          ? ((await shown.first().getAttribute('aria-label')) ?? '')
          : emptyNote
            ? ((await note.textContent())?.trim() ?? '')
            : '',
    });
  }
  return report;
}

describe('every page in a browser', () => {
  test.each(PAGES)(
    '$name loads with 200, a title, the full navigation and no console errors',
    async (site) => {
      await withContext({}, async (context) => {
        const { page, status, problems } = await open(context, site);
        expect(status).toBe(200);
        expect(await page.title()).toContain(deploymentConfig.siteName);
        const nav = await page
          .locator('nav[aria-label="Site"] a')
          .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
        expect(nav).toEqual(PAGES.map((p) => p.path));
        expect(problems.errors).toEqual([]);
      });
    },
  );

  test.each(LIVE_PAGES)(
    '$name: every chart paints its data or says it has none, with a table and a text alternative',
    async (site) => {
      await withContext({}, async (context) => {
        const { page } = await open(context, site);
        const charts = await chartReport(page);
        expect(charts.length).toBeGreaterThan(0);
        // A chart whose every value stayed under the privacy threshold in the range (the demo
        // fleet's rare install failures) says so; every other chart paints, and each page has one.
        const drawn = charts.filter((c) => c.state !== 'empty');
        expect(drawn.length, 'charts with data').toBeGreaterThan(0);
        for (const chart of charts) {
          if (chart.state === 'empty') {
            expect(chart.emptyNote, `${chart.title} says it has no data`).toBe(true);
            expect(chart.label, `${chart.title} has a text alternative`).toMatch(/no data/i);
            continue;
          }
          expect(chart.label, `${chart.title} has a text alternative`).toMatch(/chart/);
          expect(chart.painted, `${chart.title} paints series pixels`).toBeGreaterThan(50);
          expect(chart.tableRows, `${chart.title} has table rows`).toBeGreaterThan(0);
        }
      });
    },
  );

  test.each(LIVE_PAGES)(
    '$name without JavaScript shows every table and the static charts, and no canvas',
    async (site) => {
      await withContext({ javaScriptEnabled: false }, async (context) => {
        const { page, status } = await open(context, site, { javaScript: false });
        expect(status).toBe(200);
        const figures = page.locator('figure[data-chart]');
        const count = await figures.count();
        expect(count).toBeGreaterThan(0);
        for (let i = 0; i < count; i += 1) {
          const figure = figures.nth(i);
          expect(await figure.locator('canvas').isVisible()).toBe(false);
          // A chart with nothing above the privacy threshold says so instead of a table.
          if (await figure.locator('[data-empty]').isVisible()) continue;
          await expect.poll(() => figure.locator('table').isVisible()).toBe(true);
          expect(await figure.locator('tbody tr').count()).toBeGreaterThan(0);
          expect(await figure.locator('canvas').isVisible()).toBe(false);
          // The chart is drawn at build: it shows without JavaScript too, with its text alternative.
          const still = figure.locator('[data-static]');
          expect(await still.isVisible()).toBe(true);
          expect(await still.getAttribute('aria-label')).toMatch(/chart/);
        }
        // The selector needs the API: without JavaScript it stays hidden, the range is stated.
        expect(await page.locator('[data-range-buttons]').isVisible()).toBe(false);
        expect(await page.locator('[data-range-status]').textContent()).toMatch(/Showing \d{4}-/);
      });
    },
  );

  test('dark mode has another background, and charts still paint', async () => {
    const background = async (colorScheme: 'light' | 'dark') =>
      withContext({ colorScheme }, async (context) => {
        const { page } = await open(context, PAGES[0] as SitePage);
        const charts = await chartReport(page);
        for (const chart of charts) expect(chart.painted, chart.title).toBeGreaterThan(50);
        return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      });
    const light = await background('light');
    const dark = await background('dark');
    expect(light).not.toBe(dark);
  });

  test.each(PAGES)('$name has no horizontal scrolling at 390 px', async (site) => {
    await withContext(
      { viewport: { width: 390, height: 844 }, isMobile: true },
      async (context) => {
        const { page } = await open(context, site);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width).toBeLessThanOrEqual(390);
      },
    );
  });

  test('screenshots of every page: light, dark and phone', async () => {
    const variants: { suffix: string; options: BrowserContextOptions }[] = [
      { suffix: 'light', options: { colorScheme: 'light' } },
      { suffix: 'dark', options: { colorScheme: 'dark' } },
      {
        suffix: 'phone',
        options: { viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 },
      },
    ];
    for (const variant of variants) {
      await withContext(variant.options, async (context) => {
        for (const site of PAGES) {
          const { page } = await open(context, site);
          const path = new URL(`${site.name}-${variant.suffix}.png`, SCREENSHOTS).pathname;
          await drawAll(page);
          await page.screenshot({ path, fullPage: true });
          await page.close();
        }
      });
    }
  });
});

describe('the range selector', () => {
  test('30 d and All refetch from the API by name, redraw the charts and tables and keep the range in the address', async () => {
    await withContext({}, async (context) => {
      const { page, problems } = await open(context, PAGES[0] as SitePage);
      const requests: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/v1/')) requests.push(request.url());
      });
      const figure = page.locator('figure[data-chart]').first();
      await figure.getByRole('button', { name: /Table of these numbers/ }).click();
      const rows = () => figure.locator('tbody tr');
      await expect.poll(() => rows().count()).toBeGreaterThan(30);

      await page.getByRole('button', { name: '30 d', exact: true }).click();
      await expect.poll(() => page.url()).toContain('range=30d');
      expect(
        await page.getByRole('button', { name: '30 d', exact: true }).getAttribute('aria-pressed'),
      ).toBe('true');
      await expect.poll(() => rows().count()).toBeLessThanOrEqual(30);
      await expect.poll(() => figure.getAttribute('data-state')).toBe('drawn');
      // Canonical, cacheable URLs: the range by name, never days computed in the browser.
      expect(requests.length).toBeGreaterThan(0);
      for (const url of requests) {
        expect(url).toMatch(/[?&]range=30d(&|$)/);
        expect(url).not.toMatch(/[?&](from|to)=/);
      }

      await page.getByRole('button', { name: 'All', exact: true }).click();
      await expect.poll(() => page.url()).toContain('range=all');
      // The demo fleet has 90 days: "all" shows more rows than the 30-day range did.
      await expect.poll(() => rows().count()).toBeGreaterThan(30);
      await expect.poll(() => figure.getAttribute('data-state')).toBe('drawn');
      expect(problems.errors).toEqual([]);
    });
  });

  test('a link with ?range=30d opens on that range, and the buttons work from the keyboard', async () => {
    await withContext({}, async (context) => {
      const { page } = await open(context, PAGES[1] as SitePage, { query: '?range=30d' });
      const pressed = page.locator('[data-range-buttons] [aria-pressed="true"]');
      await expect.poll(() => pressed.textContent()).toBe('30 d');
      await page.getByRole('button', { name: '1 y', exact: true }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.url()).toContain('range=1y');
      await expect.poll(() => pressed.textContent()).toBe('1 y');
    });
  });
});

describe('no layout shift', () => {
  test.each(LIVE_PAGES)(
    '$name: layout shifts while it loads, refreshes, draws every chart and changes range sum to at most 0.02 on a phone',
    async (site) => {
      await withContext(
        { viewport: { width: 390, height: 844 }, isMobile: true, deviceScaleFactor: 2 },
        async (context) => {
          // The Performance API's own record of every layout shift since the page started,
          // buffered so the earliest ones count too; shifts right after input are the reader's.
          await context.addInitScript(() => {
            const shifts: { value: number; input: boolean }[] = [];
            Object.assign(window, { homecallShifts: shifts });
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) {
                const shift = entry as PerformanceEntry & {
                  value: number;
                  hadRecentInput: boolean;
                };
                shifts.push({ value: shift.value, input: shift.hadRecentInput });
              }
            }).observe({ type: 'layout-shift', buffered: true });
          });
          const { page } = await open(context, site);
          await drawAll(page);
          await page.evaluate(() => window.scrollTo(0, 0));
          const button = page.getByRole('button', { name: '30 d', exact: true });
          await button.click();
          await expect.poll(() => page.url()).toContain('range=30d');
          await waitForLive(page);
          await drawAll(page);
          const shifts = await page.evaluate(
            () =>
              (window as unknown as { homecallShifts: { value: number; input: boolean }[] })
                .homecallShifts,
          );
          const total = shifts.filter((s) => !s.input).reduce((sum, s) => sum + s.value, 0);
          expect(total, JSON.stringify(shifts)).toBeLessThanOrEqual(0.02);
        },
      );
    },
  );
});

describe('the first chart is static until a reader reaches for it', () => {
  test.each(LIVE_PAGES)(
    '$name: the first chart is painted and labelled before any script has run',
    async (site) => {
      await withContext(
        { viewport: { width: 390, height: 844 }, isMobile: true },
        async (context) => {
          const page = await context.newPage();
          // Hold back every script until the page has been looked at.
          const held: (() => Promise<void>)[] = [];
          await page.route(
            (url) => url.pathname.endsWith('.js'),
            (route) => void held.push(() => route.continue()),
          );
          await page.goto(`${stack.hostingUrl}${site.path}`, { waitUntil: 'commit' });
          const figure = page.locator('figure[data-chart]').first();
          const still = figure.locator('[data-static][role="img"]');
          await expect.poll(() => still.isVisible(), { timeout: 30_000 }).toBe(true);
          // No script of the page has run: the body still says what the build wrote.
          expect(await page.evaluate(() => document.body.dataset.live)).toBe('built');
          expect(held.length).toBeGreaterThan(0);
          const title = (await figure.locator('figcaption').textContent())?.trim() ?? '';
          expect(await still.getAttribute('aria-label')).toMatch(
            new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, .*chart`),
          );
          expect(await paintedPixels(page, figure.locator('.canvas-box'))).toBeGreaterThan(50);
          expect(await figure.locator('canvas').isVisible()).toBe(false);
          for (const release of held) await release();
          await page.unrouteAll({ behavior: 'ignoreErrors' });
          await waitForLive(page);
        },
      );
    },
  );

  test.each(LIVE_PAGES)(
    '$name: Chart.js replaces the first chart when the pointer reaches it, in the same box and without a layout shift',
    async (site) => {
      await withContext({}, async (context) => {
        await context.addInitScript(() => {
          const shifts: number[] = [];
          Object.assign(window, { homecallShifts: shifts });
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) {
              shifts.push((entry as PerformanceEntry & { value: number }).value);
            }
          }).observe({ type: 'layout-shift', buffered: true });
        });
        const { page, problems } = await open(context, site);
        const scripts: string[] = [];
        page.on('request', (request) => {
          if (request.resourceType() === 'script') scripts.push(request.url());
        });
        const figure = page.locator('figure[data-chart]').first();
        const box = figure.locator('.canvas-box');
        await box.scrollIntoViewIfNeeded();
        // Live data shown, still static: no chart code has been fetched for it.
        expect(await figure.getAttribute('data-render')).toBe('static');
        expect(await figure.locator('canvas').isVisible()).toBe(false);
        expect(scripts).toEqual([]);
        const before = await box.boundingBox();
        const shiftsBefore = await page.evaluate(
          () => (window as unknown as { homecallShifts: number[] }).homecallShifts.length,
        );

        await box.hover();
        await expect
          .poll(() => figure.getAttribute('data-render'), { timeout: 30_000 })
          .toBe('interactive');
        await expect
          .poll(() => figure.getAttribute('data-state'), { timeout: 60_000 })
          .toBe('drawn');
        expect(
          scripts.length,
          'Chart.js is fetched when the pointer reaches the chart',
        ).toBeGreaterThan(0);
        const canvas = figure.locator('canvas');
        expect(await canvas.isVisible()).toBe(true);
        expect(await figure.locator('[data-static]').isVisible()).toBe(false);
        expect(await canvas.getAttribute('aria-label')).toMatch(/chart/);
        expect(await paintedPixels(page, box)).toBeGreaterThan(50);
        expect(await box.boundingBox()).toEqual(before);
        const shifts = await page.evaluate(
          () => (window as unknown as { homecallShifts: number[] }).homecallShifts,
        );
        const added = shifts.slice(shiftsBefore).reduce((sum, v) => sum + v, 0);
        expect(added, JSON.stringify(shifts)).toBe(0);
        expect(problems.errors).toEqual([]);
      });
    },
  );
});

describe('Data page', () => {
  test('serves the generated JSON Schemas and OpenAPI document as they are in shared/generated', async () => {
    for (const name of ['event.schema.json', 'day-aggregate.schema.json', 'openapi.json']) {
      const response = await fetch(`${stack.hostingUrl}/schemas/${name}`);
      expect(response.status, name).toBe(200);
      const generated = readFileSync(new URL(`../../shared/generated/${name}`, import.meta.url));
      expect(await response.json()).toEqual(JSON.parse(generated.toString()));
    }
  });

  test('its download links answer JSON and CSV', async () => {
    await withContext({}, async (context) => {
      const { page } = await open(context, pageNamed('data'));
      const links = await page
        .locator('a[data-range-link]')
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      expect(links).toHaveLength(8);
      for (const link of links) {
        const response = await fetch(link);
        expect(response.status, link).toBe(200);
        expect(response.headers.get('content-type') ?? '').toMatch(
          link.includes('.csv') ? /text\/csv/ : /application\/json/,
        );
      }
    });
  });
});

describe('page weight', () => {
  test('the Overview and Counters pages transfer at most 150 KB gzipped each, the API refresh included', async () => {
    const weights: Record<string, number> = {};
    for (const site of PAGES) {
      // A fresh context per page: a cold cache, as a first visit.
      await withContext({}, async (context) => {
        const page = await context.newPage();
        const bodies: Promise<number>[] = [];
        page.on('response', (response) => {
          if (!response.url().startsWith(stack.hostingUrl)) return;
          bodies.push(
            response
              .body()
              .then((body) => gzipSync(body).length)
              .catch(() => 0),
          );
        });
        await page.goto(`${stack.hostingUrl}${site.path}`, { waitUntil: 'networkidle' });
        weights[site.name] = (await Promise.all(bodies)).reduce((sum, n) => sum + n, 0);
      });
    }
    writeFileSync(new URL('page-weights.json', ARTIFACTS), `${JSON.stringify(weights, null, 2)}\n`);
    console.log(
      `page weights (gzip, cold cache, API refresh included): ${Object.entries(weights)
        .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`)
        .join(', ')}`,
    );
    expect(weights.overview).toBeGreaterThan(10_000);
    expect(weights.overview).toBeLessThanOrEqual(OVERVIEW_BUDGET_BYTES);
    expect(weights.counters).toBeGreaterThan(10_000);
    expect(weights.counters).toBeLessThanOrEqual(COUNTERS_BUDGET_BYTES);
  });
});

describe('flagged days', () => {
  test('a day the aggregation flagged is marked on the Overview charts, with its reason', async () => {
    const firestore = createFirestore({ projectId: LOCAL_PROJECT });
    const store = new FirestoreStore(firestore);
    const today = dayOf(Date.now());
    const days = await store.readDays(addDays(today, -30), today);
    const target = days.at(-2);
    expect(target).toBeDefined();
    const original = target as DayAggregate;
    const reason = 'New installs 900 against a median of 4 over the 14 days before.';
    await store.writeDays([
      {
        ...original,
        anomaly: {
          reason,
          signals: [{ figure: 'newInstalls', value: 900, baseline: 4, rule: 'jump' }],
        },
      },
    ]);
    try {
      await withContext({}, async (context) => {
        const { page, problems } = await open(context, PAGES[0] as SitePage);
        await drawAll(page);
        const notes = await page.locator('figure[data-chart] [data-flags]').evaluateAll((els) =>
          els.map((el) => ({
            text: el.textContent?.trim() ?? '',
            hidden: (el as HTMLElement).hidden,
          })),
        );
        // Every chart over days of the range says which day is flagged and why.
        expect(notes.length).toBeGreaterThan(0);
        for (const note of notes) {
          expect(note.hidden).toBe(false);
          expect(note.text).toBe(
            `Flagged day (the figures may include made-up installs): ${original.day}: ${reason}`,
          );
        }
        const labels = await page
          .locator('figure[data-chart] canvas')
          .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
        for (const label of labels) expect(label).toContain(`Flagged days: ${original.day}.`);
        // The static charts the page paints mark it too: one band, of some width, per chart.
        const bands = await page
          .locator('figure[data-chart] [data-static]')
          .evaluateAll((els) =>
            els.map((el) =>
              [...el.querySelectorAll('path.sc-flag')].map((p) => p.getBoundingClientRect().width),
            ),
          );
        expect(bands.length).toBeGreaterThan(0);
        for (const widths of bands) {
          expect(widths).toHaveLength(1);
          expect(widths[0]).toBeGreaterThan(0);
        }
        expect(problems.errors).toEqual([]);
      });
    } finally {
      await store.writeDays([original]);
      await firestore.terminate();
    }
  });
});
