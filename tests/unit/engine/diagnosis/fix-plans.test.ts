// Every fix of the catalog as a person runs it: each cause's own fix and each documented error's
// fix joined with its cause's, as the engine gives them. A destructive or organisation-wide
// command is marked, comes after a check, and never rides along in "copy all"; alternatives are a
// choice, never two commands of one path; "copy all" is one path in one shell.
import { describe, expect, it } from 'vitest';
import type {
  FindingFix,
  FixPlanStep,
  FixStep,
  MailboxProtocol,
  Report,
} from '../../../../shared/report/model';
import { CAUSE_IDS } from '../../../../shared/diagnosis/catalog';
import { causeText } from '../../../../electron/engine/diagnosis/causes';
import { diagnoseReport, findingFix } from '../../../../electron/engine/diagnosis/diagnose';
import { EMPTY_CONTEXT, type FixContext } from '../../../../electron/engine/diagnosis/context';
import { knowledge } from '../../../../electron/engine/diagnosis/knowledge';
import { explain } from '../../../../electron/engine/diagnosis/explain';

const CTX: FixContext = {
  ...EMPTY_CONTEXT,
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
  servicePrincipalId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  registeredServicePrincipalId: '99999999-8888-7777-6666-555555555555',
  mailbox: 'shared@contoso.com',
  failedEndpoints: {},
};
const PROTOCOLS: (MailboxProtocol | null)[] = [null, 'imap', 'pop3', 'smtp', 'graph'];

/**
 * What a person must not paste unseen, said here apart from the engine's own list: removing,
 * revoking or resetting; a setting of the whole organisation; a secret replaced rather than added.
 */
const MUST_BE_MARKED = [
  /\b(Remove|Revoke|Reset|Clear|Disable)-\w+/,
  /\bSet-(TransportConfig|OrganizationConfig|AuthenticationPolicy)\b/,
  /^az\s.*\b(delete|remove)\b/,
  /^az ad app credential reset\b(?!.*--append)/,
  /^gcloud\s.*\bdelete\b/,
  /-AppRoleAssignmentRequired:?\s*\$false/,
];

/** What a command changes, so that two commands of one path that change the same are caught. */
function effects(command: string): string[] {
  const out: string[] = [];
  if (/^(New-MgServicePrincipal|az ad sp create)\b/.test(command)) out.push('create the service principal');
  if (/^(Add-MgApplicationPassword|az ad app credential reset)\b|Add-MgApplicationPassword/.test(command))
    out.push('a new client secret');
  // The app's service principal, or another one the command names (a resource's).
  if (/AccountEnabled:\$true|accountEnabled=true/.test(command) && /ServicePrincipal|az ad sp/.test(command))
    out.push(`enable the service principal${/<resource/.test(command) ? ' of the resource' : ''}`);
  const set = /^Set-\w+\b(.*)$/.exec(command);
  if (set)
    for (const m of (set[1] ?? '').matchAll(/\s-(\w+)/g))
      if (!/^(Identity|Confirm|ErrorAction)$/i.test(m[1] ?? '')) out.push(`set ${m[1] ?? ''}`);
  const add = /^(Add-\w+)\s+-Identity\s+(\S+)/.exec(command);
  if (add) out.push(`${add[1] ?? ''} on ${add[2] ?? ''}`);
  return out;
}

function shell(command: string): string {
  return /^(\$\w+|\[[\w.]+\]::|[A-Z][a-z]+-[A-Za-z]+\b)/.test(command) ? 'powershell' : 'shell';
}

interface Case {
  name: string;
  fix: FindingFix;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const cause of CAUSE_IDS)
    for (const protocol of PROTOCOLS)
      out.push({
        name: `${cause} (${protocol ?? 'no protocol'})`,
        fix: findingFix(cause, null, CTX, protocol),
      });
  for (const entry of knowledge().entries) {
    const protocol = entry.protocols.find((p): p is MailboxProtocol => p !== 'token' && p !== 'any') ?? null;
    out.push({
      name: `${entry.id} with ${entry.cause}`,
      fix: findingFix(entry.cause, entry, CTX, protocol),
    });
  }
  return out;
}

const ALL = cases();

/** The steps of the recommended path, each choice's first option in its place. */
function path(steps: readonly FixPlanStep[]): FixStep[] {
  return steps.flatMap((s) => (s.kind === 'choice' ? (s.options[0]?.steps ?? []) : [s]));
}

