// The lab through squid: the token request (MSAL, through our recording HTTP client) and every
// mail connection go through the same proxy, the identity endpoint's tunnel shown as the token
// check's own `proxy` step; a wrong proxy password stops the run at the proxy, named as such.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckJson } from './support/cli';
import { startSquid, type SquidProxy } from './support/proxies';

let squid: SquidProxy;

beforeAll(async () => {
  squid = await startSquid({ allowPorts: 'all' });
}, 30_000);

afterAll(async () => {
  await squid.stop();
});

function proxyArgs(): string[] {
  return ['--proxy', `http://${squid.user}@127.0.0.1:${squid.port}`, '--proxy-password-env', 'LAB_PROXY_PW'];
}

describe('the lab through squid', () => {
  it('acquires the token and runs every check through the proxy', async () => {
    const result = await runCheckJson(['--lab', ...proxyArgs()], { LAB_PROXY_PW: squid.password });
    expect(result.code, result.stdout.slice(0, 2000)).toBe(0);
    const token = result.report.checks.find((c) => c.protocol === 'token');
    expect(token?.steps.map((s) => s.id)).toEqual(['proxy', 'acquire', 'inspect']);
    expect(token?.steps[0]?.status).toBe('pass');
    const lines = token?.transcript.filter((e) => e.step === 'proxy').map((e) => e.text) ?? [];
    expect(lines.some((l) => /^CONNECT 127\.0\.0\.1:\d+ HTTP\/1\.1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^HTTP\/1\.1 200/.test(l))).toBe(true);
    for (const protocol of ['imap', 'pop3', 'smtp'] as const)
      expect(result.report.checks.find((c) => c.protocol === protocol)?.steps.map((s) => s.id)).toContain(
        'proxy',
      );
    const log = await squid.accessLog();
    // One tunnel at least for the identity endpoint, and one per mail protocol.
    expect(log.match(/CONNECT 127\.0\.0\.1:\d+ proxyuser/g)?.length).toBeGreaterThanOrEqual(4);
    expect(result.stdout + result.stderr).not.toContain(squid.password);
  });

  it('with a wrong password the run stops at the proxy: network.proxy_auth_required first', async () => {
    const result = await runCheckJson(['--lab', ...proxyArgs()], { LAB_PROXY_PW: 'wrong' });
    expect(result.code).toBe(1);
    const token = result.report.checks.find((c) => c.protocol === 'token');
    expect(token?.steps[0]).toMatchObject({ id: 'proxy', status: 'fail' });
    expect(result.report.findings[0]?.cause).toBe('network.proxy_auth_required');
    expect(result.report.findings.map((f) => f.cause).filter((c) => c.startsWith('token.'))).toEqual([]);
  });
});
