// `mailprobe batch` through the built CLI: a mixed batch of lab scenarios (each row's verdict and
// first cause as `check --lab --scenario X` gives them), explicit targets and a saved profile
// against a lab run by this test, and bad rows reported with their lines while the rest run;
// the --json and --jsonl shapes, --out bundles for failed rows only, exit codes, Ctrl-C, and a
// canary secret referenced by a row found nowhere in what the batch wrote.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { startLab, type Lab } from '../../electron/lab/lab';
import { CLI, runCli } from './support/cli';

interface BatchRowJson {
  schema?: string;
  row: { line: number; target: string };
  status: 'pass' | 'fail' | 'invalid' | 'cancelled' | 'internal';
  verdict: 'pass' | 'fail';
  cause: string | null;
  error?: { code: string; message: string };
  report?: Report;
}

interface BatchJson {
  schema: string;
  verdict: 'pass' | 'fail';
  labs: number;
  summary: Record<string, number>;
  rows: BatchRowJson[];
}

/** A wrong secret the lab refuses (so its row fails and gets a bundle), and must appear nowhere. */
const CANARY = 'Qx7~batch.canary-SECRET_5f2e9d1c8b7a6f5e4d3c';
const PASTED = 'Pz4~pasted.into-a-column_0a9b8c7d6e5f';

let lab: Lab;
let dir: string;
let env: NodeJS.ProcessEnv;
let caFile: string;

/** check's explicit target, as columns, pointing at the lab this test runs. */
function explicitCells(secretEnv: string): Record<string, string> {
  return {
    mailbox: lab.demo.mailbox,
    tenant: lab.client.tenant,
    client_id: lab.demo.clientId,
    client_secret_env: secretEnv,
    authority: lab.authorityHost,
    ca: caFile,
    imap_host: '127.0.0.1',
    imap_port: String(lab.mail.ports.imap),
    imap_security: 'tls',
    protocols: 'imap',
  };
}

const COLUMNS = [
  'target',
  'protocols',
  'mailbox',
  'tenant',
  'client_id',
  'client_secret_env',
  'authority',
  'ca',
  'imap_host',
  'imap_port',
  'imap_security',
  'password',
];

