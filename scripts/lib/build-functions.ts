/**
 * Bundles functions/src into functions/lib/index.js. Code from shared/ is compiled in, npm
 * packages stay external: firebase deploy uploads only functions/, and Cloud Build installs the
 * dependencies functions/package.json lists.
 */
import { resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** How to build the bundle. */
export interface BuildFunctionsOptions {
  /**
   * A configuration file compiled in instead of homecall.config.ts, for a test that needs other
   * settings in the emulated functions (validated at their startup like the real one). A deploy
   * never sets it: firebase.json's predeploy builds from homecall.config.ts.
   */
  configFile?: string;
}

/** Resolves the repository's homecall.config.ts to `file`. */
function configFilePlugin(file: string): Plugin {
  return {
    name: 'homecall-config-file',
    setup(context) {
      context.onResolve({ filter: /(^|\/)homecall\.config\.ts$/ }, () => ({ path: resolve(file) }));
    },
  };
}

/** Builds the functions bundle and returns how long it took in milliseconds. */
export async function buildFunctions(options: BuildFunctionsOptions = {}): Promise<number> {
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
    plugins: options.configFile ? [configFilePlugin(options.configFile)] : [],
  });
  return Date.now() - started;
}
