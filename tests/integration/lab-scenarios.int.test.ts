// `mailprobe check --lab --scenario X --json` for every app-only scenario of SPEC 6, through the real code
// path (MSAL against the lab's identity endpoint, real sockets to its mail servers): the run fails
// at the step where Exchange Online would, with the simulated server's words, and diagnosis puts
// the scenario's cause first. No secret or token in anything the CLI prints.
import { describe, expect, it } from 'vitest';
import type { MailboxProtocol, StepId } from '../../shared/report/model';
import type { CauseId } from '../../shared/diagnosis/catalog';
import { SCENARIOS, type ScenarioId } from '../../electron/lab/state';
import { runCheckJson } from './support/cli';

interface Expectation {
  /** protocol:step that must fail (others may fail too). */
  fails: Array<`${MailboxProtocol | 'token'}:${StepId}`>;
  cause: CauseId | null;
  words?: RegExp;
  /** What the first finding's evidence must say beyond the server's words. */
  because?: RegExp;
  /** protocol:step that must warn, with the words of its summary. */
  warns?: { step: `${MailboxProtocol | 'token'}:${StepId}`; words: RegExp };
}

/** The delegated scenarios need a person to sign in: tests/integration/delegated-device-code.int.test.ts. */
type AppOnlyScenario = Exclude<ScenarioId, `delegated-${string}`>;
const APP_ONLY = SCENARIOS.filter((s): s is AppOnlyScenario => !s.startsWith('delegated-'));