function problems(c: Case): string[] {
  const out: string[] = [];
  const plan = c.fix.plan;
  if (!plan) return ['no plan'];
  if (plan.steps.length === 0) out.push('an empty plan');
  for (const s of plan.steps) {
    if (s.kind !== 'choice') continue;
    if (s.options.length < 2) out.push(`a choice of ${s.options.length} option`);
    if (s.options[0]?.recommended !== true)
      out.push(`the first option of "${s.text}" is not the recommended one`);
    if (s.options.slice(1).some((o) => o.recommended))
      out.push(`"${s.text}" recommends more than one option`);
  }
  const every = [
    ...plan.steps.filter((s) => s.kind !== 'choice'),
    ...plan.steps.flatMap((s) => (s.kind === 'choice' ? s.options.flatMap((o) => o.steps) : [])),
  ] as FixStep[];
  for (const s of every) {
    if (!s.text && !s.command) out.push('a step with neither words nor a command');
    if (s.command?.includes('\n')) out.push(`two commands in one step: ${s.command}`);
    if (/^(Or|Alternatively|Either|Otherwise)\b/.test(s.text))
      out.push(`an alternative written as a step: "${s.text}"`);
    if (s.command && MUST_BE_MARKED.some((re) => re.test(s.command ?? '')) && !s.destructive)
      out.push(`not marked destructive: ${s.command}`);
  }
  // A destructive step comes after a check, in the same list or before the choice it is in.
  const checkedBefore = (list: FixStep[], i: number, outer: boolean): boolean =>
    list.slice(0, i).some((s) => s.kind === 'check') || outer;
  // A check read on the way: a step of the plan, or one of the recommended option of a choice.
  const topCheckBefore = (index: number): boolean =>
    path(plan.steps.slice(0, index)).some((s) => s.kind === 'check');
  plan.steps.forEach((s, i) => {
    if (s.kind !== 'choice' && s.destructive && !topCheckBefore(i))
      out.push(`destructive before any check: ${s.command ?? s.text}`);
  });
  plan.steps.forEach((s, i) => {
    if (s.kind !== 'choice') return;
    for (const o of s.options)
      o.steps.forEach((x, j) => {
        if (x.destructive && !checkedBefore(o.steps, j, topCheckBefore(i)))
          out.push(`destructive before any check: ${x.command ?? x.text}`);
      });
  });
  // Copy all: the recommended path, in order, before its first destructive step, in one shell.
  const recommended = path(plan.steps);
  const firstDestructive = recommended.findIndex((s) => s.destructive);
  const allowed = (firstDestructive === -1 ? recommended : recommended.slice(0, firstDestructive))
    .map((s) => s.command)
    .filter((x): x is string => Boolean(x));
  let at = 0;
  for (const command of plan.copyAll) {
    const found = allowed.indexOf(command, at);
    if (found === -1)
      out.push(`copy all holds what is not on the path before a destructive step: ${command}`);
    else at = found + 1;
    if (every.some((s) => s.command === command && s.destructive))
      out.push(`copy all holds a destructive command: ${command}`);
  }
  if (new Set(plan.copyAll.map(shell)).size > 1)
    out.push(`copy all mixes shells: ${plan.copyAll.join(' | ')}`);
  const seen = new Map<string, string>();
  for (const command of plan.copyAll)
    for (const e of effects(command)) {
      const before = seen.get(e);
      if (before && before !== command)
        out.push(`copy all holds alternatives (${e}): ${before} | ${command}`);
      seen.set(e, command);
    }
  // Checks before changes on the path (a check of the same command after it is its confirmation).
  const commandSteps = recommended.filter((s) => s.command);
  commandSteps.forEach((s, i) => {
    if (s.kind === 'check' && commandSteps.slice(0, i).some((x) => x.kind === 'action'))
      out.push(`a check after a change: ${s.command ?? ''}`);
  });
  // The flat form of mailprobe.report/1 keeps every command of the plan.
  for (const s of every)
    if (s.command && !c.fix.commands.includes(s.command)) out.push(`flat commands miss ${s.command}`);
  return out;
}

