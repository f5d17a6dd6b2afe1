// Every cause of the catalog has a rule, and each is shown here to fire on evidence that should
// produce it, ranked first (or, for a generic rejection, among the ranked candidates and never
// with high confidence).
import { describe, expect, it } from 'vitest';
import { CAUSE_IDS, type CauseId } from '../../../../shared/diagnosis/catalog';
import type { Finding, TokenClaimCheck } from '../../../../shared/report/model';
import { diagnose } from '../../../../electron/engine/diagnosis/diagnose';
import { explain } from '../../../../electron/engine/diagnosis/explain';
import { EMPTY_CONTEXT } from '../../../../electron/engine/diagnosis/context';
import type { Evidence, MailFailure } from '../../../../electron/engine/diagnosis/evidence';

function evidence(partial: Partial<Evidence>): Evidence {
  return {
    source: 'run',
    tokenEndpoint: null,
    identityUnreachable: null,
    claims: null,
    claimChecks: [],
    hosts: [],
    credential: 'token',
    provider: 'microsoft',
    failures: [],
    authPassed: [],
    mailboxOpened: [],
    warnings: [],
    saslPayloads: [],
    challenges: [],
    scopeLists: [],
    knowledge: [],
    pop3InitialResponseRefused: false,
    exchangeRegistration: null,
    service: null,
    smtpUser: null,
    unreadableCaFiles: [],
    context: {
      ...EMPTY_CONTEXT,
      tenant: 'contoso.onmicrosoft.com',
      clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
      servicePrincipalId: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
      mailbox: 'alice@contoso.com',
    },
    ...partial,
  };
}

function failure(partial: Partial<MailFailure>): MailFailure {
  return {
    protocol: 'imap',
    step: 'auth',
    code: null,
    said: '',
    security: 'tls',
    port: 993,
    host: 'outlook.office365.com',
    outcome: null,
    ...partial,
  };
}

const appOnlyClaims = {
  aud: 'https://outlook.office365.com',
  tid: 't',
  appid: 'a',
  oid: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
  roles: ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'],
  idtyp: 'app',
};
const check = (
  id: string,
  summary: string,
  protocol: TokenClaimCheck['protocol'] = null,
): TokenClaimCheck => ({ id, protocol, status: 'fail', summary });
const rejected = (protocol: MailFailure['protocol'], said: string) => failure({ protocol, said });

type Case = { first: true; findings: () => Finding[] } | { first: false; findings: () => Finding[] };

const TEXT = (t: string): Case => ({ first: true, findings: () => explain(t) });
const RUN = (e: Partial<Evidence>, first = true): Case => ({ first, findings: () => diagnose(evidence(e)) });
const aadsts = (code: number) =>
  TEXT(
    `{"error":"x","error_description":"AADSTS${code}: something went wrong.\\r\\nTrace ID: t","error_codes":[${code}]}`,
  );

