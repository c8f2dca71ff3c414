import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The operator console's page, built into the server package's dist/console-ui (served at
 * /console by src/console/http/static-assets.ts). The browser SDK comes from its source, so the
 * console needs no build order between workspaces.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  resolve: { alias: { '@latchkey/browser': fileURLToPath(new URL('../../browser/src/index.ts', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console-ui', import.meta.url)),
    emptyOutDir: true,
    // Nothing inlined as data: URLs or inline scripts: the page's CSP allows only its own files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