describe('fix plans of the whole catalog', () => {
  it('covers every cause and every documented error', () => {
    expect(ALL.length).toBe(CAUSE_IDS.length * PROTOCOLS.length + knowledge().entries.length);
  });

  it('marks destructive steps, puts checks first, keeps alternatives apart and copy all on one path', () => {
    const found = ALL.flatMap((c) => problems(c).map((p) => `${c.name}: ${p}`));
    expect(found).toEqual([]);
  });

  it('the checks of this file find a destructive step in copy all and concatenated alternatives', () => {
    const bad: Case = {
      name: 'bad',
      fix: {
        steps: [],
        commands: [],
        plan: {
          steps: [
            {
              kind: 'action',
              text: '',
              command: 'Set-CASMailbox -Identity a@b.c -SmtpClientAuthenticationDisabled $false',
            },
            {
              kind: 'action',
              text: '',
              command: 'Set-TransportConfig -SmtpClientAuthenticationDisabled $false',
            },
            { kind: 'action', text: '', command: 'Remove-ServicePrincipal -Identity x' },
          ],
          copyAll: [
            'Set-CASMailbox -Identity a@b.c -SmtpClientAuthenticationDisabled $false',
            'Set-TransportConfig -SmtpClientAuthenticationDisabled $false',
            'Remove-ServicePrincipal -Identity x',
          ],
        },
      },
    };
    const found = problems(bad).join('\n');
    expect(found).toContain('not marked destructive: Set-TransportConfig');
    expect(found).toContain('not marked destructive: Remove-ServicePrincipal');
    expect(found).toContain('copy all holds alternatives (set SmtpClientAuthenticationDisabled)');
  });
});

describe('the known cases', () => {
  it('SMTP AUTH off for the tenant: per mailbox recommended, the organisation-wide switch a marked alternative', () => {
    const fix = findingFix('account.smtp_auth_disabled_tenant', null, CTX, 'smtp');
    const choice = fix.plan?.steps.find((s) => s.kind === 'choice');
    expect(choice?.kind).toBe('choice');
    if (choice?.kind !== 'choice') return;
    expect(choice.options[0]?.recommended).toBe(true);
    expect(choice.options[0]?.steps[0]?.command).toBe(
      'Set-CASMailbox -Identity shared@contoso.com -SmtpClientAuthenticationDisabled $false',
    );
    expect(choice.options[1]?.steps[0]).toMatchObject({
      command: 'Set-TransportConfig -SmtpClientAuthenticationDisabled $false',
      destructive: true,
    });
    expect(fix.plan?.copyAll).toContain(
      'Set-CASMailbox -Identity shared@contoso.com -SmtpClientAuthenticationDisabled $false',
    );
    expect(fix.plan?.copyAll.join('\n')).not.toContain('Set-TransportConfig -Smtp');
    // The flat form of the report still has both.
    expect(fix.commands).toContain('Set-TransportConfig -SmtpClientAuthenticationDisabled $false');
  });

  it('a wrong object id: Remove-ServicePrincipal after its check, marked, and not in copy all', () => {
    const fix = findingFix('grant.service_principal_wrong_id', null, CTX, null);
    const steps = fix.plan?.steps ?? [];
    const remove = steps.findIndex(
      (s) => s.kind !== 'choice' && s.command?.startsWith('Remove-ServicePrincipal'),
    );
    const check = steps.findIndex((s) => s.kind === 'check' && s.command?.startsWith('Get-ServicePrincipal'));
    expect(check).toBeGreaterThan(-1);
    expect(remove).toBeGreaterThan(check);
    expect(steps[remove]).toMatchObject({
      destructive: true,
      command: "Remove-ServicePrincipal -Identity '99999999-8888-7777-6666-555555555555'",
    });
    expect(fix.plan?.copyAll).toEqual([
      'Connect-ExchangeOnline -UserPrincipalName <admin@yourtenant.onmicrosoft.com>',
      "Get-ServicePrincipal | Where-Object AppId -eq '11111111-2222-3333-4444-555555555555' | Format-List DisplayName,AppId,ObjectId",
    ]);
  });

  it('a Graph PowerShell and an Azure CLI way are a choice, copy all takes PowerShell alone', () => {
    const entry = knowledge().entries.find((e) => e.id === 'aadsts-7000215');
    expect(entry).toBeDefined();
    if (!entry) return;
    const fix = findingFix(entry.cause, entry, CTX, null);
    const choice = fix.plan?.steps.find(
      (s) => s.kind === 'choice' && s.options.some((o) => o.label === 'Azure CLI'),
    );
    expect(choice).toBeDefined();
    expect(fix.plan?.copyAll.some((c) => c.startsWith('az '))).toBe(false);
    expect(fix.plan?.copyAll.some((c) => c.includes('Add-MgApplicationPassword'))).toBe(true);
  });
});

