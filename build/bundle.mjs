// Bundles the CLI (and, later, the Electron main and preload) with esbuild.
// Dependencies stay external: they are loaded from node_modules when a command needs them,
// so `mailprobe --help` parses only our own code.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'electron/cli/main.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
