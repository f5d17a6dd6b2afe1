// A realistic stored run for the bundle tests: the token passes, IMAP is refused at AUTHENTICATE,
// SMTP passes; one server line carries markup and an ampersand, as a hostile server could send.
import type { StoredRun } from '../../../../shared/api/contract';
import type { Report } from '../../../../shared/report/model';

export const HOSTILE = 'a1 NO <script>alert(1)</script> & "quoted" \'single\'';
export const TOKEN_PREVIEW = '<token redacted: 1843 chars, sha256 3f2a9c1e>';
export const DOC_URL =
  'https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth';

export function sampleReport(): Report {
  return {
    schema: 'mailprobe.report/1',
    verdict: 'fail',
    startedAt: '2026-11-24T10:15:42.123Z',
    durationMs: 1843,
    target: {
      mailbox: 'ops@contoso.com',
      credential: 'client-secret',
      mechanism: 'xoauth2',
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      tenant: 'contoso.onmicrosoft.com',
      clientId: '8f3c2a10-5b7e-4c1d-9a2f-0e6d4b3c2a11',
      cloud: 'global',
    },
    token: {
      claims: {
        aud: 'https://outlook.office365.com',
        roles: ['IMAP.AccessAsApp', 'SMTP.SendAsApp'],
        oid: '2b7c9d4e-1f3a-4b5c-8d6e-7f8091a2b3c4',
        appid: '8f3c2a10-5b7e-4c1d-9a2f-0e6d4b3c2a11',
        tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        exp: 1795519542,
        note: '<b>bold</b> & co',
      },
      checks: [
        { id: 'audience', protocol: null, status: 'pass', summary: 'Audience is Exchange Online' },
        { id: 'imap-role', protocol: 'imap', status: 'pass', summary: 'IMAP.AccessAsApp is granted' },
      ],
    },
    // SMTP first: the bundle puts the checks in protocol order whatever order they were stored in.
    checks: [
      {
        protocol: 'smtp',
        verdict: 'pass',
        durationMs: 612,
        steps: [
          { id: 'tcp', status: 'pass', durationMs: 21, summary: 'Connected to 52.97.1.2:587', detail: {} },
          { id: 'starttls', status: 'pass', durationMs: 88, summary: 'TLSv1.3 negotiated', detail: {} },
          { id: 'auth', status: 'pass', durationMs: 140, summary: 'Signed in with XOAUTH2', detail: {} },
        ],
        transcript: [
          { t: 5, dir: 'i', step: 'tcp', text: 'connected to 52.97.1.2:587' },
          { t: 40, dir: 's', step: 'greeting', text: '220 smtp.office365.com ESMTP ready' },
          { t: 300, dir: 'c', step: 'auth', text: `AUTH XOAUTH2 ${TOKEN_PREVIEW}` },
          { t: 440, dir: 's', step: 'auth', text: '235 2.7.0 Authentication successful' },
        ],
      },
      {
        protocol: 'token',
        verdict: 'pass',
        durationMs: 410,
        steps: [
          {
            id: 'acquire',
            status: 'pass',
            durationMs: 380,
            summary: 'Token acquired (client secret)',
            detail: {},
          },
          { id: 'inspect', status: 'pass', durationMs: 2, summary: 'Claims read', detail: {} },
        ],
        transcript: [
          {
            t: 12,
            dir: 'c',
            step: 'acquire',
            text: 'POST https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token\nclient_secret=<redacted>&grant_type=client_credentials',
          },
          { t: 390, dir: 's', step: 'acquire', text: 'HTTP/1.1 200 OK' },
        ],
      },
      {
        protocol: 'imap',
        verdict: 'fail',
        durationMs: 1203,
        steps: [
          {
            id: 'dns',
            status: 'pass',
            durationMs: 3,
            summary: 'outlook.office365.com -> 52.97.1.1',
            detail: {},
          },
          { id: 'tcp', status: 'pass', durationMs: 20, summary: 'Connected', detail: {} },
          { id: 'tls', status: 'pass', durationMs: 95, summary: 'TLSv1.3, certificate valid', detail: {} },
          { id: 'greeting', status: 'pass', durationMs: 60, summary: 'IMAP4rev1 server ready', detail: {} },
          {
            id: 'capabilities',
            status: 'pass',
            durationMs: 30,
            summary: 'AUTH=XOAUTH2 offered',
            detail: {},
          },
          {
            id: 'auth',
            status: 'fail',
            durationMs: 980,
            summary: 'AUTHENTICATE XOAUTH2 was refused',
            detail: { serverSaid: HOSTILE, hint: 'The service principal may lack mailbox access.' },
          },
          { id: 'mailbox', status: 'skipped', durationMs: 0, summary: 'Not reached', detail: {} },
          { id: 'logout', status: 'skipped', durationMs: 0, summary: 'Not reached', detail: {} },
        ],
        transcript: [
          { t: 0, dir: 'i', step: 'dns', text: 'outlook.office365.com resolved to 52.97.1.1' },
          { t: 23, dir: 'i', step: 'tls', text: 'TLSv1.3 TLS_AES_256_GCM_SHA384' },
          { t: 118, dir: 's', step: 'greeting', text: '* OK The Microsoft Exchange IMAP4 service is ready.' },
          { t: 120, dir: 'c', step: 'capabilities', text: 'a0 CAPABILITY' },
          { t: 150, dir: 's', step: 'capabilities', text: '* CAPABILITY IMAP4 IMAP4rev1 AUTH=XOAUTH2' },
          {
            t: 152,
            dir: 'c',
            step: 'auth',
            text: `a1 AUTHENTICATE XOAUTH2 user=ops@contoso.com auth=Bearer ${TOKEN_PREVIEW}`,
          },
          { t: 1130, dir: 's', step: 'auth', text: HOSTILE },
          { t: 1131, dir: 'e', step: 'auth', text: 'authentication refused by the server' },
        ],
      },
    ],
    findings: [
      {
        cause: 'grant.mailbox_permission_missing',
        confidence: 'high',
        protocol: 'imap',
        title: 'The app has no access to the mailbox <ops@contoso.com>',
        explanation:
          'The token is valid and carries IMAP.AccessAsApp, but Exchange has no mailbox permission for the service principal.',
        evidence: [HOSTILE, 'token roles: IMAP.AccessAsApp'],
        fix: {
          steps: [
            'Register the service principal in Exchange Online.',
            'Grant it FullAccess on the mailbox.',
          ],
          commands: [
            'New-ServicePrincipal -AppId 8f3c2a10-5b7e-4c1d-9a2f-0e6d4b3c2a11 -ObjectId 2b7c9d4e-1f3a-4b5c-8d6e-7f8091a2b3c4',
            'Add-MailboxPermission -Identity "ops@contoso.com" -User 2b7c9d4e-1f3a-4b5c-8d6e-7f8091a2b3c4 -AccessRights FullAccess',
          ],
        },
        docs: [DOC_URL, 'http://insecure.example.com/doc', 'javascript:alert(1)'],
      },
    ],
  };
}