const EXPECTED: Record<AppOnlyScenario, Expectation> = {
  healthy: { fails: [], cause: null },
  'secret-invalid': { fails: ['token:acquire'], cause: 'token.invalid_secret', words: /AADSTS7000215/ },
  'secret-expired': { fails: ['token:acquire'], cause: 'token.secret_expired', words: /AADSTS7000222/ },
  'app-not-found': { fails: ['token:acquire'], cause: 'token.app_not_found', words: /AADSTS700016/ },
  'tenant-not-found': { fails: ['token:acquire'], cause: 'token.tenant_not_found', words: /AADSTS90002/ },
  'no-admin-consent': {
    fails: ['token:inspect', 'imap:auth', 'pop3:auth', 'smtp:auth'],
    cause: 'token.consent_missing',
    words: /AUTHENTICATE failed/,
  },
  'graph-scope': {
    fails: ['token:inspect', 'imap:auth'],
    cause: 'token.wrong_audience',
    words: /AUTHENTICATE failed/,
  },
  'no-service-principal': {
    fails: ['imap:auth', 'pop3:auth', 'smtp:auth'],
    cause: 'grant.service_principal_missing',
    words: /535 5\.7\.3 Authentication unsuccessful/,
    // The server's words fit several causes; the simulated tenant's Exchange registration decides.
    because: /Exchange Online has no service principal for the app \(as the simulated tenant has it\)/,
  },
  'wrong-object-id': {
    fails: ['imap:auth', 'pop3:auth', 'smtp:auth'],
    cause: 'grant.service_principal_wrong_id',
    words: /AUTHENTICATE failed/,
    because: /registered with ObjectId [0-9a-f-]{36} \(as the simulated tenant has it\)/,
  },
  'no-mailbox-permission': {
    fails: ['imap:mailbox'],
    cause: 'grant.mailbox_permission_missing',
    words: /User is authenticated but not connected/,
  },
  'imap-disabled': {
    fails: ['imap:mailbox'],
    cause: 'account.protocol_disabled',
    words: /User is authenticated but not connected/,
  },
  'pop-disabled': {
    fails: ['pop3:auth'],
    cause: 'account.protocol_disabled',
    words: /-ERR Authentication failure/,
  },
  'smtp-auth-disabled-tenant': {
    fails: ['smtp:auth'],
    cause: 'account.smtp_auth_disabled_tenant',
    words: /535 5\.7\.139 .*disabled for the Tenant/,
  },
  'smtp-auth-disabled-mailbox': {
    fails: ['smtp:auth'],
    cause: 'account.smtp_auth_disabled_mailbox',
    words: /535 5\.7\.139 .*disabled for the Mailbox/,
  },
  'send-as-denied': {
    fails: ['smtp:send'],
    cause: 'grant.sendas_missing',
    words: /554 5\.2\.252 SendAsDenied/,
  },
  'conditional-access': { fails: ['token:acquire'], cause: 'token.conditional_access', words: /AADSTS53003/ },
  throttled: {
    fails: ['imap:mailbox', 'pop3:auth'],
    cause: 'server.throttled',
    words: /Request is throttled/,
  },
  'token-expires-mid-session': {
    fails: ['imap:mailbox'],
    cause: 'token.expired',
    words: /AccessTokenExpired/,
  },
  // SMTP granted through RBAC for Applications: no SMTP.SendAsApp in the token, and SMTP works.
  'rbac-smtp': {
    fails: [],
    cause: null,
    warns: { step: 'token:inspect', words: /lacks the role SMTP\.SendAsApp.*RBAC for Applications/ },
  },
  'rbac-scope-excludes-mailbox': {
    fails: ['smtp:auth'],
    cause: 'grant.app_scope_restricted',
    words: /535 5\.7\.3 Authentication unsuccessful/,
    because: /scope does not include the mailbox/,
  },
  // The Google Workspace tenant: a service account with domain-wide delegation.
  'google-healthy': { fails: [], cause: null },
  'google-dwd-not-authorized': {
    fails: ['token:acquire'],
    cause: 'google.dwd_not_authorized',
    words: /unauthorized_client: Client is unauthorized to retrieve access tokens/,
  },
  'google-subject-not-in-domain': {
    fails: ['token:acquire'],
    cause: 'google.invalid_grant',
    words: /invalid_grant: Invalid email or User ID/,
  },
  'google-imap-disabled': {
    fails: ['imap:auth'],
    cause: 'google.imap_disabled',
    words: /\[ALERT\] IMAP access is disabled for your domain/,
  },
  'google-scope-insufficient': {
    fails: ['token:inspect', 'imap:auth', 'pop3:auth', 'smtp:auth'],
    cause: 'google.scope_insufficient',
    words: /\[AUTHENTICATIONFAILED\] Invalid credentials \(Failure\)/,
  },
  // Microsoft's other sending paths: SMTP submission only, to the lab's HVE and ACS servers.
  'hve-healthy': { fails: [], cause: null },
  'hve-external-recipient': {
    fails: ['smtp:send'],
    cause: 'smtp.hve_external_recipient',
    words: /550 5\.5\.105 External sending is not supported for High Volume Email accounts/,
  },
  'hve-app-not-allowed': {
    fails: ['smtp:auth'],
    cause: 'grant.hve_app_access_missing',
    words: /535 5\.7\.3 Authentication unsuccessful/,
  },
  'acs-healthy': { fails: [], cause: null },
  'acs-bad-username': {
    fails: ['smtp:auth'],
    cause: 'acs.bad_username',
    words: /535 5\.7\.3 Authentication unsuccessful/,
    because: /it has 2 parts, not 3/,
  },
  'acs-role-missing': {
    fails: ['smtp:auth'],
    cause: 'acs.role_missing',
    words: /535 5\.7\.3 Authentication unsuccessful/,
  },
  'proxy-healthy': { fails: [], cause: null },
  'proxy-auth-required': {
    fails: ['token:proxy'],
    cause: 'network.proxy_auth_required',
    words: /407 Proxy Authentication Required/,
    because: /Basic/,
  },
  'proxy-blocks-port': {
    fails: ['imap:proxy', 'pop3:proxy', 'smtp:proxy'],
    cause: 'network.proxy_blocks_port',
    words: /403 Forbidden/,
  },
  'proxy-intercepts-tls': {
    fails: ['imap:tls', 'pop3:tls'],
    cause: 'network.proxy_interference',
    words: /re-signed by mitmproxy/,
  },
  'basic-auth-retired': {
    fails: ['smtp:auth'],
    cause: 'account.basic_auth_retired',
    words: /550 5\.7\.30 Basic authentication is not supported for Client Submission/,
  },
  'graph-healthy': { fails: [], cause: null },
  'graph-access-policy-denied': {
    fails: ['graph:mailbox'],
    cause: 'graph.access_policy_denied',
    words: /403 ErrorAccessDenied: Access to OData is disabled/,
  },
  'graph-mailbox-not-enabled': {
    fails: ['graph:mailbox'],
    cause: 'graph.mailbox_not_enabled',
    words: /404 MailboxNotEnabledForRESTAPI/,
  },
  'graph-missing-permission': {
    fails: ['graph:mailbox'],
    cause: 'token.missing_role',
    words: /403 ErrorAccessDenied: Access is denied/,
    because: /no Mail\.Read permission/,
    warns: { step: 'graph:inspect', words: /no Mail\.Read permission/ },
  },
  'graph-rbac-scope-excludes-mailbox': {
    fails: ['graph:mailbox'],
    cause: 'grant.app_scope_restricted',
    words: /403 ErrorAccessDenied: Access is denied/,
    because: /scope does not include the mailbox/,
    warns: { step: 'graph:inspect', words: /no Mail\.Read permission \(it has none\)/ },
  },
};