function report(partial: Partial<Report>): Report {
  return {
    schema: 'mailprobe.report/1',
    verdict: 'fail',
    startedAt: '2026-12-07T20:00:00.000Z',
    durationMs: 10,
    target: {
      mailbox: 'shared@contoso.com',
      credential: 'client-secret',
      mechanism: 'auto',
      tenant: 'contoso.onmicrosoft.com',
      clientId: CTX.clientId ?? '',
    },
    token: null,
    checks: [],
    findings: [],
    ...partial,
  };
}

describe('a fix names the host that failed', () => {
  it('a DNS failure of the identity endpoint names login.microsoftonline.com, not the mail hosts', () => {
    const findings = diagnoseReport(
      report({
        target: {
          mailbox: 'shared@contoso.com',
          credential: 'client-secret',
          mechanism: 'auto',
          tenant: 'contoso.onmicrosoft.com',
          imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
          smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
        },
        checks: [
          {
            protocol: 'token',
            verdict: 'fail',
            durationMs: 5,
            transcript: [],
            steps: [
              {
                id: 'acquire',
                status: 'fail',
                durationMs: 5,
                summary: 'getaddrinfo ENOTFOUND login.microsoftonline.com',
                detail: { authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com' },
              },
            ],
          },
        ],
      }),
    );
    const dns = findings.find((f) => f.cause === 'network.dns_not_found');
    expect(dns).toBeDefined();
    const words = [...(dns?.fix.steps ?? []), ...(dns?.fix.commands ?? [])].join('\n');
    expect(words).toContain('nslookup login.microsoftonline.com');
    expect(dns?.fix.commands.join('\n')).not.toMatch(/outlook\.office365\.com|smtp\.office365\.com/);
    const copied = dns?.fix.plan?.copyAll.join('\n') ?? '';
    expect(copied).toContain('login.microsoftonline.com');
    expect(copied).not.toMatch(/outlook\.office365\.com|smtp\.office365\.com|<host name>/);
  });

  it('a DNS failure of a mail host names that host and a refused port its host and port', () => {
    const findings = diagnoseReport(
      report({
        target: {
          mailbox: 'shared@contoso.com',
          credential: 'client-secret',
          mechanism: 'auto',
          imap: { host: 'imap.contoso.invalid', port: 993, security: 'tls' },
          smtp: { host: 'mail.contoso.example', port: 2525, security: 'starttls' },
        },
        checks: [
          {
            protocol: 'imap',
            verdict: 'fail',
            durationMs: 5,
            transcript: [],
            steps: [
              {
                id: 'dns',
                status: 'fail',
                durationMs: 1,
                summary: 'getaddrinfo ENOTFOUND imap.contoso.invalid',
                detail: { code: 'ENOTFOUND' },
              },
            ],
          },
          {
            protocol: 'smtp',
            verdict: 'fail',
            durationMs: 5,
            transcript: [],
            steps: [
              {
                id: 'tcp',
                status: 'fail',
                durationMs: 1,
                summary: 'connect ECONNREFUSED',
                detail: { outcome: 'refused' },
              },
            ],
          },
        ],
      }),
    );
    const dns = findings.find((f) => f.cause === 'network.dns_not_found');
    expect(dns?.fix.commands).toContain('nslookup imap.contoso.invalid');
    const refused = findings.find((f) => f.cause === 'network.connect_refused');
    expect(refused?.fix.commands.join('\n')).toContain('mail.contoso.example -Port 2525');
  });

  it('a pasted DNS failure of the identity endpoint names it too', () => {
    const findings = explain(
      'MsalServiceException: getaddrinfo ENOTFOUND login.microsoftonline.com at GetAddrInfoReqWrap.onlookup',
    );
    const dns = findings.find((f) => f.cause === 'network.dns_not_found');
    expect(dns?.fix.commands).toContain('nslookup login.microsoftonline.com');
  });

  it('causeText still gives the flat steps and commands with the plan', () => {
    const t = causeText(
      'network.dns_not_found',
      { ...CTX, failedEndpoints: { token: { host: 'login.invalid', port: 443 } } },
      null,
    );
    expect(t.steps[0]).toContain('login.invalid');
    expect(t.commands).toEqual(['nslookup login.invalid']);
  });
});
