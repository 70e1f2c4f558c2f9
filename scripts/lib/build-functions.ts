/**
 * Bundles functions/src into functions/lib/index.js. Code from shared/ is compiled in, npm
 * packages stay external: firebase deploy uploads only functions/, and Cloud Build installs the
 * dependencies functions/package.json lists.
 */
import { build } from 'esbuild';

/** Builds the functions bundle and returns how long it took in milliseconds. */
export async function buildFunctions(): Promise<number> {
  const started = Date.now();
  await build({
    entryPoints: [new URL('../../functions/src/index.ts', import.meta.url).pathname],
    outfile: new URL('../../functions/lib/index.js', import.meta.url).pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return Date.now() - started;
}