function csv(rows: Array<Record<string, string>>): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${COLUMNS.join(',')}\n${rows.map((r) => COLUMNS.map((c) => quote(r[c] ?? '')).join(',')).join('\n')}\n`;
}

/** Line -> what the row must give: its status, its first cause (or a problem's words). */
const EXPECTED: Record<number, { status: BatchRowJson['status']; cause?: string | null; problem?: RegExp }> =
  {
    2: { status: 'pass', cause: null },
    3: { status: 'fail', cause: 'token.invalid_secret' },
    4: { status: 'fail', cause: 'account.protocol_disabled' },
    5: { status: 'fail', cause: 'account.smtp_auth_disabled_tenant' },
    6: { status: 'fail', cause: 'grant.sendas_missing' },
    7: { status: 'fail', cause: 'grant.service_principal_missing' },
    8: { status: 'fail', cause: 'server.throttled' },
    9: { status: 'invalid', problem: /no lab scenario "no-such-scenario"/ },
    10: { status: 'invalid', problem: /column "password" would hold a secret.*password_env/ },
    11: { status: 'pass', cause: null },
    12: { status: 'fail', cause: 'token.invalid_secret' },
    13: { status: 'invalid', problem: /column "imap_port": 70000 is out of range/ },
    14: { status: 'pass', cause: null },
    15: { status: 'invalid', problem: /no profile "Nobody"/ },
    16: { status: 'pass', cause: null },
    17: { status: 'invalid', problem: /acquiring a token needs client_id GUID|client_id/ },
  };

function mixedBatch(): string {
  const withoutClientId = explicitCells('MP_BATCH_SECRET');
  delete withoutClientId.client_id;
  return csv([
    { target: 'lab:healthy' },
    { target: 'lab:secret-invalid' },
    { target: 'lab:imap-disabled' },
    { target: 'lab:smtp-auth-disabled-tenant', protocols: 'smtp' },
    { target: 'lab:send-as-denied', protocols: 'smtp' },
    { target: 'lab:no-service-principal' },
    { target: 'lab:throttled' },
    { target: 'lab:no-such-scenario' },
    { ...explicitCells('MP_BATCH_SECRET'), password: PASTED },
    explicitCells('MP_BATCH_SECRET'),
    explicitCells('MP_BATCH_WRONG'),
    { ...explicitCells('MP_BATCH_SECRET'), imap_port: '70000' },
    { target: 'Batch lab', client_secret_env: 'MP_BATCH_SECRET', ca: caFile, protocols: 'imap smtp' },
    { target: 'Nobody' },
    { target: 'lab:healthy', protocols: 'pop3' },
    withoutClientId,
  ]);
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every byte the batch wrote (bundles unzipped), for the canaries. */
async function everythingWritten(outputs: string[], roots: string[]): Promise<string> {
  const texts = [...outputs];
  for (const root of roots)
    for (const file of await filesUnder(root)) {
      const bytes = await readFile(file);
      texts.push(bytes.toString('latin1'));
      if (file.endsWith('.zip'))
        for (const [name, content] of Object.entries(unzipSync(bytes))) texts.push(name, strFromU8(content));
    }
  return texts.join('\n');
}

beforeAll(async () => {
  lab = await startLab('healthy');
  dir = await mkdtemp(join(tmpdir(), 'mailprobe-batch-'));
  caFile = join(dir, 'lab-ca.pem');
  await writeFile(caFile, lab.caPem);
  env = {
    MAILPROBE_DATA_DIR: join(dir, 'data'),
    // No Secret Service: the vault is for the session only, so the profile keeps no secret.
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    MP_BATCH_SECRET: lab.demo.clientSecret,
    MP_BATCH_WRONG: CANARY,
  };
  const add = await runCli(
    [
      'profiles',
      'add',
      '--name',
      'Batch lab',
      '--tenant',
      lab.client.tenant,
      '--client-id',
      lab.demo.clientId,
      '--mailbox',
      lab.demo.mailbox,
      '--authority',
      lab.authorityHost,
      '--credential',
      'client-secret',
      '--imap-host',
      '127.0.0.1',
      '--imap-port',
      String(lab.mail.ports.imap),
      '--imap-security',
      'tls',
      '--smtp-host',
      '127.0.0.1',
      '--smtp-port',
      String(lab.mail.ports.smtp),
      '--smtp-security',
      'starttls',
    ],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
});

afterAll(async () => {
  await lab.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mailprobe batch', () => {
  it('runs a mixed batch: each row its verdict and first cause, bad rows by line, bundles for failed rows only', async () => {
    const file = join(dir, 'mixed.csv');
    await writeFile(file, mixedBatch());
    const out = join(dir, 'bundles');
    const result = await runCli(['batch', file, '--json', '--out', out, '--concurrency', '6'], env);
    expect(result.code, result.stderr).toBe(1);
    const doc = JSON.parse(result.stdout) as BatchJson;
    expect(doc.schema).toBe('mailprobe.batch/1');
    expect(doc.verdict).toBe('fail');
    expect(doc.rows.map((r) => r.row.line)).toEqual(Object.keys(EXPECTED).map(Number));
    for (const row of doc.rows) {
      const want = EXPECTED[row.row.line];
      const where = `line ${row.row.line} (${row.row.target}): ${JSON.stringify(row.error ?? row.cause)}`;
      expect(row.status, where).toBe(want?.status);
      expect(row.verdict, where).toBe(want?.status === 'pass' ? 'pass' : 'fail');
      if (want?.problem) {
        expect(row.error?.code, where).toBe('BAD_ROW');
        expect(row.error?.message, where).toMatch(want.problem);
        expect(row.report, where).toBeUndefined();
      } else {
        expect(row.report?.schema, where).toBe('mailprobe.report/1');
        expect(row.report?.verdict, where).toBe(want?.status);
        expect(row.report?.findings[0]?.cause ?? null, where).toBe(want?.cause);
        expect(row.cause, where).toBe(want?.cause);
      }
    }
    // Rows are named by their target: the lab cell, the profile, or the explicit mailbox.
    expect(doc.rows[0]?.row.target).toBe('lab:healthy');
    expect(doc.rows[10]?.row.target).toBe(lab.demo.mailbox);
    expect(doc.rows[12]?.row.target).toBe('Batch lab');
    // A row's protocols choose its checks; the others are not in its report.
    expect(doc.rows[14]?.report?.checks.map((c) => c.protocol)).toEqual(['token', 'pop3']);
    expect(doc.summary).toEqual({ rows: 16, passed: 4, failed: 7, invalid: 5, cancelled: 0, internal: 0 });
    // One lab per distinct scenario that ran (two lab:healthy rows, one lab).
    expect(doc.labs).toBe(7);

    const bundles = (await readdir(out)).sort();
    const failedLines = Object.entries(EXPECTED)
      .filter(([, want]) => want.status === 'fail')
      .map(([line]) => `line-${line.padStart(5, '0')}-`);
    expect(bundles.map((b) => b.slice(0, 11))).toEqual(failedLines);
    for (const bundle of bundles) expect(bundle).toMatch(/^line-\d{5}-mailprobe-.+-fail\.zip$/);
    const zip = unzipSync(await readFile(join(out, bundles[0] ?? '')));
    expect(Object.keys(zip).sort()).toEqual([
      'environment.json',
      'report.html',
      'report.json',
      'transcript.txt',
    ]);
    const inBundle = JSON.parse(strFromU8(zip['report.json'] ?? new Uint8Array())) as Report;
    expect(inBundle.findings[0]?.cause).toBe('token.invalid_secret');
    expect(result.stderr).toMatch(/7 diagnostic bundles written to/);

    // The profile's run is in its history, as check --profile keeps it.
    const kept = await filesUnder(join(dir, 'data'));
    expect(kept.some((f) => /history|runs/.test(f) && f.endsWith('.json'))).toBe(true);

    // Neither the canary a row referenced nor the secret pasted into a column, anywhere.
    const written = await everythingWritten([result.stdout, result.stderr], [out, join(dir, 'data')]);
    expect(written).toContain('AADSTS7000215');
    expect(written).not.toContain(CANARY);
    expect(written).not.toContain(PASTED);
    expect(written).not.toContain(lab.demo.clientSecret);
  });

  it("shows each row's readiness: basic SMTP AUTH already refused is broken, in the table and the JSON", async () => {
    const text = 'target\nlab:basic-auth-retired\nlab:healthy\n';
    const table = await runCli(['batch', '-'], env, text);
    expect(table.code, table.stderr).toBe(1);
    expect(table.stdout).toMatch(
      /^2\s+lab:basic-auth-retired\s+-\s+-\s+-\s+fail\s+-\s+1 broken\s+account\.basic_auth_retired$/m,
    );
    expect(table.stdout).toMatch(/^3\s+lab:healthy\s+pass\s+pass\s+pass\s+pass\s+-\s+-$/m);
    const json = await runCli(['batch', '-', '--json'], env, text);
    const doc = JSON.parse(json.stdout) as {
      rows: Array<{ readiness?: Array<{ topic: string; status: string }> }>;
    };
    expect(doc.rows[0]?.readiness).toEqual([
      expect.objectContaining({ topic: 'smtp-basic-auth', status: 'fail' }),
    ]);
    expect(doc.rows[1]?.readiness).toBeUndefined();
  });

  it('prints a summary table with each row, and one JSON line per row from standard input', async () => {
    const text = mixedBatch();
    const table = await runCli(['batch', '-'], env, text);
    expect(table.code, table.stderr).toBe(1);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^LINE\s+TARGET\s+TOKEN\s+IMAP\s+POP3\s+SMTP\s+GRAPH\s+READINESS\s+CAUSE$/);
    expect(table.stdout).toMatch(
      /^3\s+lab:secret-invalid\s+fail\s+skipped\s+skipped\s+skipped\s+-\s+-\s+token\.invalid_secret$/m,
    );
    expect(table.stdout).toMatch(
      /^6\s+lab:send-as-denied\s+pass\s+-\s+-\s+fail\s+-\s+-\s+grant\.sendas_missing$/m,
    );
    expect(table.stdout).toMatch(/^10\s+\S+\s+invalid\s.*column "password" would hold a secret/m);
    expect(table.stdout).toMatch(/^16 rows: 4 passed, 7 failed, 5 invalid$/m);

    const jsonl = await runCli(['batch', '-', '--jsonl', '--concurrency', '3'], env, text);
    expect(jsonl.code, jsonl.stderr).toBe(1);
    const rows = jsonl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as BatchRowJson);
    expect(rows).toHaveLength(16);
    expect(new Set(rows.map((r) => r.schema))).toEqual(new Set(['mailprobe.batch-row/1']));
    expect(rows.map((r) => r.row.line).sort((a, b) => a - b)).toEqual(Object.keys(EXPECTED).map(Number));
    for (const row of rows) expect(row.status).toBe(EXPECTED[row.row.line]?.status);
    expect(rows.find((r) => r.row.line === 8)?.report?.findings[0]?.cause).toBe('server.throttled');
    for (const output of [table.stdout, table.stderr, jsonl.stdout, jsonl.stderr]) {
      expect(output).not.toContain(CANARY);
      expect(output).not.toContain(PASTED);
    }
  });

  it('exits 0 when every row passes, from a JSON file', async () => {
    const file = join(dir, 'good.json');
    await writeFile(
      file,
      JSON.stringify(
        [{ target: 'lab:healthy', protocols: ['imap', 'smtp'] }, explicitCells('MP_BATCH_SECRET')],
        null,
        2,
      ),
    );
    const out = join(dir, 'no-bundles');
    const result = await runCli(['batch', file, '--json', '--out', out], env);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as BatchJson;
    expect(doc.verdict).toBe('pass');
    expect(doc.rows.map((r) => [r.row.line, r.status])).toEqual([
      [2, 'pass'],
      [9, 'pass'], // the second object starts on line 9 of the indented JSON
    ]);
    expect(await readdir(out)).toEqual([]);
  });

  it.each([
    [
      'an unclosed quote',
      'target\nlab:healthy\n"lab:healthy\n',
      /cannot be read as CSV: a quote is opened and never closed/,
    ],
    ['a JSON object', '{"target": "lab:healthy"}', /an array of objects/],
    ['a header only', 'target,protocols\n', /no rows/],
  ])('exits 2 for a file that cannot be read at all: %s', async (_, text, reason) => {
    const file = join(dir, 'bad.txt');
    await writeFile(file, text);
    const result = await runCli(['batch', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(reason);
    expect(result.stdout).toBe('');
  });

  it('exits 2 for bad usage', async () => {
    expect((await runCli(['batch'], env)).code).toBe(2);
    expect((await runCli(['batch', join(dir, 'missing.csv')], env)).stderr).toMatch(/does not exist/);
    expect((await runCli(['batch', '-', '--concurrency', '65'], env, 'target\nlab:healthy\n')).code).toBe(2);
    expect((await runCli(['batch', '-', '--json', '--jsonl'], env, 'target\nlab:healthy\n')).code).toBe(2);
  });

  it('Ctrl-C stops the rows still to run and prints the ones that finished', async () => {
    const text = `target\n${'lab:healthy\n'.repeat(200)}`;
    const child = spawn(process.execPath, [CLI, 'batch', '-', '--jsonl', '--concurrency', '2'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(text);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.split('\n').length > 3) resolve();
      });
    });
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/stopping/);
    const rows = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as BatchRowJson);
    expect(rows).toHaveLength(200);
    const passed = rows.filter((r) => r.status === 'pass').length;
    const cancelled = rows.filter((r) => r.status === 'cancelled').length;
    expect(passed).toBeGreaterThanOrEqual(3);
    expect(cancelled).toBeGreaterThan(150);
    expect(passed + cancelled).toBe(200);
  });
});