describe.each(APP_ONLY.map((s) => [s] as const))('lab scenario %s', (scenario) => {
  it('fails where Exchange Online would and puts its cause first', async () => {
    const expected = EXPECTED[scenario];
    const { code, report, stdout, stderr } = await runCheckJson(['--lab', '--scenario', scenario]);
    // HVE and ACS check SMTP submission alone, on their own servers.
    if (/^(hve|acs)-/.test(scenario)) {
      expect(report.checks.map((c) => c.protocol).filter((p) => p !== 'token')).toEqual(['smtp']);
      expect(report.target.service).toBe(scenario.slice(0, 3));
    }
    const failing = report.checks.flatMap((c) =>
      c.steps.filter((s) => s.status === 'fail').map((s) => `${c.protocol}:${s.id}`),
    );
    if (expected.warns) {
      const [protocol, id] = expected.warns.step.split(':');
      const step = report.checks.find((c) => c.protocol === protocol)?.steps.find((s) => s.id === id);
      expect(step?.status).toBe('warn');
      expect(step?.summary).toMatch(expected.warns.words);
    }
    // A password on SMTP: the readiness audit says basic SMTP AUTH is already off.
    if (scenario === 'basic-auth-retired')
      expect(report.readiness?.map((r) => `${r.topic}:${r.status}`)).toContain('smtp-basic-auth:fail');
    // The Graph scenarios check Graph alone: no token for Exchange, no mail connection.
    if (scenario.startsWith('graph-') && scenario !== 'graph-scope')
      expect(report.checks.map((c) => c.protocol)).toEqual(['graph']);
    // The company-network scenarios go through the lab's proxy, every connection of them.
    if (scenario.startsWith('proxy-'))
      expect(report.checks.find((c) => c.protocol === 'token')?.steps[0]?.id).toBe('proxy');
    if (expected.cause === null) {
      expect(code, JSON.stringify(failing)).toBe(0);
      expect(report.verdict).toBe('pass');
      expect(report.findings).toEqual([]);
      return;
    }
    expect(code).toBe(1);
    for (const f of expected.fails) expect(failing, `${scenario}: ${JSON.stringify(failing)}`).toContain(f);
    const causes = report.findings.map((f) => f.cause);
    expect(causes[0], JSON.stringify(causes)).toBe(expected.cause);
    if (expected.because) expect(report.findings[0]?.evidence.join('\n')).toMatch(expected.because);
    if (expected.words) {
      const said = report.checks
        .flatMap((c) => c.steps.map((s) => `${s.summary} ${JSON.stringify(s.detail)}`))
        .join('\n');
      expect(said).toMatch(expected.words);
    }
    // The lab's secret and any token never appear, not even as a fragment.
    expect(stdout + stderr).not.toMatch(/lab~[A-Za-z0-9_-]{10}/);
    expect(stdout + stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.eyJ/);
    // Nor the Google tenant's opaque tokens, nor its service account's private key.
    expect(stdout + stderr).not.toMatch(/ya29\.c\.lab[A-Za-z0-9_-]{8}/);
    expect(stdout + stderr).not.toMatch(/PRIVATE KEY/);
  });
});

describe('the lab round trip', () => {
  /** Sends a test message to alice through the lab and reads it back with `reader`. */
  async function roundTrip(reader: 'imap' | 'pop3') {
    const { code, report } = await runCheckJson([
      '--lab',
      `--${reader}`,
      '--smtp',
      '--send-to',
      'alice@lab.mailprobe.test',
      '--roundtrip',
    ]);
    expect(code).toBe(0);
    const check = report.checks.find((c) => c.protocol === reader);
    const roundtrip = check?.steps.find((s) => s.id === 'roundtrip');
    expect(roundtrip?.status).toBe('pass');
    expect(roundtrip?.summary).toMatch(/arrived in alice@lab\.mailprobe\.test after/);
    return { roundtrip, lines: check?.transcript ?? [] };
  }

  it('delivers the test message into the lab mailbox and finds it over IMAP', async () => {
    await roundTrip('imap');
  });

  it('finds it over POP3 when IMAP is not checked', async () => {
    const { roundtrip, lines } = await roundTrip('pop3');
    expect(roundtrip?.summary).toMatch(/\(found over POP3\)$/);
    // Headers of the messages looked at stay out of the transcript: they are other people's mail.
    expect(lines.some((e) => /header lines? of the message not recorded/.test(e.text))).toBe(true);
    expect(
      lines.filter((e) => e.dir === 's' && /^(Subject|From|To|Received|Message-ID):/i.test(e.text)),
    ).toEqual([]);
  });

  it('refuses --roundtrip without a message to send', async () => {
    const { runCli } = await import('./support/cli');
    const result = await runCli(['check', '--lab', '--roundtrip']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--roundtrip needs a test message/);
  });
});
