// RBAC for Applications on Microsoft Graph: the token carries none of Graph's roles, and Graph
// refuses a mailbox outside the role assignment's scope with the same "Access is denied" as a
// missing API permission. What Exchange reports for the mailbox (the lab knows it, as an admin who
// ran Test-ServicePrincipalAuthorization would) decides; without it both models are named.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report/model';
import { diagnoseReport } from '../../electron/engine/diagnosis/diagnose';
import { runCheckJson } from './support/cli';

function withGraphRbac(report: Report, graphRbac: 'in-scope' | 'out-of-scope' | 'none' | undefined): Report {
  const registration = { source: 'lab' as const, ...report.target.exchangeServicePrincipal };
  if (graphRbac === undefined) delete registration.graphRbac;
  else registration.graphRbac = graphRbac;
  return { ...report, target: { ...report.target, exchangeServicePrincipal: registration } };
}

describe('Graph refused for a token without roles', () => {
  it('names the scope when Exchange says the mailbox is out of it, both models when nobody asked', async () => {
    const { code, report } = await runCheckJson(['--lab', '--scenario', 'graph-rbac-scope-excludes-mailbox']);
    expect(code).toBe(1);
    expect(report.target.exchangeServicePrincipal?.graphRbac).toBe('out-of-scope');
    expect(report.findings[0]?.cause).toBe('grant.app_scope_restricted');
    expect(report.findings[0]?.confidence).toBe('high');

    const unknown = diagnoseReport(withGraphRbac(report, undefined));
    expect(
      unknown
        .slice(0, 2)
        .map((f) => f.cause)
        .sort(),
    ).toEqual(['grant.app_scope_restricted', 'token.missing_role']);
    expect(unknown[0]?.confidence).not.toBe('high');
    const said = unknown
      .slice(0, 2)
      .map((f) => `${f.explanation}\n${f.fix.steps.join('\n')}\n${f.fix.commands.join('\n')}`)
      .join('\n');
    expect(said).toContain('Test-ServicePrincipalAuthorization');
    expect(said).toMatch(/Application Mail\.Read/);

    const none = diagnoseReport(withGraphRbac(report, 'none'));
    expect(none[0]?.cause).toBe('token.missing_role');
    expect(none.map((f) => f.cause)).not.toContain('grant.app_scope_restricted');

    const inScope = diagnoseReport(withGraphRbac(report, 'in-scope'));
    // RBAC grants the mailbox: the scope is not the reason and nothing is certain.
    expect(inScope[0]?.confidence).not.toBe('high');
    expect(inScope.map((f) => f.cause)).not.toContain('grant.app_scope_restricted');
  });

  it('a token with some of Graph roles but not the one needed is a missing permission whatever RBAC says', async () => {
    const { report } = await runCheckJson(['--lab', '--scenario', 'graph-missing-permission']);
    expect(report.target.exchangeServicePrincipal?.graphRbac).toBe('none');
    expect(report.findings[0]?.cause).toBe('token.missing_role');
    expect(report.findings[0]?.confidence).toBe('high');
  });
});
