// Every mail check through real proxies to the real Dovecot: squid (HTTP CONNECT with Basic
// authentication and its port rule), microsocks (SOCKS5 with user/password, names resolved at
// the proxy) and mitmproxy (TLS re-signed). A proxy's refusal is the proxy's finding, and its
// password is in nothing the CLI prints.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailProtocol, Report } from '../../shared/report/model';
import { startDovecot, type DovecotHarness } from './support/dovecot';
import { runCheckJson, runCli, type CliResult } from './support/cli';
import {
  startMitmproxy,
  startSocks5,
  startSquid,
  type MitmProxy,
  type SocksProxy,
  type SquidProxy,
} from './support/proxies';

let dovecot: DovecotHarness;
let squid: SquidProxy;
let strictSquid: SquidProxy;
let socks: SocksProxy;
let mitm: MitmProxy;
let work: string;
let tokenFile: string;
const secrets: string[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
  work = await mkdtemp(join(tmpdir(), 'mailprobe-proxy-'));
  const token = await dovecot.mintToken({ user: dovecot.users.oauth });
  tokenFile = join(work, 'token');
  await writeFile(tokenFile, token, { mode: 0o600 });
  const mailPorts = [dovecot.ports.imaps, dovecot.ports.pop3s, dovecot.ports.submissions];
  [squid, strictSquid, socks, mitm] = await Promise.all([
    startSquid({ allowPorts: mailPorts }),
    startSquid(),
    startSocks5(),
    startMitmproxy(),
  ]);
  secrets.push(token, squid.password, strictSquid.password, socks.password);
}, 60_000);

afterAll(async () => {
  // Each may be missing when beforeAll failed part way.
  const started: Array<{ stop(): Promise<void> } | undefined> = [squid, strictSquid, socks, mitm, dovecot];
  await Promise.all(started.map((p) => (p ? p.stop() : Promise.resolve())));
  await rm(work, { recursive: true, force: true });
});

/** Implicit TLS to all three Dovecot listeners, by the name `localhost`: the proxy resolves it. */
function endpoints(host = 'localhost'): string[] {
  const flags = (protocol: MailProtocol, port: number): string[] => [
    `--${protocol}`,
    `--${protocol}-host`,
    host,
    `--${protocol}-port`,
    String(port),
    `--${protocol}-security`,
    'tls',
  ];
  return [
    ...flags('imap', dovecot.ports.imaps),
    ...flags('pop3', dovecot.ports.pop3s),
    ...flags('smtp', dovecot.ports.submissions),
  ];
}

function check(extra: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult & { report: Report }> {
  return runCheckJson(
    ['--mailbox', dovecot.users.oauth, '--access-token-file', tokenFile, '--ca', dovecot.caFile, ...extra],
    env,
  );
}

/** The check through the proxy at `url` (a user in it), its password from the environment. */
function viaProxy(args: string[], url: string, password: string): Promise<CliResult & { report: Report }> {
  return check([...args, '--proxy', url, '--proxy-password-env', 'PROXY_PW'], { PROXY_PW: password });
}

function expectNoSecrets(result: CliResult): void {
  const everything = result.stdout + result.stderr;
  for (const secret of secrets) {
    expect(everything.includes(secret), 'a secret in the output').toBe(false);
    expect(everything.includes(Buffer.from(secret).toString('base64').slice(0, 12))).toBe(false);
  }
  for (const proxy of [squid, strictSquid])
    expect(everything).not.toContain(Buffer.from(`${proxy.user}:${proxy.password}`).toString('base64'));
}

function imapCheck(report: Report): Report['checks'][number] | undefined {
  return report.checks.find((c) => c.protocol === 'imap');
}

function stepIds(report: Report, protocol: MailProtocol): string[] {
  return report.checks.find((c) => c.protocol === protocol)?.steps.map((s) => s.id) ?? [];
}

describe('squid (HTTP CONNECT, Basic authentication)', () => {
  it('with the right password every check passes, each through its own proxy step', async () => {
    const result = await viaProxy(
      [...endpoints()],
      `http://${squid.user}@127.0.0.1:${squid.port}`,
      squid.password,
    );
    expect(result.code, result.stdout.slice(0, 2000)).toBe(0);
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      expect(stepIds(result.report, protocol).slice(0, 4)).toEqual(['dns', 'tcp', 'proxy', 'tls']);
      const check = result.report.checks.find((c) => c.protocol === protocol);
      const proxyStep = check?.steps.find((s) => s.id === 'proxy');
      expect(proxyStep?.detail).toMatchObject({ status: 200, scheme: 'http', resolvedBy: 'proxy' });
      const lines = check?.transcript.filter((e) => e.step === 'proxy').map((e) => e.text) ?? [];
      expect(lines[0]).toBe(
        `CONNECT localhost:${dovecot.ports[protocol === 'imap' ? 'imaps' : protocol === 'pop3' ? 'pop3s' : 'submissions']} HTTP/1.1`,
      );
      expect(lines.join('\n')).toMatch(
        /Proxy-Authorization: Basic <redacted: user proxyuser, password \d+ chars>/,
      );
    }
    // squid saw the three tunnels, as the authenticated user.
    const log = await squid.accessLog();
    expect(log.match(/CONNECT localhost:\d+ proxyuser/g)?.length).toBeGreaterThanOrEqual(3);
    expectNoSecrets(result);
  });

  it('with a wrong password the first finding is network.proxy_auth_required, naming Basic', async () => {
    const result = await viaProxy(
      [...endpoints()],
      `http://${squid.user}@127.0.0.1:${squid.port}`,
      'not-the-password',
    );
    expect(result.code).toBe(1);
    const first = result.report.findings[0];
    expect(first?.cause).toBe('network.proxy_auth_required');
    expect(first?.evidence.join(' ')).toMatch(/Basic/);
    expect(result.report.findings.map((f) => f.cause)).not.toContain('network.connect_refused');
    expectNoSecrets(result);
  });

  it("through squid's default port rule (443 only) the IMAP check names network.proxy_blocks_port", async () => {
    const result = await viaProxy(
      [...endpoints().slice(0, 7)],
      `http://${strictSquid.user}@127.0.0.1:${strictSquid.port}`,
      strictSquid.password,
    );
    expect(result.code).toBe(1);
    expect(result.report.findings[0]?.cause).toBe('network.proxy_blocks_port');
    expect(result.report.findings[0]?.fix.steps.join(' ')).toContain(String(dovecot.ports.imaps));
    const step = imapCheck(result.report)?.steps.find((s) => s.id === 'proxy');
    expect(step?.status).toBe('fail');
    expect(step?.detail.status).toBe(403);
    expectNoSecrets(result);
  });

  it('a proxy that is not there is network.proxy_refused, never the mail server', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await check([...endpoints().slice(0, 7), '--proxy', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.report.findings[0]?.cause).toBe('network.proxy_refused');
  });
});

