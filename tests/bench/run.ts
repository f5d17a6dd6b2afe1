// `npm run bench`: MailProbe's checks side by side with curl doing the same login against the
// same local Dovecot, in one run; ratios against the budgets of SPEC section 7. Not a test: it
// prints figures and never fails on them.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MailProtocol } from '../../shared/report/model';
import { parseTargetArgs, prepareRun } from '../../electron/cli/target-options';
import { runChecks } from '../../electron/engine/checks/run';
import { startDovecot, type DovecotHarness } from '../integration/support/dovecot';
import { hostLatency } from './host-latency';
import { explainSpeed } from './explain-speed';
import { batchSpeed } from './batch-speed';
import { latencyLines } from './latency';
import { curlLoginArgs } from './curl-login';

const run = promisify(execFile);
const ROUNDS = Number(process.env.MAILPROBE_BENCH_ROUNDS ?? 15);
const CLI = new URL('../../bin/mailprobe.js', import.meta.url).pathname;

const inputOf = async (values: ReturnType<typeof parseTargetArgs>) => (await prepareRun(values)).input;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function sample(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) times.push(await time(fn));
  return median(times);
}

function endpointArgs(d: DovecotHarness, protocol: MailProtocol): string[] {
  const port = { imap: d.ports.imaps, pop3: d.ports.pop3s, smtp: d.ports.submissions }[protocol];
  return [
    `--${protocol}`,
    `--${protocol}-host`,
    d.host,
    `--${protocol}-port`,
    String(port),
    `--${protocol}-security`,
    'tls',
  ];
}

async function main(): Promise<void> {
  const d = await startDovecot();
  const work = await mkdtemp(join(tmpdir(), 'mailprobe-bench-'));
  try {
    const token = await d.mintToken({ user: d.users.oauth });
    process.env.MP_BENCH_TOKEN = token;
    const message = join(work, 'message.eml');
    await writeFile(
      message,
      `From: ${d.users.oauth}\r\nTo: ${d.users.other}\r\nSubject: bench\r\n\r\nbench\r\n`,
    );
    const base = ['--mailbox', d.users.oauth, '--access-token-env', 'MP_BENCH_TOKEN', '--ca', d.caFile];
    const inputFor = (protocols: MailProtocol[]) =>
      inputOf(
        parseTargetArgs('check', [
          ...base,
          ...protocols.flatMap((p) => endpointArgs(d, p)),
          ...(protocols.includes('smtp') ? ['--send-to', d.users.other] : []),
        ]),
      );

    console.log(
      `MailProbe benchmarks (median of ${ROUNDS} after one warm-up), local Dovecot over implicit TLS\n`,
    );
    console.log('protocol  curl (process)  mailprobe engine  ratio  mailprobe CLI (process)  ratio   budget');
    const engineTimes: Record<string, number> = {};
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      const port = { imap: d.ports.imaps, pop3: d.ports.pop3s, smtp: d.ports.submissions }[protocol];
      const args = curlLoginArgs(d, protocol, token, message, port);
      const curl = await sample(() => run('curl', args));
      const input = await inputFor([protocol]);
      const engine = await sample(async () => {
        const report = await runChecks(input);
        if (report.verdict !== 'pass') throw new Error(`${protocol} check failed during the benchmark`);
      });
      engineTimes[protocol] = engine;
      const cliArgs = [
        'check',
        ...base,
        ...endpointArgs(d, protocol),
        ...(protocol === 'smtp' ? ['--send-to', d.users.other] : []),
        '--json',
      ];
      const cli = await sample(() => run(process.execPath, [CLI, ...cliArgs]));
      console.log(
        `${protocol.padEnd(8)}  ${curl.toFixed(1).padStart(11)} ms  ${engine.toFixed(1).padStart(13)} ms  ${(engine / curl).toFixed(2).padStart(5)}  ${cli.toFixed(1).padStart(20)} ms  ${(cli / curl).toFixed(2).padStart(5)}   1.5x`,
      );
    }
    const all = await inputFor(['imap', 'pop3', 'smtp']);
    // Each check's own time inside the concurrent runs: where the extra time goes.
    const within: Record<string, number[]> = { imap: [], pop3: [], smtp: [] };
    const together = await sample(async () => {
      const report = await runChecks(all);
      for (const c of report.checks) within[c.protocol]?.push(c.durationMs);
    });
    const slowest = Math.max(...Object.values(engineTimes));
    console.log(
      `\nall three concurrently: ${together.toFixed(1)} ms; slowest single check ${slowest.toFixed(1)} ms; ratio ${(together / slowest).toFixed(2)} (budget 1.25x)`,
    );
    console.log(
      `  each check inside the concurrent run (median): ${Object.entries(within)
        .map(
          ([p, times]) =>
            `${p} ${median(times).toFixed(1)} ms (alone ${(engineTimes[p] ?? 0).toFixed(1)} ms)`,
        )
        .join(', ')}`,
    );
    for (const line of await latencyLines(d, token, message, sample)) console.log(line);
    const help = await sample(() => run(process.execPath, [CLI, '--help']));
    console.log(`mailprobe --help: ${help.toFixed(1)} ms (budget 150 ms)`);
    for (const line of await hostLatency(ROUNDS)) console.log(line);
    for (const line of await explainSpeed(ROUNDS)) console.log(line);
    for (const line of await batchSpeed()) console.log(line);
  } finally {
    await d.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
