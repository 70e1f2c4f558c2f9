// Site: build time of the static site from 90 days and from 3 years of daily aggregates (the
// simulated demo fleet, aggregated in memory), and the bytes of every page (HTML plus the
// scripts and styles it loads, gzip), measured on the 3-year build.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import { seedDemo } from '../../scripts/lib/demo.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** One build. */
export interface SiteBuild {
  days: number;
  snapshotBytes: number;
  simulateSeconds: number;
  buildSeconds: number;
}

/** What one page costs a reader on a cold load, before the browser fetches fresh days. */
export interface PageWeight {
  page: string;
  htmlGzipBytes: number;
  assetsGzipBytes: number;
  totalGzipBytes: number;
}

/** Both builds and the page weights of the larger one. */
export interface SiteBench {
  builds: SiteBuild[];
  pages: PageWeight[];
}

async function simulatedSnapshot(days: number, installs: number, file: string) {
  const started = performance.now();
  const store = new MemoryStore();
  await seedDemo(store, 'bench-site', { installs, days, seed: 20261122 });
  const snapshot = JSON.stringify({
    generatedAt: new Date().toISOString(),
    days: [...store.days.values()],
  });
  await writeFile(file, snapshot);
  return { bytes: Buffer.byteLength(snapshot), seconds: (performance.now() - started) / 1000 };
}

/** Builds the site with `snapshot` into `outDir`; resolves to the seconds it took. */
export function astroBuild(snapshot: string, outDir: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      `${ROOT}node_modules/.bin/astro`,
      ['build', '--root', 'site', '--outDir', outDir, '--silent'],
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

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Gzip bytes of a page's HTML and of every local script and stylesheet it references. */
async function pageWeight(outDir: string, file: string): Promise<PageWeight> {
  const html = await readFile(file);
  const refs = new Set(
    [...html.toString().matchAll(/(?:src|href)="(\/_astro\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1] ?? '',
    ),
  );
  let assets = 0;
  for (const ref of refs) assets += gzipSync(await readFile(join(outDir, ref))).length;
  const htmlGzipBytes = gzipSync(html).length;
  const page = `/${relative(outDir, file)}`.replace(/index\.html$/, '').replace(/\.html$/, '');
  return {
    page,
    htmlGzipBytes,
    assetsGzipBytes: assets,
    totalGzipBytes: htmlGzipBytes + assets,
  };
}

/** Builds the site from 90 days and from `years` years of aggregates, in scratch folders. */
export async function benchSite(options: { years: number; installs: number }): Promise<SiteBench> {
  const scratch = await mkdtemp(join(tmpdir(), 'homecall-bench-site-'));
  try {
    const builds: SiteBuild[] = [];
    let largest = '';
    for (const days of [90, Math.round(options.years * 365.25)]) {
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
      largest = outDir;
    }
    const pages = await Promise.all(
      (await htmlFiles(largest)).map((file) => pageWeight(largest, file)),
    );
    return { builds, pages };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
