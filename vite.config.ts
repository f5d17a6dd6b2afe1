// The renderer's build: React, rooted at renderer/, emitted to dist/renderer with relative URLs
// (Electron loads it from the file system; browser mode serves the same files over HTTP).
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** Same-origin files need no `crossorigin`, and under file:// it only risks a CORS refusal. */
function noCrossorigin(): Plugin {
  return {
    name: 'mailprobe-no-crossorigin',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/ crossorigin(?=[\s>])/g, ''),
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), noCrossorigin()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs for assets: everything is a file of our own ('self').
    assetsInlineLimit: 0,
    // No module preload polyfill: it is inline code, and the targets support modulepreload.
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
});
