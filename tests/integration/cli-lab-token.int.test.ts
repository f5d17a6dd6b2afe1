// `mailprobe token --lab` and `mailprobe lab` as a user runs them.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { CLI, runCli, startLabCommand } from './support/cli';

describe('mailprobe token', () => {
  it('acquires and inspects a token from the lab, printing claims but never the token', async () => {
    const json = await runCli(['token', '--lab', '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.checks.map((c) => c.protocol)).toEqual(['token']);
    expect(report.token?.claims.roles).toEqual(['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp']);
    const human = await runCli(['token', '--lab']);
    expect(human.stdout).toMatch(/✔ acquire .*Token issued/);
    expect(human.stdout).toMatch(/Service principal object id c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f/);
    expect(human.stdout).toMatch(/expires .* \(in \d+ min/);
    expect(json.stdout + human.stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });

  it('shows the endpoint error fields when acquisition fails', async () => {
    const result = await runCli(['token', '--lab', '--scenario', 'secret-expired']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✘ acquire +AADSTS7000222/);
    expect(result.stdout).toMatch(/error_codes: \[7000222\]/);
    expect(result.stdout).toMatch(/trace_id: "/);
  });
});

describe('mailprobe lab', () => {
  it('runs in the foreground, prints its endpoints and stops on SIGINT', async () => {
    const lab = await startLabCommand([]);
    const output = lab.output;
    const info = JSON.parse(output) as {
      tokenEndpoint: string;
      imap: string;
      clientSecret: string;
      scenario: string;
    };
    expect(info.scenario).toBe('healthy');
    expect(info.tokenEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}\/oauth2\/v2\.0\/token$/);
    expect(info.imap).toMatch(/^127\.0\.0\.1:\d+ \(implicit TLS\)$/);
    expect(await lab.stop()).toBe(0);
  });
});

describe('mailprobe serve', () => {
  it('prints its URL with the token, serves the app there and stops on SIGINT', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-serve-'));
    const child = spawn(process.execPath, [CLI, 'serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MAILPROBE_DATA_DIR: dataDir },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${text}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const m = /MailProbe is at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,})/.exec(text);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(await page.text()).toContain('<div id="root">');
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
