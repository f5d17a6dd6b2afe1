#!/usr/bin/env node
// The `mailprobe` command: runs the CLI bundle that `npm ci` (prepare) or `npm run build` produces.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('mailprobe: the CLI is not built yet; run `npm ci` or `npm run build` first\n');
  process.exit(3);
}
await import(bundle);
