// The readiness audit reads a finished report: basic SMTP AUTH on Exchange Online warns with the
// retirement's date (fails once 5.7.30 is said), old TLS, the ends of a secret, the app's and the
// server's certificates, and a Graph refusal by an application access policy.
import { describe, expect, it } from 'vitest';
import type { CheckResult, Report, StepResult } from '../../../../shared/report/model';
import { auditReadiness, SMTP_BASIC_AUTH_OFF } from '../../../../electron/engine/readiness/audit';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function step(id: StepResult['id'], status: StepResult['status'], summary: string, detail = {}): StepResult {
  return { id, status, durationMs: 1, summary, detail };
}

function check(protocol: CheckResult['protocol'], steps: StepResult[]): CheckResult {
  const verdict = steps.some((s) => s.status === 'fail') ? 'fail' : 'pass';
  return { protocol, verdict, durationMs: 1, steps, transcript: [] };
}

function report(checks: CheckResult[], target: Partial<Report['target']> = {}): Report {
  return {
    schema: 'mailprobe.report/1',
    verdict: 'pass',
    startedAt: new Date(NOW).toISOString(),
    durationMs: 1,
    target: {
      mailbox: 'ann@contoso.com',
      credential: 'client-secret',
      mechanism: 'auto',
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      ...target,
    },
    token: null,
    checks,
    findings: [],
  };
}

const tls = (protocol: string, validTo: string) =>
  step('starttls', 'pass', 'TLS', { protocol, chain: [{ subject: 'CN=smtp.office365.com', validTo }] });

describe('auditReadiness', () => {
  it('warns of basic SMTP AUTH on Exchange Online with the retirement date, and says when it is already off', () => {
    const passing = report(
      [check('smtp', [tls('TLSv1.3', '2027-06-01T00:00:00Z'), step('auth', 'pass', 'LOGIN ok')])],
      {
        credential: 'password',
      },
    );
    expect(auditReadiness(passing, NOW)).toEqual([
      expect.objectContaining({ topic: 'smtp-basic-auth', status: 'warn', when: SMTP_BASIC_AUTH_OFF }),
    ]);
    const refused = report(
      [
        check('smtp', [
          step(
            'auth',
            'fail',
            'LOGIN refused: 550 5.7.30 Basic authentication is not supported for Client Submission.',
          ),
        ]),
      ],
      { credential: 'password' },
    );
    expect(auditReadiness(refused, NOW).map((i) => `${i.topic}:${i.status}`)).toEqual([
      'smtp-basic-auth:fail',
    ]);
    // OAuth, or a server that is not Exchange Online: nothing to say.
    expect(auditReadiness(report([check('smtp', [step('auth', 'pass', 'ok')])]), NOW)).toEqual([]);
    const other = report([check('smtp', [step('auth', 'pass', 'ok')])], {
      credential: 'password',
      smtp: { host: 'mail.example.org', port: 587, security: 'starttls' },
    });
    expect(auditReadiness(other, NOW)).toEqual([]);
  });

  it('fails a connection that used TLS 1.1 and warns of a server that still accepts TLS 1.0', () => {
    const items = auditReadiness(
      report([
        check('imap', [
          step('tls', 'pass', 'TLS', { protocol: 'TLSv1.1' }),
          step('tls-versions', 'pass', 'probe', { oldestAccepted: 'TLSv1' }),
        ]),
      ]),
      NOW,
    );
    expect(items.map((i) => `${i.topic}:${i.status}:${i.protocol ?? ''}`)).toEqual([
      'tls-version:fail:imap',
      'tls-version:warn:imap',
    ]);
  });

  it('reads the end of the client secret, the app certificate and the server certificate', () => {
    const items = auditReadiness(
      report(
        [
          check('token', [
            step('acquire', 'pass', 'token', { certificate: { notAfter: '2026-12-01T00:00:00Z' } }),
          ]),
          check('smtp', [tls('TLSv1.3', '2026-12-20T00:00:00Z'), step('auth', 'pass', 'ok')]),
        ],
        { secretExpiresAt: '2027-06-30' },
      ),
      NOW,
    );
    expect(items.map((i) => `${i.topic}:${i.status}:${i.when ?? ''}`)).toEqual([
      'client-certificate-expiry:fail:2026-12-01',
      'server-certificate-expiry:warn:2026-12-20',
      'client-secret-expiry:ok:2027-06-30',
    ]);
    expect(items[1]?.summary).toMatch(/in 12 days/);
  });

  it('names a Graph refusal by an application access policy as legacy beside RBAC for Applications', () => {
    const items = auditReadiness(
      report([
        check('graph', [
          step(
            'mailbox',
            'fail',
            "Graph refused to read ann's inbox: HTTP 403 ErrorAccessDenied: Access to OData is disabled.",
          ),
        ]),
      ]),
      NOW,
    );
    expect(items).toEqual([
      expect.objectContaining({ topic: 'access-policy', status: 'warn', protocol: 'graph' }),
    ]);
    expect(items[0]?.fix).toMatch(/New-ManagementRoleAssignment -App/);
  });
});