describe('a web server given as the proxy', () => {
  it('answers CONNECT with 405: the proxy finding says so, never a blocked port or the server', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.writeHead(404).end());
    server.on('connect', (_req, socket) => {
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await check([...endpoints().slice(0, 7), '--proxy', `http://127.0.0.1:${port}`]);
      expect(result.code).toBe(1);
      const step = imapCheck(result.report)?.steps.find((s) => s.id === 'proxy');
      expect(step?.detail).toMatchObject({ code: 'PROXY_ERROR', status: 405 });
      expect(step?.summary).toMatch(/is this address a proxy/);
      expect(result.report.findings[0]?.cause).toBe('network.proxy_refused');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('microsocks (SOCKS5 with user/password)', () => {
  it('every check passes, the name resolved at the proxy', async () => {
    const result = await viaProxy(
      [...endpoints()],
      `socks5://${socks.user}@127.0.0.1:${socks.port}`,
      socks.password,
    );
    expect(result.code, result.stdout.slice(0, 2000)).toBe(0);
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      expect(stepIds(result.report, protocol).slice(0, 4)).toEqual(['dns', 'tcp', 'proxy', 'tls']);
      const check = result.report.checks.find((c) => c.protocol === protocol);
      // The dns step resolved the proxy, not the mail host: localhost went to the proxy as a name.
      expect(check?.steps[0]?.detail.host).toBe('127.0.0.1');
      expect(
        check?.transcript.some(
          (e) =>
            e.step === 'proxy' && /SOCKS5 CONNECT localhost:\d+ \(name resolved by the proxy\)/.test(e.text),
        ),
      ).toBe(true);
    }
    expectNoSecrets(result);
  });

  it('a wrong password is network.proxy_auth_required', async () => {
    const result = await viaProxy(
      [...endpoints().slice(0, 7)],
      `socks5://${socks.user}@127.0.0.1:${socks.port}`,
      'wrong-password',
    );
    expect(result.code).toBe(1);
    expect(result.report.findings[0]?.cause).toBe('network.proxy_auth_required');
    expectNoSecrets(result);
  });
});

describe('mitmproxy (TLS re-signed)', () => {
  it('the TLS step fails with network.proxy_interference naming mitmproxy', async () => {
    const result = await check([
      ...endpoints('127.0.0.1').slice(0, 7),
      '--proxy',
      `http://127.0.0.1:${mitm.port}`,
    ]);
    expect(result.code).toBe(1);
    const tls = imapCheck(result.report)?.steps.find((s) => s.id === 'tls');
    expect(tls?.status).toBe('fail');
    const first = result.report.findings[0];
    expect(first?.cause).toBe('network.proxy_interference');
    expect(`${first?.title} ${first?.explanation} ${first?.evidence.join(' ')}`).toMatch(/mitmproxy/);
  });

  it('with its CA trusted (--ca) the check passes and the TLS step still names the interception', async () => {
    const result = await check([
      ...endpoints('127.0.0.1').slice(0, 7),
      '--ca',
      mitm.caFile,
      '--proxy',
      `http://127.0.0.1:${mitm.port}`,
    ]);
    expect(result.code, result.stdout.slice(0, 2000)).toBe(0);
    const tls = imapCheck(result.report)?.steps.find((s) => s.id === 'tls');
    expect(tls?.status).toBe('warn');
    expect(tls?.summary).toMatch(/mitmproxy/);
  });
});

describe('the proxy options', () => {
  it('refuse a password in the proxy URL (exit 2) without echoing it', async () => {
    const result = await runCli(['check', '--lab', '--proxy', 'http://u:Sup3rSecret@127.0.0.1:3128']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--proxy-password-env/);
    expect(result.stderr + result.stdout).not.toContain('Sup3rSecret');
  });

  it('take HTTPS_PROXY from the environment, and --no-proxy goes direct', async () => {
    const env = { HTTPS_PROXY: `http://${squid.user}:${squid.password}@127.0.0.1:${squid.port}` };
    const proxied = await check(endpoints().slice(0, 7), env);
    expect(proxied.code, proxied.stdout.slice(0, 1500)).toBe(0);
    expect(stepIds(proxied.report, 'imap')).toContain('proxy');
    expectNoSecrets(proxied);
    const direct = await check([...endpoints().slice(0, 7), '--no-proxy'], env);
    expect(direct.code).toBe(0);
    expect(stepIds(direct.report, 'imap')).not.toContain('proxy');
  });
});
