// The public stats site: static pages rendered from the snapshot of daily aggregates.
import { defineConfig } from 'astro/config';
import { deploymentConfig } from '../shared/config.ts';

export default defineConfig({
  site: deploymentConfig.baseUrl,
  output: 'static',
  // Styles are small: inline, they cost no render-blocking request (the CSP allows inline styles).
  build: { inlineStylesheets: 'always' },
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
