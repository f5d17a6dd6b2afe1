// Security check (npm run security): Electronegativity over the shell and the built renderer;
// every finding must be justified in writing next to the code it concerns, by a comment
// "electronegativity-justified: <CHECK_ID> ...: <why>" on the reported line or the 3 above it.
// Global findings (no file) must be justified in build/electronegativity-global.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ELECTRON_VERSION = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
const TARGETS = ['electron', 'dist/renderer'].filter((t) => existsSync(t));
const globalJustified = existsSync('build/electronegativity-global.md')
  ? readFileSync('build/electronegativity-global.md', 'utf8')
  : '';

function parseCsv(text) {
  const rows = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const cells = [];
    let cell = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    rows.push({ check: cells[0]?.trim() ?? '', file: cells[3] ?? '', location: cells[4] ?? '' });
  }
  return rows;
}

const work = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const unjustified = [];
let total = 0;
try {
  for (const target of TARGETS) {
    const out = join(work, `${target.replace(/\W/g, '_')}.csv`);
    // -e: the version is given, so nothing is looked up online (the check runs offline).
    execFileSync(
      'node_modules/.bin/electronegativity',
      ['-i', target, '-e', ELECTRON_VERSION, '-r', '-o', out],
      { stdio: 'ignore' },
    );
    for (const finding of parseCsv(readFileSync(out, 'utf8'))) {
      if (!/^[A-Z_]+_CHECK$/.test(finding.check)) continue;
      total += 1;
      if (!finding.file || finding.file === 'N/A') {
        if (!globalJustified.includes(finding.check))
          unjustified.push(`${finding.check} (global, ${target})`);
        continue;
      }
      const path = join(target, finding.file);
      const line = Number(finding.location.split(':')[0]);
      const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
      const near = lines.slice(Math.max(0, line - 4), line).join('\n');
      const justified = new RegExp(`electronegativity-justified:[^\\n]*\\b${finding.check}\\b`).test(near);
      if (!justified) unjustified.push(`${finding.check} at ${path}:${finding.location}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `electronegativity: ${total} findings in ${TARGETS.join(', ')}; ${total - unjustified.length} justified next to the code`,
);
if (unjustified.length) {
  console.error(`unjustified:\n  ${unjustified.join('\n  ')}`);
  process.exit(1);
}
