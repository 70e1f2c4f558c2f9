// Lighthouse (mobile profile, the npm package, Debian's Chromium) on every page of the site built
// with the demo fleet, served by the Hosting stand-in with the stats API on the same fleet, plus
// a bare reference page (one static Chart.js chart) in the same run, so the site's figures read
// against this machine's speed. Each page is measured `runs` times; the run with the median
// performance score is reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import lighthouse from 'lighthouse';
import { deploymentConfig } from '../../shared/config.ts';
import { createStatsHandler } from '../../functions/src/stats/handler.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import { seedDemo } from '../../scripts/lib/demo.ts';
import { startHosting } from '../support/hosting.ts';
import { astroBuild } from './site.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

/** The pages measured, the reference page last. */
export const LIGHTHOUSE_PAGES = [
  { name: 'Overview', path: '/' },
  { name: 'Versions', path: '/versions' },
  { name: 'Platforms', path: '/platforms' },
  { name: 'Attributes', path: '/attributes' },
  { name: 'Counters', path: '/counters' },
  { name: 'Reliability', path: '/reliability' },
  { name: 'Data', path: '/data' },
  { name: 'Privacy', path: '/privacy' },
  { name: 'reference', path: '/reference/' },
] as const;

/** One page's figures, from the run with the median performance score. */
export interface LighthouseRow {
  page: string;
  path: string;
  performance: number;
  accessibility: number;
  bestPractices: number;
  seo: number;
  cls: number;
  tbtMs: number;
  ttiMs: number;
  fcpMs: number;
  lcpMs: number;
  /** Bytes transferred for the page, as Lighthouse counts them (compressed). */
  transferBytes: number;
  /** Performance scores of every run, to show the spread. */
  performanceRuns: number[];
}

interface Browser {
  port: number;
  child: ChildProcess;
  profile: string;
}

async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'homecall-lighthouse-'));
  const child = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`Chromium exited (${code}): ${seen}`)));
  });
  return { port, child, profile };
}

async function closeChromium(browser: Browser): Promise<void> {
  await new Promise<void>((resolve) => {
    if (browser.child.exitCode !== null) return resolve();
    browser.child.once('exit', () => resolve());
    browser.child.kill('SIGTERM');
  });
  await rm(browser.profile, { recursive: true, force: true });
}

