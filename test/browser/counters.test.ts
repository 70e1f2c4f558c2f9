// Held-out LibreNMS reports on the Counters page: 400 installs send LibreNMS's daily body
// (`log.php`, form-encoded `data=<json>`) every day for eight days; the bodies go through the
// real LibreNMS adapter and ingest pipeline, the real aggregation publishes the final days (with
// differential privacy), the site is built from those aggregates and served by the firebase
// emulators. The page must show each group with its title, total and installs, and every value
// with its sum and installs, exactly as the stats API publishes them (the noisy figures, never
// the exact ones) — with JavaScript (refreshed from the API) and without (the tables built into
// the page) — and those must be the fleet's within the noise the day states. No demo fleet:
// nothing on the page comes from anywhere but these reports.
/// <reference lib="dom" />
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CounterGroup, DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { lateDays } from '../../functions/src/aggregate/plan.ts';
import { startStack, type Stack } from '../../scripts/lib/stack.ts';
import {
  LIBRENMS_INSTALLS,
  LIBRENMS_REPORT_DAYS,
  libreNmsFleet,
} from '../support/librenms-fleet.ts';

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

/** The latest published day, as the stats API serves it. */
async function latestDay(): Promise<DayAggregate> {
  const response = await fetch(`${stack.hostingUrl}/api/v1/latest`);
  expect(response.status).toBe(200);
  return (await response.json()) as DayAggregate;
}

/** The published days from `from` to today, as the stats API serves them. */
async function publishedDays(from: string): Promise<DayAggregate[]> {
  const response = await fetch(
    `${stack.hostingUrl}/api/v1/days?from=${from}&to=${dayOf(Date.now())}`,
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { days: DayAggregate[] }).days;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A value's table row as the page writes it: value, sum, installs (its share is checked apart). */
const valueRow = (v: CounterGroup['values'][number]) => [v.value, count(v.sum), count(v.installs)];

/** What both the scripted and the plain page must show. */
async function expectCounters(page: Page): Promise<void> {
  const latest = await latestDay();
  const noise = latest.privacy?.noise ?? {};
  const sigma = (query: string) => noise[query]?.sigma ?? 0;
  expect(latest.privacy?.epsilon).toBe(deploymentConfig.privacy.epsilon);
  const group = (name: string) => latest.counters.find((g) => g.group === name);
  const os = group('os') as CounterGroup;
  expect(os, 'the os group is published').toBeDefined();
  // The published figures are the fleet's within the noise: 400 installs report the group, and
  // every one of them Linux and IOS devices (six σ: a regression, not chance, fails this).
  expect(Math.abs(os.installs - LIBRENMS_INSTALLS)).toBeLessThan(6 * sigma('counters.groups'));
  const linux = os.values.find((v) => v.value === 'linux');
  expect(Math.abs((linux?.installs ?? 0) - LIBRENMS_INSTALLS)).toBeLessThan(
    6 * sigma('counters.values'),
  );
  // 50 installs of each kind n = 1..8 with 10·n Linux devices: 18,000 in all.
  expect(Math.abs((linux?.sum ?? 0) - 18_000)).toBeLessThan(6 * sigma('counters.values.sum'));
  expect(os.values.map((v) => v.value)).toEqual(expect.arrayContaining(['linux', 'ios']));

  // The configured group, with its configured title and description, and the published numbers.
  const section = page.locator('section[data-counter-group="os"]');
  await expect.poll(() => section.locator('h2').textContent()).toBe('Devices by operating system');
  const title = 'Devices by operating system, latest final day';
  const caption = await section
    .locator('figure', { hasText: title })
    .locator('[data-caption]')
    .textContent();
  expect(caption?.trim()).toMatch(
    new RegExp(`on ${latest.day}: ${count(os.sum)} devices on ${count(os.installs)} installs$`),
  );
  const rows = await tableRows(page, title);
  expect(rows.map((r) => r.slice(0, 3))).toEqual(os.values.map(valueRow));
  for (const row of rows) expect(row[3]).toMatch(/%$/);
  // Over time: every day the fleet reported and the API published has its row, with the group's
  // total and installs as published.
  const trend = await tableRows(page, 'Devices by operating system over time');
  const reported = await publishedDays(addDays(dayOf(Date.now()), -(LIBRENMS_REPORT_DAYS - 1)));
  expect(reported.length).toBe(LIBRENMS_REPORT_DAYS - lateDays(deploymentConfig));
  // On the fleet's first day its installs are new, not yet established: they count from the
  // second (the establishment rule), so no group is published that day.
  expect(reported[0]?.counters.find((g) => g.group === 'os')).toBeUndefined();
  for (const day of reported.slice(1)) {
    const group = day.counters.find((g) => g.group === 'os');
    expect(group, `os on ${day.day}`).toBeDefined();
    expect(trend.find((row) => row[0] === day.day)?.slice(0, 3)).toEqual([
      day.day,
      count(group?.sum ?? 0),
      count(group?.installs ?? 0),
    ]);
  }
  // A group the configuration does not describe is titled by its key.
  const bgp = group('bgppeer_state') as CounterGroup;
  expect(bgp, 'the bgppeer_state group (350 installs) is published').toBeDefined();
  const bgpSection = page.locator('section[data-counter-group="bgppeer_state"]');
  expect(await bgpSection.locator('h2').textContent()).toBe('bgppeer_state');
  expect(
    (await tableRows(page, 'bgppeer_state, latest final day')).map((r) => r.slice(0, 3)),
  ).toEqual(bgp.values.map(valueRow));
  // 10 installs are far under the threshold (4σ): the group is nowhere, not in the API, not on
  // the page.
  expect(group('ipsec')).toBeUndefined();
  expect(await page.locator('section[data-counter-group="ipsec"]').count()).toBe(0);
  expect(await page.locator('main').textContent()).not.toContain('ipsec');
}

describe('the Counters page with LibreNMS reports from 400 installs', () => {
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

  test('the os chart is painted at build before any script runs; Chart.js replaces it when reached', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      // Hold back every script until the page has been looked at.
      const held: (() => Promise<void>)[] = [];
      await page.route(
        (url) => url.pathname.endsWith('.js'),
        (route) => void held.push(() => route.continue()),
      );
      await page.goto(`${stack.hostingUrl}/counters`, { waitUntil: 'commit' });
      const figure = page
        .locator('section[data-counter-group="os"] figure[data-chart]')
        .filter({ hasText: 'Devices by operating system, latest final day' });
      const still = figure.locator('[data-static][role="img"]');
      await expect.poll(() => still.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await page.evaluate(() => document.body.dataset.live)).toBe('built');
      expect(held.length).toBeGreaterThan(0);
      expect(await still.getAttribute('aria-label')).toMatch(
        /^Devices by operating system, latest final day, bar chart/,
      );
      expect(await figure.locator('canvas').isVisible()).toBe(false);
      for (const release of held) await release();
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await page.waitForFunction(() =>
        ['live', 'failed'].includes(document.body.dataset.live ?? ''),
      );
      const box = figure.locator('.canvas-box');
      await box.scrollIntoViewIfNeeded();
      await box.hover();
      await expect
        .poll(() => figure.getAttribute('data-render'), { timeout: 30_000 })
        .toBe('interactive');
      await expect.poll(() => figure.getAttribute('data-state'), { timeout: 60_000 }).toBe('drawn');
      expect(await figure.locator('canvas').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
