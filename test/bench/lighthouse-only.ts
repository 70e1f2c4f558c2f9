// `npm run bench -- --lighthouse [--runs N] [--baseline <site folder>]`: only the Lighthouse
// section of the bench. With `--baseline`, another checkout's site (e.g. an export of main) is
// built from the same fleet and measured in the same run, its runs alternating with this
// site's, so before and after read against the same machine load.
import { mkdir, writeFile } from 'node:fs/promises';
import { benchLighthouse, lighthouseReport, type LighthouseSite } from './lighthouse.ts';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs the Lighthouse section alone and writes bench-results/lighthouse-<time>.json. */
export async function lighthouseOnly(args: readonly string[]): Promise<void> {
  const runs = Number(option(args, '--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number >= 1');
  const baseline = option(args, '--baseline');
  const sites: LighthouseSite[] = baseline
    ? [
        { label: '(baseline)', root: baseline },
        { label: '(this)', root: 'site' },
      ]
    : [{ label: '', root: 'site' }];
  const started = Date.now();
  const rows = await benchLighthouse({ runs, sites, log: (line) => console.log(line) });
  for (const line of lighthouseReport(rows, runs)) console.log(line);
  const at = new Date().toISOString();
  await mkdir('bench-results', { recursive: true });
  const file = `bench-results/lighthouse-${at.replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify({ at, runs, sites, rows }, null, 2)}\n`);
  console.log(`\nresults: ${file} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