export function sampleRun(report: Report = sampleReport()): StoredRun {
  return {
    schema: 'mailprobe.run/1',
    id: 'run-20261124-101542-a1b2',
    profileId: 'contoso',
    profileName: 'Contoso Support (Zürich) <EU>',
    scenario: 'mailbox-permission-missing',
    environment: {
      app: { name: 'MailProbe', version: '0.1.0', shell: 'electron' },
      os: { platform: 'win32', release: '10.0.22631', arch: 'x64' },
      versions: { node: '22.20.0', electron: '45.3.4', chromium: '142.0.7444.59' },
      network: {
        timeouts: { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 },
        minTls: '1.2',
        extraCaFiles: ['C:\\certs\\corp-root.pem'],
        proxy: { identity: null, mail: null },
      },
    },
    report,
  };
}

/** A run that never got anywhere: no checks, no token, no findings. */
export function emptyRun(): StoredRun {
  const base = sampleRun();
  return {
    ...base,
    scenario: null,
    profileName: '***',
    report: {
      schema: 'mailprobe.report/1',
      verdict: 'fail',
      startedAt: '2026-11-24T10:15:42.123Z',
      durationMs: 0,
      target: { mailbox: 'ops@contoso.com', credential: 'none', mechanism: 'auto' },
      token: null,
      checks: [],
      findings: [],
    },
    environment: {
      ...base.environment,
      versions: { node: '22.20.0', electron: null, chromium: null },
    },
  };
}
