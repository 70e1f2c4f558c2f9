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

/** Runs Lighthouse on every page of a site built from the demo fleet. */
export async function benchLighthouse(options: {
  runs: number;
  log?: (line: string) => void;
  /** Another checkout's site folder, to measure it on the same machine in the same way. */
  siteRoot?: string;
}): Promise<LighthouseRow[]> {
  const log = options.log ?? (() => {});
  const scratch = await mkdtemp(join(tmpdir(), 'homecall-bench-lighthouse-'));
  const store = new MemoryStore();
  // The fleet `npm start` shows: 300 installs over 90 days.
  await seedDemo(store, 'bench-lighthouse');
  const snapshot = join(scratch, 'days.json');
  await writeFile(
    snapshot,
    JSON.stringify({ generatedAt: new Date().toISOString(), days: [...store.days.values()] }),
  );
  const outDir = join(scratch, 'dist');
  await astroBuild(snapshot, outDir, options.siteRoot);
  await writeReferencePage(outDir);
  const stats = createStatsHandler({ store, clock: Date.now, log: () => {} });
  const hosting = await startHosting(outDir, stats);
  const browser = await launchChromium();
  try {
    const rows: LighthouseRow[] = [];
    for (const page of LIGHTHOUSE_PAGES) {
      const results: Result[] = [];
      for (let run = 0; run < options.runs; run += 1) {
        const result = await lighthouse(`${hosting.url}${page.path}`, {
          port: browser.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: [...CATEGORIES],
        });
        if (!result) throw new Error(`Lighthouse returned nothing for ${page.path}`);
        const errors = result.lhr.runtimeError;
        if (errors) throw new Error(`Lighthouse on ${page.path}: ${errors.message}`);
        results.push(result.lhr);
      }
      const scores = results.map((r) => Math.round((r.categories.performance?.score ?? 0) * 100));
      const order = results
        .map((lhr, i) => ({ lhr, score: scores[i] ?? 0 }))
        .sort((a, b) => a.score - b.score);
      const median = order[Math.floor((order.length - 1) / 2)]?.lhr;
      if (!median) throw new Error(`no Lighthouse run for ${page.path}`);
      const row = rowOf(page.name, page.path, median, scores);
      log(
        `lighthouse ${page.name}: ${row.performance} (runs ${scores.join(', ')}), CLS ${row.cls.toFixed(3)}, TBT ${row.tbtMs.toFixed(0)} ms`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    await closeChromium(browser);
    await hosting.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Whether a row meets the targets (the reference page is not held to them). */
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
