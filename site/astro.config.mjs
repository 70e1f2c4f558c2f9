// The public stats site: static pages rendered from the snapshot of daily aggregates.
// Importing shared/config.ts validates homecall.config.ts: a bad value stops the build here.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { URL } from 'node:url';
import { defineConfig } from 'astro/config';
import { deploymentConfig } from '../shared/config.ts';
import { BUILD_MANIFEST, buildManifest } from './src/lib/build-manifest.ts';
import { readSnapshot, snapshotFile } from './src/lib/snapshot.ts';

/** Leaves a record of what the build was made from, for the hosting predeploy to check. */
const buildRecord = {
  name: 'homecall-build-record',
  hooks: {
    'astro:build:done': async ({ dir }) => {
      const file = snapshotFile(new URL('./', import.meta.url));
      const snapshot = await readSnapshot(file);
      const manifest = buildManifest(
        snapshot,
        existsSync(file) ? file : null,
        deploymentConfig,
        Date.now(),
      );
      await writeFile(new URL(BUILD_MANIFEST, dir), `${JSON.stringify(manifest, null, 2)}\n`);
    },
  },
};

export default defineConfig({
  site: deploymentConfig.siteUrl,
  output: 'static',
  // Styles are small: inline, they cost no render-blocking request (the CSP allows inline styles).
  build: { inlineStylesheets: 'always' },
  integrations: [buildRecord],
  vite: {
    // Never inline a script into the page: the Content-Security-Policy (firebase.json) allows
    // scripts from the site's own files only.
    build: { assetsInlineLimit: 0 },
    environments: {
      // The prerender bundle imports astro's runtime dependencies by bare name from
      // site/dist/.prerender, which finds the hoisted cookie@0.7 (express's) instead of the
      // cookie@2 astro ships nested. Bundling cookie resolves it from astro's own folder.
      prerender: { resolve: { noExternal: ['cookie'] } },
    },
  },
});
