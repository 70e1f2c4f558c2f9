// Held-out LibreNMS reports on the Counters page: eight installs send LibreNMS's daily body
// (`log.php`, form-encoded `data=<json>`) every day for three weeks; the bodies go through the
// real LibreNMS adapter and ingest pipeline, the real aggregation publishes them, the site is
// built from those aggregates and served by the firebase emulators. The page must show each
// group with its title, total and installs, and every value with its sum and installs — with
// JavaScript (refreshed from the stats API) and without (the tables built into the page). No
// demo fleet: nothing on the page comes from anywhere but these reports.
/// <reference lib="dom" />
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStack, type Stack } from '../../scripts/lib/stack.ts';
import { LIBRENMS_REPORT_DAYS, libreNmsFleet } from '../support/librenms-fleet.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // A Firestore emulator of its own: the suite's shared one still holds the demo fleet another
  // file's stack wrote (the stack's project id is fixed), and nothing but these reports may count.
  delete process.env.FIRESTORE_EMULATOR_HOST;
  stack = await startStack({ demo: false, fleet: libreNmsFleet, firestorePort: 0, log: () => {} });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The rows of a figure's table: the row header and its cells. */
async function tableRows(page: Page, figureTitle: string): Promise<string[][]> {
  const figure = page.locator('figure[data-chart]', {
    has: page.locator('figcaption', { hasText: figureTitle }),
  });
  return figure
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? ''),
      ),
    );
}

/** What both the scripted and the plain page must show. */
async function expectCounters(page: Page): Promise<void> {
  // The configured group, with its configured title and description.
  const os = page.locator('section[data-counter-group="os"]');
  await expect.poll(() => os.locator('h2').textContent()).toBe('Devices by operating system');
  const title = 'Devices by operating system, latest final day';
  // 10+20+…+80 Linux, 1+…+8 IOS, 3·4 Junos + 2·7 VRP in "other": 422 devices on 8 installs.
  const caption = await os
    .locator('figure', { hasText: title })
    .locator('[data-caption]')
    .textContent();
  const latest = /on (\d{4}-\d{2}-\d{2}): 422 devices on 8 installs$/.exec(
    caption?.trim() ?? '',
  )?.[1];
  expect(latest, caption ?? '').toBeDefined();
  expect(await tableRows(page, title)).toEqual([
    ['linux', '360', '8', '85.3%'],
    ['ios', '36', '8', '8.5%'],
    ['other', '26', '5', '6.2%'],
  ]);
  // Over time: the latest final day's row has the total, the installs and each value's sum.
  const trend = await tableRows(page, 'Devices by operating system over time');
  expect(trend.length).toBeGreaterThanOrEqual(LIBRENMS_REPORT_DAYS - 1);
  expect(trend.find((row) => row[0] === latest)).toEqual([
    latest,
    '422',
    '8',
    '360 (8)',
    '36 (8)',
    '26',
  ]);
  // A group the configuration does not describe is titled by its key.
  const bgp = page.locator('section[data-counter-group="bgppeer_state"]');
  expect(await bgp.locator('h2').textContent()).toBe('bgppeer_state');
  expect(await tableRows(page, 'bgppeer_state, latest final day')).toEqual([
    ['established', '24', '6', '100%'],
  ]);
  // Three installs are under k: the group is nowhere on the page.
  expect(await page.locator('section[data-counter-group="ipsec"]').count()).toBe(0);
  expect(await page.locator('main').textContent()).not.toContain('ipsec');
}

describe('the Counters page with LibreNMS reports from 8 installs', () => {
  test('with JavaScript: refreshed from the API, each group with its values, sums and installs', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`${stack.hostingUrl}/counters`, { waitUntil: 'load' });
      await page.waitForFunction(() =>
        ['live', 'failed'].includes(document.body.dataset.live ?? ''),
      );
      expect(await page.evaluate(() => document.body.dataset.live)).toBe('live');
      // Open every table (the refreshed numbers are rendered into it when it opens) and draw
      // every chart; the groups these installs report must draw, configured ones they do not
      // report say they have no data.
      for (const toggle of await page.locator('section[data-counter-group] .table-toggle').all()) {
        await toggle.scrollIntoViewIfNeeded();
        await toggle.click();
      }
      for (const section of await page.locator('section[data-counter-group]').all()) {
        const reported = ['os', 'bgppeer_state'].includes(
          (await section.getAttribute('data-counter-group')) ?? '',
        );
        for (const figure of await section.locator('figure').all()) {
          await figure.scrollIntoViewIfNeeded();
          await expect
            .poll(() => figure.getAttribute('data-state'), { timeout: 60_000 })
            .toBe(reported ? 'drawn' : 'empty');
        }
      }
      await expectCounters(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript: the same numbers in the tables built into the page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${stack.hostingUrl}/counters`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      for (const table of await page.locator('section[data-counter-group] table').all())
        expect(await table.isVisible()).toBe(true);
      await expectCounters(page);
    } finally {
      await context.close();
    }
  });
});
