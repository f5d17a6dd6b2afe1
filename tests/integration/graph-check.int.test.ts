// The Graph check through the built CLI against the lab's Graph (real HTTPS, the lab's identity
// endpoint issuing the token): read and send pass on graph-healthy, the sendMail exchange is in
// the transcript with the token redacted, and --graph beside a mail check runs both.
import { describe, expect, it } from 'vitest';
import { runCheckJson } from './support/cli';

describe('the Graph check', () => {
  it('reads the inbox and sends with sendMail (202); the token is in no byte of the output', async () => {
    const { code, report, stdout, stderr } = await runCheckJson([
      '--lab',
      '--scenario',
      'graph-healthy',
      '--send-to',
      'alice@lab.mailprobe.test',
    ]);
    expect(code, stderr).toBe(0);
    const graph = report.checks.find((c) => c.protocol === 'graph');
    expect(graph?.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'acquire:pass',
      'inspect:pass',
      'mailbox:pass',
      'send:pass',
    ]);
    expect(graph?.steps.find((s) => s.id === 'send')?.detail.status).toBe(202);
    expect(report.target.graph?.host).toBe('127.0.0.1');
    const lines = graph?.transcript.map((e) => e.text).join('\n') ?? '';
    expect(lines).toMatch(
      /POST https:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/alice%40lab\.mailprobe\.test\/sendMail/,
    );
    expect(lines).toMatch(/authorization: <authorization redacted: \d+ chars/);
    expect(lines).toMatch(/\$select=id,receivedDateTime/);
    expect(stdout + stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/);
    expect(stdout + stderr).not.toMatch(/lab~[A-Za-z0-9_-]{10}/);
  });

  it('--graph beside --imap runs the token check, IMAP and Graph, each with its own token', async () => {
    const { code, report, stderr } = await runCheckJson(['--lab', '--imap', '--graph']);
    expect(code, stderr).toBe(0);
    expect(report.checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual([
      'token:pass',
      'imap:pass',
      'graph:pass',
    ]);
    const graphToken = report.checks
      .find((c) => c.protocol === 'graph')
      ?.steps.find((s) => s.id === 'inspect');
    expect(graphToken?.detail.aud).toBe('https://graph.microsoft.com');
    expect(report.token?.claims.aud).toBe('https://outlook.office365.com');
  });

  it('a throttled tenant: Graph says 429 with Retry-After, and the first cause is throttling', async () => {
    const { code, report } = await runCheckJson(['--lab', '--scenario', 'throttled', '--graph']);
    expect(code).toBe(1);
    const mailbox = report.checks.find((c) => c.protocol === 'graph')?.steps.find((s) => s.id === 'mailbox');
    expect(mailbox?.detail).toMatchObject({ status: 429, code: 'THROTTLED', retryAfter: '30' });
    expect(report.findings.find((f) => f.protocol === 'graph')?.cause).toBe('server.throttled');
  });

  it('--graph is refused for another provider', async () => {
    const { runCli } = await import('./support/cli');
    const result = await runCli(['check', '--lab', '--scenario', 'google-healthy', '--graph']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--graph checks Microsoft Graph/);
  });
});