const CASES: Record<CauseId, Case> = {
  'token.tenant_not_found': aadsts(90002),
  'token.invalid_tenant_identifier': aadsts(900023),
  'token.app_not_found': aadsts(700016),
  'token.app_disabled': aadsts(7000112),
  'token.invalid_secret': aadsts(7000215),
  'token.secret_expired': aadsts(7000222),
  'token.invalid_certificate': aadsts(700027),
  'token.client_type_mismatch': aadsts(7000218),
  'token.invalid_scope': aadsts(1002012),
  'token.consent_missing': RUN({
    claims: { ...appOnlyClaims, roles: undefined },
    claimChecks: [
      check('permission', 'App-only token lacks the role IMAP.AccessAsApp (roles: none)', 'imap'),
    ],
    failures: [rejected('imap', '1 NO AUTHENTICATE failed.')],
  }),
  'token.redirect_uri_mismatch': aadsts(50011),
  'token.account_type_mismatch': aadsts(50020),
  'token.invalid_user_credentials': aadsts(50126),
  'token.mfa_required': aadsts(50076),
  'token.conditional_access': aadsts(53003),
  'token.refresh_token_expired': aadsts(700082),
  'token.single_tenant_common_endpoint': aadsts(50194),
  'token.invalid_permission_config': aadsts(65006),
  'token.expired': RUN({
    claims: appOnlyClaims,
    claimChecks: [check('expiry', 'Expired 30 s ago')],
    failures: [rejected('imap', '1 NO AUTHENTICATE failed.')],
  }),
  'token.wrong_audience': RUN({
    claims: { ...appOnlyClaims, aud: 'https://graph.microsoft.com' },
    claimChecks: [check('audience', 'Audience https://graph.microsoft.com is not Exchange Online')],
    failures: [rejected('imap', '1 NO AUTHENTICATE failed.')],
  }),
  'token.missing_role': RUN({
    claims: { ...appOnlyClaims, roles: ['IMAP.AccessAsApp'] },
    claimChecks: [check('permission', 'App-only token lacks the role POP.AccessAsApp', 'pop3')],
    failures: [rejected('pop3', '-ERR Authentication failure: unknown user name or bad password.')],
  }),
  'token.missing_scope': RUN({
    claims: { aud: 'https://outlook.office365.com', scp: 'IMAP.AccessAsUser.All' },
    claimChecks: [check('permission', 'Delegated token lacks the scope SMTP.Send', 'smtp')],
  }),
  'token.delegated_vs_app_confusion': RUN({
    claims: appOnlyClaims,
    claimChecks: [check('client', 'Token issued to app x, not to the client id y')],
  }),
  'grant.service_principal_missing': RUN({
    claims: appOnlyClaims,
    failures: [
      rejected('imap', '1 NO AUTHENTICATE failed.'),
      rejected('pop3', '-ERR Authentication failure: unknown user name or bad password.'),
      rejected('smtp', '535 5.7.3 Authentication unsuccessful'),
    ],
  }),
  'grant.service_principal_wrong_id': RUN({
    claims: appOnlyClaims,
    exchangeRegistration: { objectId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', source: 'cli' },
    context: { ...EMPTY_CONTEXT, servicePrincipalId: appOnlyClaims.oid },
    failures: [
      rejected('imap', '1 NO AUTHENTICATE failed.'),
      rejected('smtp', '535 5.7.3 Authentication unsuccessful'),
    ],
  }),
  'grant.mailbox_permission_missing': TEXT('A3 BAD User is authenticated but not connected.'),
  'grant.sendas_missing': TEXT(
    '554 5.2.252 SendAsDenied; alice@contoso.com not allowed to send as shared@contoso.com',
  ),
  'xoauth2.wrong_user': TEXT(
    `C: A1 AUTHENTICATE XOAUTH2 ${Buffer.from('user=Alice Smith\x01auth=Bearer abc.def.ghi\x01\x01').toString('base64')}\nS: A1 NO AUTHENTICATE failed.`,
  ),
  'xoauth2.malformed': TEXT(
    `A1 AUTHENTICATE XOAUTH2 ${Buffer.from('user=alice@contoso.com auth=Bearer abc.def.ghi').toString('base64')}\nA1 NO AUTHENTICATE failed.`,
  ),
  'xoauth2.pop3_initial_response': TEXT(
    `+OK The Microsoft Exchange POP3 service is ready.\nAUTH XOAUTH2 ${Buffer.from('user=alice@contoso.com\x01auth=Bearer abc.def.ghi\x01\x01').toString('base64')}\n-ERR Protocol error. 14`,
  ),
  'xoauth2.token_too_long': TEXT('AUTH XOAUTH2 dXNlcj1...\n500 5.5.2 Line too long'),
  'account.basic_auth_disabled': TEXT(
    '535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [DM6PR01CA0001.namprd01.prod.outlook.com]',
  ),
  'account.invalid_password': TEXT(
    '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.',
  ),
  'account.smtp_auth_disabled_tenant': TEXT(
    '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
  ),
  'account.smtp_auth_disabled_mailbox': TEXT(
    '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
  ),
  'account.security_defaults': TEXT(
    '535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.',
  ),
  'account.conditional_access': {
    first: false,
    findings: () =>
      explain(
        '535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully.',
      ),
  },
  'account.protocol_disabled': RUN({
    claims: appOnlyClaims,
    authPassed: ['imap'],
    failures: [rejected('pop3', '-ERR Authentication failure: unknown user name or bad password.')],
  }),
  // Gmail's "Please log in via your web browser" is read first as password access being off (since
  // less secure apps ended), so the sign-in held back by policy is shown by Entra's own refusal.
  'account.signin_blocked': TEXT(
    'AADSTS80012: The users attempted to log on outside of the allowed hours (this is specified in AD).',
  ),
  'account.sending_restricted': TEXT('550 5.1.8 Access denied, bad outbound sender. AS(42004)'),
  'smtp.not_authenticated': TEXT(
    '530 5.7.57 Client not authenticated to send mail. [AM0PR01CA0001.eurprd01.prod.exchangelabs.com]',
  ),
  'smtp.unsupported_mechanism': TEXT(
    '504 5.7.4 Unrecognized authentication type [SN4PR0201CA0001.namprd02.prod.outlook.com]',
  ),
  'tls.old_version': RUN({
    failures: [
      failure({ step: 'tls', code: 'OLD_TLS', said: 'The server only offers TLS versions below TLSv1.2' }),
    ],
  }),
  'tls.implicit_vs_starttls': TEXT(
    'ssl.SSLError: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1002)',
  ),
  'tls.untrusted_certificate': RUN({
    failures: [failure({ step: 'tls', code: 'UNTRUSTED', host: 'mail.example.test', said: 'not trusted' })],
  }),
  'tls.ca_file_unreadable': RUN({
    unreadableCaFiles: [
      { source: 'Settings, extra CA files', path: '/etc/ca/proxy.pem', problem: 'does not exist' },
    ],
    failures: [failure({ step: 'tls', code: 'UNTRUSTED', host: 'mail.example.test', said: 'not trusted' })],
  }),
  'tls.hostname_mismatch': RUN({
    failures: [failure({ step: 'tls', code: 'HOSTNAME_MISMATCH', said: 'The certificate does not name x' })],
  }),
  'tls.certificate_expired': TEXT(
    'Error: certificate has expired\n    at TLSSocket.onConnectSecure (node:_tls_wrap:1674:34)',
  ),
  'tls.starttls_unavailable': TEXT(
    'smtplib.SMTPNotSupportedError: STARTTLS extension not supported by server.',
  ),
  'network.dns_not_found': TEXT('Error: getaddrinfo ENOTFOUND outlok.office365.com'),
  'network.connect_refused': TEXT('Error: connect ECONNREFUSED 127.0.0.1:993'),
  'network.port_blocked': RUN({
    failures: [
      failure({
        step: 'tcp',
        outcome: 'timeout',
        said: 'No answer from port 587 within the connect timeout of 10000 ms',
      }),
    ],
  }),
  'network.proxy_interference': {
    first: false,
    findings: () =>
      diagnose(evidence({ failures: [failure({ step: 'tls', code: 'UNTRUSTED', said: 'not trusted' })] })),
  },
  'network.sovereign_cloud_mismatch': RUN({
    claims: appOnlyClaims,
    failures: [failure({ host: 'outlook.office365.us', said: '1 NO AUTHENTICATE failed.' })],
  }),
  'token.service_principal_missing_in_tenant': aadsts(7000229),
  'account.basic_auth_retired': TEXT(
    '550 5.7.30 Basic authentication is not supported for Client Submission. Visit https://aka.ms/smtp_auth_disabled',
  ),
  'smtp.relay_denied': TEXT('554 5.7.1 <bob@example.org>: Relay access denied'),
  'smtp.sender_rejected': TEXT(
    '553 5.7.1 <noreply@app.example>: Sender address rejected: not owned by user alice@example.org',
  ),
  'smtp.message_rejected': TEXT(
    '554 5.2.0 STOREDRV.Submission.Exception:MessageSubmissionExceededException; Message size exceeds maximum size limit',
  ),
  'smtp.quota_exceeded': TEXT(
    '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.',
  ),
  'smtp.hve_external_recipient': RUN({
    failures: [
      failure({
        protocol: 'smtp',
        step: null,
        host: 'smtp-hve.office365.com',
        port: 587,
        said: '550 5.5.105 recipient refused',
      }),
    ],
  }),
  'smtp.direct_send_rejected': TEXT(
    '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources',
  ),
  'network.proxy_refused': TEXT('The proxy server is refusing connections'),
  'network.proxy_auth_required': TEXT(
    'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"',
  ),
  'network.proxy_blocks_port': TEXT(
    'HTTP/1.1 403 Forbidden\r\nServer: squid/5.7\r\nX-Squid-Error: ERR_ACCESS_DENIED 0',
  ),
  'graph.mailbox_not_enabled': TEXT(
    '{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"The mailbox is either inactive, soft-deleted, or is hosted on-premise."}}',
  ),
  'graph.access_policy_denied': TEXT(
    '{"error":{"code":"ErrorAccessDenied","message":"Access to OData is disabled."}}',
  ),
  'grant.app_scope_restricted': RUN({
    claims: { ...appOnlyClaims, roles: ['IMAP.AccessAsApp', 'POP.AccessAsApp'] },
    exchangeRegistration: {
      objectId: 'c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f',
      source: 'cli',
      smtpRbac: 'out-of-scope',
    },
    failures: [rejected('smtp', '535 5.7.3 Authentication unsuccessful')],
  }),
  'google.dwd_not_authorized': TEXT(
    '{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}',
  ),
  'google.invalid_grant': TEXT('{"error":"invalid_grant","error_description":"Invalid email or User ID"}'),
  'google.service_account_key_invalid': TEXT(
    '{"error":"invalid_grant","error_description":"Invalid JWT Signature."}',
  ),
  'google.imap_disabled': TEXT(
    '* NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)',
  ),
  'google.app_password_required': TEXT(
    '534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor',
  ),
  'google.scope_insufficient': TEXT(
    '334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==',
  ),
  // Microsoft's other sending paths: the run's target says which, the reply is the generic 5.7.3.
  'grant.hve_app_access_missing': RUN({
    service: 'hve',
    claims: { ...appOnlyClaims, roles: ['Mail.Send'] },
    failures: [
      failure({
        protocol: 'smtp',
        host: 'smtp-hve.office365.com',
        said: '535 5.7.3 Authentication unsuccessful',
      }),
    ],
  }),
  'acs.bad_username': RUN({
    service: 'acs',
    credential: 'password',
    smtpUser: 'mailprobe-acs.0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
    failures: [
      failure({
        protocol: 'smtp',
        host: 'smtp.azurecomm.net',
        said: '535 5.7.3 Authentication unsuccessful',
      }),
    ],
  }),
  'acs.role_missing': RUN(
    {
      service: 'acs',
      credential: 'password',
      smtpUser: 'mailprobe-acs.0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87.5f1c2b9e-3a47-4c2d-9e61-2d8b7c4a1f30',
      failures: [
        failure({
          protocol: 'smtp',
          host: 'smtp.azurecomm.net',
          said: '535 5.7.3 Authentication unsuccessful',
        }),
      ],
    },
    false,
  ),
  'server.throttled': TEXT('A2 NO Request is throttled. Suggested Backoff Time: 56332 milliseconds'),
  'server.transient': TEXT('421 4.3.2 Service not available, closing transmission channel'),
};

describe('the cause catalog', () => {
  it('has a case for every id', () => {
    expect(Object.keys(CASES).sort()).toEqual([...CAUSE_IDS].sort());
  });

  it.each(Object.entries(CASES) as Array<[CauseId, Case]>)('%s', (cause, c) => {
    const findings = c.findings();
    const causes = findings.map((f) => f.cause);
    if (c.first) expect(causes[0], JSON.stringify(causes)).toBe(cause);
    else expect(causes, JSON.stringify(causes)).toContain(cause);
    const finding = findings.find((f) => f.cause === cause);
    expect(finding?.title.length).toBeGreaterThan(10);
    expect(finding?.explanation.length).toBeGreaterThan(30);
    expect(finding?.evidence.length).toBeGreaterThan(0);
    expect((finding?.fix.steps.length ?? 0) + (finding?.fix.commands.length ?? 0)).toBeGreaterThan(0);
  });
});

describe('generic rejections', () => {
  it('never give one confident cause when the token is fine', () => {
    const findings = diagnose(
      evidence({ claims: appOnlyClaims, failures: [rejected('imap', '1 NO AUTHENTICATE failed.')] }),
    );
    expect(findings.length).toBeGreaterThan(1);
    expect(findings.every((f) => f.confidence !== 'high')).toBe(true);
    expect(findings[0]?.explanation).toMatch(/tell the candidates apart/);
  });

  it('point at the audience when the token is for Graph', () => {
    const findings = diagnose(
      evidence({
        claims: { ...appOnlyClaims, aud: 'https://graph.microsoft.com' },
        claimChecks: [check('audience', 'Audience https://graph.microsoft.com is not Exchange Online')],
        failures: [rejected('imap', '1 NO AUTHENTICATE failed.')],
      }),
    );
    expect(findings[0]).toMatchObject({ cause: 'token.wrong_audience', confidence: 'high' });
  });

  it("fill the fix with the tenant's own values", () => {
    const findings = diagnose(
      evidence({
        claims: appOnlyClaims,
        failures: [
          rejected('imap', '1 NO AUTHENTICATE failed.'),
          rejected('smtp', '535 5.7.3 Authentication unsuccessful'),
        ],
      }),
    );
    const sp = findings.find((f) => f.cause === 'grant.service_principal_missing');
    expect(sp?.fix.commands).toContain(
      'New-ServicePrincipal -AppId 0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87 -ObjectId c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f -DisplayName "MailProbe-checked app"',
    );
    expect(sp?.fix.commands).toContain(
      'Add-MailboxPermission -Identity alice@contoso.com -User c3d2e1f0-9a8b-4c7d-8e6f-5a4b3c2d1e0f -AccessRights FullAccess',
    );
  });
});

describe("Exchange's registration of the service principal", () => {
  const WRONG = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
  const rejections = [
    rejected('imap', '1 NO AUTHENTICATE failed.'),
    rejected('pop3', '-ERR Authentication failure: unknown user name or bad password.'),
    rejected('smtp', '535 5.7.3 Authentication unsuccessful'),
  ];
  const withRegistration = (
    objectId: string | null,
    source: 'cli' | 'lab' | 'profile' | 'text' = 'cli',
    failures = rejections,
  ) =>
    diagnose(
      evidence({
        claims: appOnlyClaims,
        failures,
        exchangeRegistration: { objectId, source },
        context: {
          ...EMPTY_CONTEXT,
          servicePrincipalId: appOnlyClaims.oid,
          registeredServicePrincipalId: objectId,
          clientId: '0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87',
        },
      }),
    );

  it('given for this run, tells a missing registration and a wrong object id apart with certainty', () => {
    expect(withRegistration(null)[0]).toMatchObject({
      cause: 'grant.service_principal_missing',
      confidence: 'high',
    });
    const wrong = withRegistration(WRONG, 'lab');
    expect(wrong[0]).toMatchObject({ cause: 'grant.service_principal_wrong_id', confidence: 'high' });
    expect(wrong[0]?.evidence.join('\n')).toContain(WRONG);
    expect(wrong[0]?.fix.commands).toContain(`Remove-ServicePrincipal -Identity '${WRONG}'`);
    expect(wrong.some((f) => f.cause === 'grant.service_principal_missing')).toBe(false);
  });

  it('recorded earlier (a profile, a pasted command), ranks it first but says to confirm it', () => {
    for (const source of ['profile', 'text'] as const) {
      const wrong = withRegistration(WRONG, source);
      expect(wrong[0]).toMatchObject({ cause: 'grant.service_principal_wrong_id', confidence: 'medium' });
      expect(wrong[0]?.explanation).toMatch(/confirm it with Get-ServicePrincipal/);
    }
  });

  it('matching the token, points at the mailbox side by protocol, with nothing certain', () => {
    const first = (protocol: 'imap' | 'pop3' | 'smtp') =>
      withRegistration(
        appOnlyClaims.oid.toUpperCase(),
        'cli',
        rejections.filter((f) => f.protocol === protocol),
      );
    const imap = first('imap');
    // On IMAP a missing FullAccess shows as "authenticated but not connected": a bare refusal
    // points first at user= naming no mailbox the app may use.
    expect(imap[0]?.cause).toBe('xoauth2.wrong_user');
    expect(
      first('pop3')
        .slice(0, 2)
        .map((f) => f.cause)
        .sort(),
    ).toEqual(['account.protocol_disabled', 'grant.mailbox_permission_missing']);
    for (const p of ['imap', 'pop3', 'smtp'] as const) {
      const findings = first(p);
      expect(findings.some((f) => f.cause.startsWith('grant.service_principal'))).toBe(false);
      expect(findings.every((f) => f.confidence !== 'high')).toBe(true);
      expect(findings[0]?.explanation).toMatch(/Get-MailboxPermission/);
    }
  });

  it('without it, a generic rejection stays ambiguous: no high confidence', () => {
    const findings = diagnose(evidence({ claims: appOnlyClaims, failures: rejections }));
    expect(findings.map((f) => f.cause)).toEqual(
      expect.arrayContaining(['grant.service_principal_missing', 'grant.service_principal_wrong_id']),
    );
    expect(findings.every((f) => f.confidence !== 'high')).toBe(true);
  });

  it('reads the last New-ServicePrincipal of a paste, by -ObjectId or -ServiceId', () => {
    const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from(JSON.stringify({ ...appOnlyClaims, exp: 4102444800 })).toString('base64url');
    const paste = (...commands: string[]) =>
      explain(
        [...commands, `token: ${header}.${payload}.c2lnbmF0dXJl`, 'A1 NO AUTHENTICATE failed.'].join('\n'),
      );
    expect(
      paste(`PS> New-ServicePrincipal -AppId 0b7d3c52-8e1f-4a6b-b9d4-6c2e1f0a9d87 -ObjectId '${WRONG}'`)[0],
    ).toMatchObject({ cause: 'grant.service_principal_wrong_id', confidence: 'medium' });
    expect(paste(`New-ServicePrincipal -AppId x -ServiceId:${WRONG}`)[0]?.cause).toBe(
      'grant.service_principal_wrong_id',
    );
    // A wrong attempt, removed, then the right one: the last command counts.
    const fixed = paste(
      `New-ServicePrincipal -AppId x -ObjectId ${WRONG}`,
      `Remove-ServicePrincipal -Identity ${WRONG}`,
      `New-ServicePrincipal -AppId x -ObjectId ${appOnlyClaims.oid}`,
    );
    expect(fixed.some((f) => f.cause === 'grant.service_principal_wrong_id')).toBe(false);
  });
});

describe('explain', () => {
  it('gives nothing for text it does not recognise', () => {
    expect(
      explain("TypeError: Cannot read properties of undefined (reading 'map')\n    at main (app.js:3:9)"),
    ).toEqual([]);
    expect(explain('Everything went fine, 3 messages fetched.')).toEqual([]);
  });
});
