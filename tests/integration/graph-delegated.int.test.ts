// A person's sign-in checked on Microsoft Graph (delegated): with a mail check the same sign-in
// serves both (its refresh token gets Graph's token, nobody signs in twice); Graph alone signs the
// person in for Graph's scopes. The user's token reads the user's own mailbox with Mail.Read and
// sends with Mail.Send, through the lab's Graph.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { checkWithSignIn } from './support/cli';
import { signInOnDevicePage } from '../support/device-sign-in';

/** `check --lab --scenario delegated-healthy ...`, the lab's demo user signing in on the page. */
function signedIn(args: string[]) {
  return checkWithSignIn(['--lab', '--scenario', 'delegated-healthy', ...args], async (url, code, stderr) => {
    const m = /^user (\S+) password (\S+)$/m.exec(stderr);
    if (!m?.[1] || !m[2]) throw new Error(`no demo user on stderr: ${stderr}`);
    const page = await signInOnDevicePage({ url, code }, { address: m[1], password: m[2] }, null);
    expect(page).toContain('You have signed in');
  });
}

const graphOf = (report: Report) => report.checks.find((c) => c.protocol === 'graph');

describe('the Graph check with a person signed in', () => {
  it('beside IMAP: one sign-in, the refresh token gets a user token for Graph, both pass', async () => {
    const done = await signedIn(['--imap', '--graph', '--send-to', 'alice@lab.mailprobe.test']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.report.checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual([
      'token:pass',
      'imap:pass',
      'graph:pass',
    ]);
    const graph = graphOf(done.report);
    expect(graph?.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'acquire:pass',
      'inspect:pass',
      'mailbox:pass',
      'send:pass',
    ]);
    const inspect = graph?.steps.find((s) => s.id === 'inspect');
    expect(inspect?.detail.aud).toBe('https://graph.microsoft.com');
    expect(inspect?.detail.scp).toEqual(['Mail.Read', 'Mail.Send']);
    const lines = graph?.transcript.map((e) => e.text).join('\n') ?? '';
    expect(lines).toMatch(/this run's sign-in \(refresh token: nobody signs in again\)/);
    // The refresh token travels redacted, and only one device code was asked for.
    expect(JSON.stringify(done.report)).not.toMatch(/0\.lab-rt\.[A-Za-z0-9_-]{20}/);
    expect(done.stderr.match(/enter the code/g)).toHaveLength(1);
  });

  it('alone: the person signs in for Graph with its Mail.Read scope only', async () => {
    const done = await signedIn(['--graph']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.report.checks.map((c) => `${c.protocol}:${c.verdict}`)).toEqual(['graph:pass']);
    const acquire = graphOf(done.report)?.steps.find((s) => s.id === 'acquire');
    expect(acquire?.detail.scope).toBe('https://graph.microsoft.com/Mail.Read');
  });
});