/** The bare reference page: one canvas in a fixed box, one bundled script drawing it. */
async function writeReferencePage(outDir: string): Promise<void> {
  const dir = join(outDir, 'reference');
  await mkdir(dir, { recursive: true });
  await build({
    entryPoints: [new URL('reference/chart.ts', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'chart.js'),
    logLevel: 'error',
  });
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="Reference page: one static chart.">
<link rel="icon" href="data:,">
<title>Reference chart</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;margin:1rem}.box{position:relative;height:18rem}</style>
</head><body><main><h1>One chart</h1><div class="box"><canvas role="img" aria-label="A line chart of 90 days"></canvas></div></main>
<script type="module" src="/reference/chart.js"></script></body></html>\n`,
  );
}

type Result = NonNullable<Awaited<ReturnType<typeof lighthouse>>>['lhr'];

function rowOf(page: string, path: string, lhr: Result, runs: number[]): LighthouseRow {
  const score = (id: (typeof CATEGORIES)[number]) =>
    Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const value = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  return {
    page,
    path,
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    seo: score('seo'),
    cls: value('cumulative-layout-shift'),
    tbtMs: value('total-blocking-time'),
    ttiMs: value('interactive'),
    fcpMs: value('first-contentful-paint'),
    lcpMs: value('largest-contentful-paint'),
    transferBytes: value('total-byte-weight'),
    performanceRuns: runs,
  };
}

/** A site to measure: its label in the report and its Astro root folder. */
export interface LighthouseSite {
  label: string;
  root: string;
}

/**
 * Runs Lighthouse on every page of each site, built from the same demo fleet and served side by
 * side; the runs alternate between the sites page by page, so load on the machine falls on both
 * alike. The reference page is measured once, between them.
 */
export async function benchLighthouse(options: {
  runs: number;
  log?: (line: string) => void;
  /** The sites to measure; by default this checkout's `site`. */
  sites?: LighthouseSite[];
}): Promise<LighthouseRow[]> {
  const log = options.log ?? (() => {});
  const sites = options.sites ?? [{ label: '', root: 'site' }];
  const scratch = await mkdtemp(join(tmpdir(), 'homecall-bench-lighthouse-'));
  const store = new MemoryStore();
  // The fleet `npm start` shows: 300 installs over 90 days.
  await seedDemo(store, 'bench-lighthouse');
  const snapshot = join(scratch, 'days.json');
  await writeFile(
    snapshot,
    JSON.stringify({ generatedAt: new Date().toISOString(), days: [...store.days.values()] }),
  );
  const stats = createStatsHandler({ store, clock: Date.now, log: () => {} });
  const served: { site: LighthouseSite; url: string; close: () => Promise<void> }[] = [];
  let browser: Browser | undefined;
  try {
    for (const [i, site] of sites.entries()) {
      const outDir = join(scratch, `dist-${i}`);
      await astroBuild(snapshot, outDir, site.root);
      await writeReferencePage(outDir);
      const hosting = await startHosting(outDir, stats);
      served.push({ site, url: hosting.url, close: () => hosting.close() });
    }
    browser = await launchChromium();
    const port = browser.port;
    const measure = async (url: string): Promise<Result> => {
      const result = await lighthouse(url, {
        port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const errors = result.lhr.runtimeError;
      if (errors) throw new Error(`Lighthouse on ${url}: ${errors.message}`);
      return result.lhr;
    };
    const rows: LighthouseRow[] = [];
    for (const page of LIGHTHOUSE_PAGES) {
      const targets = page.name === 'reference' ? served.slice(0, 1) : served;
      const results = targets.map(() => [] as Result[]);
      for (let run = 0; run < options.runs; run += 1) {
        for (const [i, target] of targets.entries()) {
          results[i]?.push(await measure(`${target.url}${page.path}`));
        }
      }
      for (const [i, target] of targets.entries()) {
        const runs = results[i] ?? [];
        const scores = runs.map((r) => Math.round((r.categories.performance?.score ?? 0) * 100));
        const order = runs
          .map((lhr, j) => ({ lhr, score: scores[j] ?? 0 }))
          .sort((a, b) => a.score - b.score);
        const median = order[Math.floor((order.length - 1) / 2)]?.lhr;
        if (!median) throw new Error(`no Lighthouse run for ${page.path}`);
        const name =
          page.name === 'reference' || !target.site.label
            ? page.name
            : `${page.name} ${target.site.label}`;
        const row = rowOf(name, page.path, median, scores);
        log(
          `lighthouse ${row.page}: ${row.performance} (runs ${scores.join(', ')}), CLS ${row.cls.toFixed(3)}, TBT ${row.tbtMs.toFixed(0)} ms`,
        );
        rows.push(row);
      }
    }
    return rows;
  } finally {
    if (browser) await closeChromium(browser);
    for (const s of served) await s.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The report lines of a Lighthouse run: a table and whether the targets are met. */
export function lighthouseReport(rows: readonly LighthouseRow[], runs: number): string[] {
  const pad = (n: number, width: number) => n.toFixed(0).padStart(width);
  const lines = [
    `\n== Lighthouse (mobile, simulated throttling; median of ${runs} runs by performance) ==`,
    'page                      perf   a11y   best    seo     CLS   TBT ms   TTI ms   LCP ms    KB   runs',
  ];
  for (const r of rows) {
    lines.push(
      `${r.page.padEnd(24)}${pad(r.performance, 6)}${pad(r.accessibility, 7)}${pad(r.bestPractices, 7)}${pad(r.seo, 7)}${r.cls.toFixed(3).padStart(8)}${pad(r.tbtMs, 9)}${pad(r.ttiMs, 9)}${pad(r.lcpMs, 9)}${pad(r.transferBytes / 1024, 6)}   ${r.performanceRuns.join('/')}`,
    );
  }
  const reference = rows.find((r) => r.page === 'reference');
  const sitePages = rows.filter((r) => r.page !== 'reference');
  const missed = sitePages.filter((r) => !meetsTargets(r)).map((r) => r.page);
  lines.push(
    `Lighthouse targets (perf >= 95, CLS <= 0.02, TBT <= 150 ms, a11y/best practices/SEO 100): ${missed.length === 0 ? 'met on every page' : `MISSED (${missed.join(', ')} short)`}; reference page: ${reference?.performance ?? '?'}, TBT ${reference?.tbtMs.toFixed(0) ?? '?'} ms`,
  );
  return lines;
}

/** Whether a row meets the issue's targets (the reference page is not held to them). */
export function meetsTargets(row: LighthouseRow): boolean {
  return (
    row.performance >= 95 &&
    row.cls <= 0.02 &&
    row.tbtMs <= 150 &&
    row.accessibility === 100 &&
    row.bestPractices === 100 &&
    row.seo === 100
  );
}

/** The site name, for the report header. */
export const SITE_NAME = deploymentConfig.siteName;
