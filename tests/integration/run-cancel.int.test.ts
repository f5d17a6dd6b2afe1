// A run is cancelled through its AbortSignal: every wait stops, and the run still returns a
// report whose failed step says it was cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../electron/engine/checks/run';
import { parseTargetArgs, prepareRun } from '../../electron/cli/target-options';
import { startBlackhole, startSilentServer, type TestServer } from './support/hostile-servers';

const inputOf = async (values: ReturnType<typeof parseTargetArgs>) => (await prepareRun(values)).input;

let silent: TestServer;
let blackhole: TestServer;

beforeAll(async () => {
  silent = await startSilentServer();
  blackhole = await startBlackhole();
  process.env.MP_CANCEL_TOKEN = 'opaque-cancel-test-token';
});

afterAll(async () => {
  await silent.stop();
  await blackhole.stop();
});

describe('cancelling a run', () => {
  it('stops the waits at once and reports where each check was', async () => {
    const input = await inputOf(
      parseTargetArgs('check', [
        '--mailbox',
        'alice@example.test',
        '--access-token-env',
        'MP_CANCEL_TOKEN',
        '--timeout-ms',
        '20000',
        '--imap',
        '--imap-host',
        '127.0.0.1',
        '--imap-port',
        String(silent.port),
        '--imap-security',
        'starttls',
        '--pop3',
        '--pop3-host',
        '127.0.0.1',
        '--pop3-port',
        String(silent.port),
        '--pop3-security',
        'starttls',
        '--smtp',
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(blackhole.port),
        '--smtp-security',
        'tls',
      ]),
    );
    const controller = new AbortController();
    const steps: string[] = [];
    setTimeout(() => {
      controller.abort();
    }, 400);
    const started = performance.now();
    const report = await runChecks(
      input,
      { onProgress: (e) => steps.push(`${e.protocol}:${e.step}`) },
      controller.signal,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.verdict).toBe('fail');
    const failed = report.checks
      .filter((c) => c.protocol !== 'token')
      .map((c) => c.steps.find((s) => s.status === 'fail'));
    expect(failed.map((s) => s?.id)).toEqual(['greeting', 'greeting', 'tcp']);
    for (const step of failed) expect(step?.summary).toMatch(/cancelled/);
    expect(steps).toContain('imap:greeting');
  });
});
