// Site: build time of the static site from 90 days and from 3 years of daily aggregates (the
// simulated demo fleet, aggregated in memory), and what every page transfers on a first visit
// in Chromium — HTML, script and the API requests of the data refresh, gzip — with three years
// of the demo fleet and of a Netdata-sized fleet, against each page's budget.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { dayOf } from '../../shared/dates.ts';
import { createStatsHandler } from '../../functions/src/stats/handler.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import { seedDemo } from '../../scripts/lib/demo.ts';
import { startHosting } from '../support/hosting.ts';
import { netdataDays } from '../support/netdata-days.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** One build. */
export interface SiteBuild {
  days: number;
  snapshotBytes: number;
  simulateSeconds: number;
  buildSeconds: number;
}

/** What one page transfers on a first visit, the data refresh included (gzip). */
export interface PageWeight {
  page: string;
  requests: number;
  /** Bytes of the stats API answers (the refresh). */
  apiBytes: number;
  totalBytes: number;
  budgetBytes: number;
  /** Where the page ended: `live` (refreshed from the API) or `static`. */
  live: string;
}

/** The builds, and the page weights with three years of each fleet. */
export interface SiteBench {
  builds: SiteBuild[];
  /** The simulated demo fleet (`installs` installs). */
  pages: PageWeight[];
  /** A Netdata-sized fleet (hundreds of versions, OS versions, kernels, modules). */
  netdataPages: PageWeight[];
  /** JSON bytes of one Netdata-sized day, and of the days of the three years. */
  netdataDayBytes: number;
}

async function simulatedSnapshot(days: number, installs: number, file: string) {
  const started = performance.now();
  const store = new MemoryStore();
  await seedDemo(store, 'bench-site', { installs, days, seed: 20261122 });
  const bytes = await writeSnapshot(file, [...store.days.values()]);
  return { bytes, seconds: (performance.now() - started) / 1000, store };
}

async function writeSnapshot(file: string, days: readonly DayAggregate[]): Promise<number> {
  const snapshot = JSON.stringify({ generatedAt: new Date().toISOString(), days });
  await writeFile(file, snapshot);
  return Buffer.byteLength(snapshot);
}

/** Builds the site with `snapshot` into `outDir`; resolves to the seconds it took. */
export function astroBuild(snapshot: string, outDir: string, siteRoot = 'site'): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      `${ROOT}node_modules/.bin/astro`,
      ['build', '--root', siteRoot, '--outDir', outDir, '--silent'],
      {
        cwd: ROOT,
        env: { ...process.env, HOMECALL_SNAPSHOT: snapshot },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('close', (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`astro build failed (exit ${code}): ${errors.slice(-2000)}`));
    });
  });
}

/** The pages weighed, with their budgets (gzip, cold cache, the data refresh included). */
export const PAGE_BUDGETS = [
  { page: '/', budgetBytes: 150 * 1024 },
  { page: '/versions', budgetBytes: 150 * 1024 },
  { page: '/platforms', budgetBytes: 150 * 1024 },
  { page: '/attributes', budgetBytes: 150 * 1024 },
  { page: '/counters', budgetBytes: 150 * 1024 },
  { page: '/reliability', budgetBytes: 150 * 1024 },
  { page: '/data', budgetBytes: 50 * 1024 },
  { page: '/privacy', budgetBytes: 50 * 1024 },
] as const;

/**
 * What each page transfers on a first visit in Chromium (phone viewport, cold cache, gzip),
 * everything the page loads until the network is idle — HTML, script, and the API requests of
 * the data refresh — served by the Hosting stand-in over `store`.
 */
async function pageWeights(outDir: string, store: MemoryStore): Promise<PageWeight[]> {
  const stats = createStatsHandler({ store, clock: Date.now, log: () => {} });
  const hosting = await startHosting(outDir, stats, { gzipOnly: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  try {
    const weights: PageWeight[] = [];
    for (const { page: path, budgetBytes } of PAGE_BUDGETS) {
      const context = await browser.newContext({
        viewport: { width: 412, height: 823 },
        isMobile: true,
      });
      const page = await context.newPage();
      const sizes: Promise<{ api: boolean; bytes: number }>[] = [];
      page.on('requestfinished', (request) => {
        sizes.push(
          request.sizes().then((s) => ({
            api: new URL(request.url()).pathname.startsWith('/api/'),
            bytes: s.responseBodySize + s.responseHeadersSize,
          })),
        );
      });
      await page.goto(`${hosting.url}${path}`, { waitUntil: 'networkidle' });
      await page.waitForFunction(() => document.body.dataset.live !== 'loading');
      const all = await Promise.all(sizes);
      const apiBytes = all.filter((s) => s.api).reduce((n, s) => n + s.bytes, 0);
      const totalBytes = all.reduce((n, s) => n + s.bytes, 0);
      weights.push({
        page: path,
        requests: all.length,
        apiBytes,
        totalBytes,
        budgetBytes,
        live: (await page.evaluate(() => document.body.dataset.live)) ?? 'static',
      });
      await context.close();
    }
    return weights;
  } finally {
    await browser.close();
    await hosting.close();
  }
}

/**
 * Builds the site from 90 days and from `years` years of the demo fleet, and from `years` years
 * of a Netdata-sized fleet, in scratch folders; weighs every page of the long builds.
 */
export async function benchSite(options: { years: number; installs: number }): Promise<SiteBench> {
  const scratch = await mkdtemp(join(tmpdir(), 'homecall-bench-site-'));
  try {
    const builds: SiteBuild[] = [];
    let pages: PageWeight[] = [];
    const long = Math.round(options.years * 365.25);
    for (const days of [90, long]) {
      const snapshot = join(scratch, `days-${days}.json`);
      const outDir = join(scratch, `dist-${days}`);
      const simulated = await simulatedSnapshot(days, options.installs, snapshot);
      const buildSeconds = await astroBuild(snapshot, outDir);
      builds.push({
        days,
        snapshotBytes: simulated.bytes,
        simulateSeconds: simulated.seconds,
        buildSeconds,
      });
      if (days === long) pages = await pageWeights(outDir, simulated.store);
    }
    const netdata = netdataDays(dayOf(Date.now()), long);
    const netdataStore = new MemoryStore();
    await netdataStore.writeDays(netdata);
    const snapshot = join(scratch, 'days-netdata.json');
    const outDir = join(scratch, 'dist-netdata');
    await writeSnapshot(snapshot, netdata);
    await astroBuild(snapshot, outDir);
    const netdataPages = await pageWeights(outDir, netdataStore);
    return {
      builds,
      pages,
      netdataPages,
      netdataDayBytes: Buffer.byteLength(JSON.stringify(netdata.at(-1))),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
