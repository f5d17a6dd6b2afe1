// The Graph check's reading of its token before Graph answers, and what the diagnosis makes of it:
// a token for Exchange sent to Graph is the wrong audience; one without Mail.Read, followed by
// Graph's "Access is denied", is the missing permission, ranked above the access policy that
// shares Graph's words.
import { describe, expect, it } from 'vitest';
import type { Report, StepResult } from '../../../../shared/report/model';
import { inspectGraphToken } from '../../../../electron/engine/checks/graph-check';
import { diagnoseReport } from '../../../../electron/engine/diagnosis/diagnose';

function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

function graphReport(steps: StepResult[]): Report {
  return {
    schema: 'mailprobe.report/1',
    verdict: 'fail',
    startedAt: '2026-12-07T00:00:00.000Z',
    durationMs: 1,
    target: { mailbox: 'ann@contoso.com', credential: 'access-token', mechanism: 'auto', cloud: 'global' },
    token: null,
    checks: [{ protocol: 'graph', verdict: 'fail', durationMs: 1, steps, transcript: [] }],
    findings: [],
  };
}

const denied: StepResult = {
  id: 'mailbox',
  status: 'fail',
  durationMs: 1,
  summary:
    "Graph refused to read ann's inbox: HTTP 403 ErrorAccessDenied: Access is denied. Check credentials and try again.",
  detail: {
    status: 403,
    code: 'ErrorAccessDenied',
    serverSaid: 'HTTP 403 ErrorAccessDenied: Access is denied. Check credentials and try again.',
  },
};

describe('the Graph token', () => {
  it('passes a token for Graph with Mail.Read, and names Mail.Send when sending without it', () => {
    const token = jwt({ aud: 'https://graph.microsoft.com', roles: ['Mail.Read'] });
    expect(inspectGraphToken(token, 'https://graph.microsoft.com', false).status).toBe('pass');
    const sending = inspectGraphToken(token, 'https://graph.microsoft.com', true);
    expect(sending.status).toBe('warn');
    expect(sending.detail.missing).toEqual(['Mail.Send']);
    // Graph's own application id is a valid audience too.
    const byId = jwt({ aud: '00000003-0000-0000-c000-000000000000', roles: ['Mail.ReadBasic.All'] });
    expect(inspectGraphToken(byId, 'https://graph.microsoft.com', false).status).toBe('pass');
  });

  it('a token for Exchange sent to Graph: the wrong audience, first', () => {
    const step = inspectGraphToken(
      jwt({ aud: 'https://outlook.office365.com', roles: ['IMAP.AccessAsApp'] }),
      'https://graph.microsoft.com',
      false,
    );
    expect(step).toMatchObject({ status: 'fail', detail: { code: 'WRONG_AUDIENCE' } });
    const findings = diagnoseReport(graphReport([step]));
    expect(findings[0]?.cause).toBe('token.wrong_audience');
    expect(findings[0]?.protocol).toBe('graph');
  });

  it('no Mail.Read (but Mail.Send), then "Access is denied": the missing permission, with Graph\'s own fix', () => {
    const step = inspectGraphToken(
      jwt({ aud: 'https://graph.microsoft.com', roles: ['Mail.Send'] }),
      'https://graph.microsoft.com',
      false,
    );
    const findings = diagnoseReport(graphReport([step, denied]));
    expect(findings[0]?.cause).toBe('token.missing_role');
    expect(findings[0]?.confidence).toBe('high');
    expect(findings[0]?.fix.steps.join('\n')).toContain('Microsoft APIs > Microsoft Graph');
    // With the permission present, the same words are no longer read as a missing permission.
    const granted = inspectGraphToken(
      jwt({ aud: 'https://graph.microsoft.com', roles: ['Mail.Read'] }),
      'https://graph.microsoft.com',
      false,
    );
    expect(diagnoseReport(graphReport([granted, denied]))[0]?.confidence).not.toBe('high');
  });

  it('no role at all: RBAC for Applications or the API permission, both named until Exchange is asked', () => {
    const step = inspectGraphToken(
      jwt({ aud: 'https://graph.microsoft.com' }),
      'https://graph.microsoft.com',
      false,
    );
    const findings = diagnoseReport(graphReport([step, denied]));
    expect(
      findings
        .slice(0, 2)
        .map((f) => f.cause)
        .sort(),
    ).toEqual(['grant.app_scope_restricted', 'token.missing_role']);
    expect(findings[0]?.confidence).not.toBe('high');
    expect(findings[0]?.explanation).toContain('Test-ServicePrincipalAuthorization');
  });

  it("a user's token without Mail.Read: the delegated scope is missing, never RBAC", () => {
    const step = inspectGraphToken(
      jwt({ aud: 'https://graph.microsoft.com', scp: 'User.Read', idtyp: 'user' }),
      'https://graph.microsoft.com',
      false,
    );
    expect(step.status).toBe('warn');
    expect(step.summary).toBe("The user's token has no Mail.Read scope (delegated; its scopes: User.Read)");
    const findings = diagnoseReport(graphReport([step, denied]));
    expect(findings[0]?.cause).toBe('token.missing_scope');
    expect(findings[0]?.confidence).toBe('high');
    expect(findings.map((f) => f.cause)).not.toContain('grant.app_scope_restricted');
  });
});
