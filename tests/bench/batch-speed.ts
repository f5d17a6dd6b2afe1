// `mailprobe batch` (SPEC 7: 200 lab profiles at concurrency 16 in under 15 s, peak memory under
// 300 MB): the built CLI as a user runs it, wall time and the child's peak RSS. Rows mix a few
// lab scenarios, so the batch starts one tenant's servers per scenario, all on one kit of keys and
// certificates, as it would for a mixed file; a second figure with one scenario only shows what
// the extra tenants cost. Figures only, never asserted.
import { spawn } from 'node:child_process';

const CLI = new URL('../../bin/mailprobe.js', import.meta.url).pathname;
const MAX_RSS = new URL('./max-rss.cjs', import.meta.url).pathname;
const ROWS = 200;
const CONCURRENCY = 16;
const MIX = [
  'healthy',
  'healthy',
  'secret-invalid',
  'imap-disabled',
  'send-as-denied',
  'graph-access-policy-denied',
  'basic-auth-retired',
] as const;
/** Each scenario's first cause, as the lab scenario tests expect it (null: the row passes). */
const EXPECTED_CAUSE: Record<string, string | null> = {
  healthy: null,
  'secret-invalid': 'token.invalid_secret',
  'imap-disabled': 'account.protocol_disabled',
  'send-as-denied': 'grant.sendas_missing',
  'graph-access-policy-denied': 'graph.access_policy_denied',
  'basic-auth-retired': 'account.basic_auth_retired',
};

interface Measured {
  ms: number;
  rssMb: number;
  rows: number;
  statuses: Record<string, number>;
  /** Rows whose verdict and first cause are the scenario's. */
  right: number;
}

function runBatch(csv: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      ['--require', MAX_RSS, CLI, 'batch', '-', '--jsonl', '--concurrency', String(CONCURRENCY)],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - start;
      const kb = Number(/mailprobe-bench max-rss-kb (\d+)/.exec(stderr)?.[1] ?? NaN);
      const lines = stdout.trimEnd().split('\n').filter(Boolean);
      const statuses: Record<string, number> = {};
      let right = 0;
      for (const line of lines) {
        const row = JSON.parse(line) as { status: string; cause: string | null; row: { target: string } };
        statuses[row.status] = (statuses[row.status] ?? 0) + 1;
        const expected = EXPECTED_CAUSE[row.row.target.replace(/^lab:/, '')];
        if (
          expected !== undefined &&
          row.cause === expected &&
          (row.status === 'pass') === (expected === null)
        )
          right += 1;
      }
      if (code !== 0 && code !== 1) reject(new Error(`mailprobe batch exited ${code}: ${stderr}`));
      else resolve({ ms, rssMb: kb / 1024, rows: lines.length, statuses, right });
    });
    child.stdin.end(csv);
  });
}

function describe(what: string, m: Measured): string {
  const counts = Object.entries(m.statuses)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return `batch, ${m.rows} lab rows at concurrency ${CONCURRENCY}, ${what}: ${(m.ms / 1000).toFixed(2)} s (budget 15 s), peak RSS ${m.rssMb.toFixed(0)} MB (budget 300 MB); ${counts}; right verdict and first cause ${m.right}/${m.rows}`;
}

export async function batchSpeed(): Promise<string[]> {
  const rows = (scenarios: readonly string[]) =>
    `target\n${Array.from({ length: ROWS }, (_, i) => `lab:${scenarios[i % scenarios.length] ?? 'healthy'}`).join('\n')}\n`;
  const mixed = await runBatch(rows(MIX));
  const single = await runBatch(rows(['healthy']));
  return [
    describe(`${new Set(MIX).size} scenarios (${new Set(MIX).size} tenants, one kit)`, mixed),
    describe('one scenario (one lab)', single),
  ];
}
