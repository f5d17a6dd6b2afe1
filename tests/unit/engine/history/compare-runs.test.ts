// Comparing a run with an earlier one: identical runs and runs that differ only in what varies
// between identical sessions give no change; each real difference is reported once, with its
// values before and after, in a fixed order; the history line of a run.
import { describe, expect, it } from 'vitest';
import type { RunChange, StoredRun } from '../../../../shared/api/contract';
import type {
  CheckResult,
  Direction,
  Finding,
  Protocol,
  StepId,
  StepResult,
  StepStatus,
  TranscriptEntry,
} from '../../../../shared/report/model';
import type { TlsDetail } from '../../../../electron/engine/wire/tls';
import {
  AREA_ORDER,
  MAX_VALUE_CHARS,
  compareRuns,
  historyEntry,
  normaliseServerLine,
} from '../../../../electron/engine/history/compare-runs';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '5d0b5a5e-3c1f-4f7e-9a8b-1c2d3e4f5a6b';
const DIGICERT = 'C=US, O=DigiCert Inc, CN=DigiCert Cloud Services CA-1';
const AZURE_CA = 'C=US, O=Microsoft Corporation, CN=Microsoft Azure RSA TLS Issuing CA 03';

// Builders: a realistic app-only run against Exchange Online (token, IMAP over TLS, SMTP with
// STARTTLS and a test message), which tests then change one thing at a time.

function tlsDetail(host: string, issuer = DIGICERT): TlsDetail {
  return {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    chain: [
      {
        subject: 'C=US, ST=Washington, L=Redmond, O=Microsoft Corporation, CN=outlook.com',
        issuer,
        san: ['DNS:*.office365.com', 'DNS:outlook.office365.com', 'DNS:smtp.office365.com'],
        validFrom: '2025-06-02T00:00:00.000Z',
        validTo: '2026-06-01T23:59:59.000Z',
        fingerprint256:
          '3A:9F:12:7C:55:0B:E4:81:6D:2F:AA:90:1B:C3:44:E7:58:06:F1:9D:2C:7E:B0:63:18:A5:4D:E2:99:0C:7B:F6',
        selfSigned: false,
      },
      {
        subject: issuer,
        issuer: 'C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root G2',
        san: [],
        validFrom: '2020-09-24T00:00:00.000Z',
        validTo: '2030-09-23T23:59:59.000Z',
        fingerprint256:
          '9C:41:3D:B8:07:E2:15:6A:AE:30:C4:7F:21:D9:08:B5:6E:13:A2:F0:4C:87:1D:E9:62:3B:95:0A:D4:71:C8:2E',
        selfSigned: false,
      },
    ],
    trusted: true,
    trustError: null,
    hostnameMatch: true,
    hostnameError: null,
    issuerKind: 'public-ca',
    servername: host,
    interception: null,
  };
}

type Line = [StepId, Direction, string];

function check(
  protocol: Protocol,
  durationMs: number,
  steps: Array<[StepId, number, Record<string, unknown>?]>,
  lines: Line[],
): CheckResult {
  return {
    protocol,
    verdict: 'pass',
    durationMs,
    steps: steps.map(([id, ms, detail]): StepResult => ({
      id,
      status: 'pass',
      durationMs: ms,
      summary: `${id} ok`,
      detail: detail ?? {},
    })),
    transcript: lines.map(([step, dir, text], i): TranscriptEntry => ({ t: 10 * (i + 1), dir, step, text })),
  };
}

function passingRun(): StoredRun {
  return {
    schema: 'mailprobe.run/1',
    id: 'run-0900',
    profileId: 'contoso',
    profileName: 'Contoso support',
    scenario: null,
    environment: {
      app: { name: 'MailProbe', version: '1.4.0', shell: 'cli' },
      os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
      versions: { node: '22.11.0', electron: null, chromium: null },
      network: {
        timeouts: { connectMs: 10_000, greetingMs: 15_000, commandMs: 30_000 },
        minTls: '1.2',
        extraCaFiles: [],
        proxy: { identity: null, mail: null },
      },
    },
    report: {
      schema: 'mailprobe.report/1',
      verdict: 'pass',
      startedAt: '2025-11-24T09:00:00.000Z',
      durationMs: 1_240,
      target: {
        mailbox: 'ops@contoso.com',
        credential: 'client-secret',
        mechanism: 'auto',
        imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
        smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
        tenant: TENANT,
        clientId: CLIENT,
        cloud: 'global',
      },
      token: {
        claims: {
          aud: 'https://outlook.office365.com',
          iss: `https://sts.windows.net/${TENANT}/`,
          iat: 1_763_974_500,
          nbf: 1_763_974_500,
          exp: 1_763_978_400,
          aio: 'k2JgYGj8Zf3M1+7Lk0xqAA==',
          app_displayname: 'Contoso mail sync',
          appid: CLIENT,
          appidacr: '1',
          idtyp: 'app',
          oid: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
          rh: '1.AQEAv4j5cvGGr0GRqy180BHbR2V4GAABAAAAAAAAAAAAAAABAAA.',
          roles: ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'],
          sub: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
          tid: TENANT,
          uti: 'Xq3bYtU0kU2vLm8Cz1AAAA',
          ver: '1.0',
          wids: ['0997a1d0-0d1d-4acb-b408-d5ca73121e90'],
          xms_tcdt: 1_600_000_000,
          xms_idrel: '7 26',
        },
        checks: [
          { id: 'audience', protocol: null, status: 'pass', summary: 'Audience is Exchange Online' },
          { id: 'expiry', protocol: null, status: 'pass', summary: 'Valid for 64 more minutes' },
          { id: 'permission', protocol: 'imap', status: 'pass', summary: 'carries IMAP.AccessAsApp' },
          { id: 'permission', protocol: 'smtp', status: 'pass', summary: 'carries SMTP.SendAsApp' },
          { id: 'tenant', protocol: null, status: 'pass', summary: 'Token tenant matches' },
        ],
      },
      checks: [
        check(
          'token',
          190,
          [
            ['acquire', 183],
            ['inspect', 1],
          ],
          [
            ['acquire', 'c', `POST https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`],
            ['acquire', 's', 'HTTP 200 OK (183 ms)'],
            [
              'acquire',
              's',
              '{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"<access token redacted: 1523 chars, sha256 1a2b3c4d>"}',
            ],
            ['inspect', 'i', 'pass: Audience is Exchange Online'],
          ],
        ),
        check(
          'imap',
          280,
          [
            ['dns', 4],
            ['tcp', 22],
            ['tls', 48, { ...tlsDetail('outlook.office365.com') }],
            ['greeting', 31],
            ['capabilities', 12],
            ['auth', 64, { mechanism: 'XOAUTH2' }],
            ['mailbox', 41],
            ['logout', 6],
          ],
          [
            ['dns', 'i', 'outlook.office365.com resolves to 52.97.1.2'],
            ['tcp', 'i', 'Connected to 52.97.1.2:993'],
            ['tls', 'i', 'TLS TLSv1.3 TLS_AES_256_GCM_SHA384'],
            [
              'greeting',
              's',
              '* OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADAAMQBDAEEAMAAwADAANwAuAG4AYQBtAHAAcgBkADAAMQAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]',
            ],
            ['capabilities', 'c', 'a0 CAPABILITY'],
            ['capabilities', 's', '* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID'],
            ['capabilities', 's', 'a0 OK CAPABILITY completed.'],
            ['auth', 'c', 'a1 AUTHENTICATE XOAUTH2 <sasl payload redacted: 1601 chars>'],
            ['auth', 's', 'a1 OK AUTHENTICATE completed.'],
            ['mailbox', 'c', 'a2 SELECT INBOX'],
            ['mailbox', 's', '* 12873 EXISTS'],
            ['mailbox', 's', 'a2 OK [READ-WRITE] SELECT completed.'],
            ['logout', 'c', 'a3 LOGOUT'],
            ['logout', 's', '* BYE Microsoft Exchange Server IMAP4 server signing off.'],
            ['logout', 's', 'a3 OK LOGOUT completed.'],
          ],
        ),
        check(
          'smtp',
          460,
          [
            ['dns', 3],
            ['tcp', 25],
            ['greeting', 40],
            ['capabilities', 15],
            ['starttls', 55, { ...tlsDetail('smtp.office365.com') }],
            ['auth', 70],
            ['send', 230],
            ['logout', 8],
          ],
          [
            [
              'greeting',
              's',
              '220 MN2PR01CA0007.outlook.office365.com Microsoft ESMTP MAIL Service ready at Mon, 24 Nov 2025 09:00:00 +0000 [08DE2B3C4D5E6F70]',
            ],
            ['capabilities', 's', '250-MN2PR01CA0007.outlook.office365.com Hello [203.0.113.7]'],
            ['capabilities', 's', '250 SMTPUTF8'],
            ['starttls', 'c', 'STARTTLS'],
            ['starttls', 's', '220 2.0.0 SMTP server ready'],
            ['auth', 's', '235 2.7.0 Authentication successful'],
            ['send', 's', '354 Start mail input; end with <CRLF>.<CRLF>'],
            [
              'send',
              's',
              '250 2.0.0 OK <DB9PR01MB1234A1B2C3D4E5F6@DB9PR01MB1234.eurprd01.prod.exchangelabs.com> [Hostname=DB9PR01MB1234.EURPRD01.PROD.EXCHANGELABS.COM]',
            ],
            ['logout', 's', '221 2.0.0 Service closing transmission channel'],
          ],
        ),
      ],
      findings: [],
    },
  };
}

function clone(run: StoredRun): StoredRun {
  return structuredClone(run);
}

function checkOf(run: StoredRun, protocol: Protocol): CheckResult {
  const found = run.report.checks.find((c) => c.protocol === protocol);
  if (!found) throw new Error(`no ${protocol} check in the fixture`);
  return found;
}

function stepOf(run: StoredRun, protocol: Protocol, id: StepId): StepResult {
  const found = checkOf(run, protocol).steps.find((s) => s.id === id);
  if (!found) throw new Error(`no ${protocol} ${id} step in the fixture`);
  return found;
}

/** Replaces the text of the `index`-th transcript entry of a step (from its end with a negative index). */
function setLine(run: StoredRun, protocol: Protocol, step: StepId, index: number, text: string): void {
  const entries = checkOf(run, protocol).transcript.filter((e) => e.step === step);
  const entry = entries.at(index);
  if (!entry) throw new Error(`no line ${index} in ${protocol} ${step}`);
  entry.text = text;
}

function setStatus(run: StoredRun, protocol: Protocol, id: StepId, status: StepStatus): void {
  stepOf(run, protocol, id).status = status;
}

const MISSING_ROLE: Finding = {
  cause: 'token.missing_role',
  confidence: 'high',
  protocol: 'imap',
  title: 'The app token lacks the IMAP.AccessAsApp role',
  explanation: 'Exchange refuses an app-only sign-in over IMAP without the IMAP.AccessAsApp role.',
  evidence: ['roles: POP.AccessAsApp, SMTP.SendAsApp', 'a1 NO AUTHENTICATE failed.'],
  fix: { steps: ['Grant IMAP.AccessAsApp and admin consent'], commands: [] },
  docs: [],
};

/**
 * The same profile an hour later, after someone removed the IMAP role: IMAP sign-in fails, the
 * certificate now comes from another CA, SMTP sign-in got ten times slower, a finding appears.
 */
function failingRun(): StoredRun {
  const run = volatileTwin(passingRun());
  run.id = 'run-1000';
  run.report.verdict = 'fail';
  const token = run.report.token;
  if (!token) throw new Error('fixture without token');
  token.claims.roles = ['POP.AccessAsApp', 'SMTP.SendAsApp'];
  token.checks = token.checks.map((c) =>
    c.id === 'permission' && c.protocol === 'imap'
      ? { ...c, status: 'fail', summary: 'App-only token lacks the role IMAP.AccessAsApp' }
      : c,
  );
  const tokenCheck = checkOf(run, 'token');
  tokenCheck.verdict = 'fail';
  setStatus(run, 'token', 'inspect', 'fail');
  tokenCheck.transcript.push({
    t: 195,
    dir: 'e',
    step: 'inspect',
    text: 'fail: App-only token lacks the role IMAP.AccessAsApp',
  });
  const imap = checkOf(run, 'imap');
  imap.verdict = 'fail';
  imap.durationMs = 190;
  imap.steps = imap.steps.filter((s) => s.id !== 'mailbox' && s.id !== 'logout');
  imap.transcript = imap.transcript.filter((e) => e.step !== 'mailbox' && e.step !== 'logout');
  setStatus(run, 'imap', 'auth', 'fail');
  setLine(run, 'imap', 'auth', -1, 'a1 NO AUTHENTICATE failed.');
  stepOf(run, 'imap', 'tls').detail = { ...tlsDetail('outlook.office365.com', AZURE_CA) };
  stepOf(run, 'smtp', 'auth').durationMs = 700;
  checkOf(run, 'smtp').durationMs = 1_090;
  run.report.findings = [MISSING_ROLE];
  return run;
}

/**
 * The same run again with everything that varies between identical sessions changed: ids and
 * times, token issue times and ids, IMAP tags, server names, session and message ids, and
 * durations that moved but not notably.
 */
function volatileTwin(base: StoredRun): StoredRun {
  const run = clone(base);
  run.id = 'run-0930';
  run.report.startedAt = '2025-11-24T09:30:00.000Z';
  run.report.durationMs = 1_410;
  const claims = run.report.token?.claims;
  if (!claims) throw new Error('fixture without token');
  Object.assign(claims, {
    iat: 1_763_976_300,
    nbf: 1_763_976_300,
    exp: 1_763_980_200,
    uti: 'Pz7kQ1mN0E6wYb2Hc9BBBB',
    aio: 'E2ZgYPi7ZnN4+8Mk1yrBBB==',
    rh: '1.AQEAv4j5cvGGr0GRqy180BHbR2V4GAABAAAAAAAAAAAAAAABBBB.',
    xms_tcdt: 1_600_000_555,
    xms_ftd: 'q2Zx9Lk4b0-westeurope-dsms',
    roles: ['SMTP.SendAsApp', 'IMAP.AccessAsApp', 'POP.AccessAsApp'],
  });
  setLine(run, 'token', 'acquire', 0, 'HTTP 200 OK (241 ms)');
  setLine(
    run,
    'token',
    'acquire',
    -1,
    '{"token_type":"Bearer","expires_in":4288,"ext_expires_in":4288,"access_token":"<access token redacted: 1531 chars, sha256 9f8e7d6c>"}',
  );
  setLine(
    run,
    'imap',
    'greeting',
    -1,
    '* OK The Microsoft Exchange IMAP4 service is ready. [QgBOADkAUABSADAAMwBDAEEAMAAwADEAMgAuAG4AYQBtAHAAcgBkADAAMwAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]',
  );
  setLine(run, 'imap', 'capabilities', -1, 'A0001 OK CAPABILITY completed.');
  setLine(run, 'imap', 'auth', -1, 'A0002 OK AUTHENTICATE completed.');
  setLine(run, 'imap', 'mailbox', -1, 'A0003 OK [READ-WRITE] SELECT completed.');
  setLine(run, 'imap', 'logout', -1, 'A0004 OK LOGOUT completed.');
  setLine(
    run,
    'smtp',
    'greeting',
    -1,
    '220 BN9PR03CA0012.outlook.office365.com Microsoft ESMTP MAIL Service ready at Mon, 24 Nov 2025 09:30:00 +0000 [08DE2B3C8A9B0C1D]',
  );
  setLine(
    run,
    'smtp',
    'send',
    -1,
    '250 2.0.0 OK <AM0PR01MB5678F6E5D4C3B2A1@AM0PR01MB5678.eurprd01.prod.exchangelabs.com> [Hostname=AM0PR01MB5678.EURPRD01.PROD.EXCHANGELABS.COM]',
  );
  // 2.3x, 2.6x and 9x slower, but each under one of the two thresholds.
  stepOf(run, 'imap', 'auth').durationMs = 150;
  stepOf(run, 'smtp', 'send').durationMs = 600;
  stepOf(run, 'imap', 'tcp').durationMs = 200;
  checkOf(run, 'imap').durationMs = 510;
  for (const c of run.report.checks) c.transcript = c.transcript.map((e) => ({ ...e, t: e.t + 7 }));
  return run;
}

function only(changes: RunChange[], area: RunChange['area']): RunChange[] {
  return changes.filter((c) => c.area === area);
}

describe('compareRuns', () => {
  it('finds nothing between a run and an exact copy of it', () => {
    const run = passingRun();
    expect(compareRuns(clone(run), run)).toEqual([]);
    expect(compareRuns(run, run)).toEqual([]);
  });

  it('ignores what varies between identical sessions', () => {
    const base = passingRun();
    expect(compareRuns(volatileTwin(base), base)).toEqual([]);
    expect(compareRuns(base, volatileTwin(base))).toEqual([]);
  });

  it('reports each change of a failing run once, in area, protocol and step order', () => {
    const changes = compareRuns(failingRun(), passingRun());
    expect(changes.map((c) => [c.area, c.protocol, c.step, c.before, c.after])).toEqual([
      ['verdict', null, null, 'pass', 'fail'],
      [
        'token',
        'token',
        'inspect',
        'IMAP.AccessAsApp, POP.AccessAsApp, SMTP.SendAsApp',
        'POP.AccessAsApp, SMTP.SendAsApp',
      ],
      ['token', 'token', 'inspect', 'pass', 'fail'],
      ['step', 'token', 'inspect', 'pass', 'fail'],
      ['step', 'imap', 'auth', 'pass', 'fail'],
      ['step', 'imap', 'mailbox', 'pass', null],
      ['step', 'imap', 'logout', 'pass', null],
      ['response', 'token', 'inspect', null, 'fail: App-only token lacks the role IMAP.AccessAsApp'],
      ['response', 'imap', 'auth', 'a1 OK AUTHENTICATE completed.', 'a1 NO AUTHENTICATE failed.'],
      ['tls', 'imap', 'tls', DIGICERT, AZURE_CA],
      ['timing', 'smtp', 'auth', '70 ms', '700 ms'],
      ['finding', 'imap', null, null, 'token.missing_role (high confidence)'],
    ]);
    expect(changes.map((c) => c.what)).toEqual([
      'Run verdict',
      'Token claim roles (removed IMAP.AccessAsApp)',
      'Token check permission for IMAP',
      'Token claims check (inspect) status',
      'IMAP sign-in (auth) status',
      'IMAP mailbox access (mailbox) status',
      'IMAP logout (logout) status',
      'Token claims check reply',
      'IMAP sign-in reply',
      'IMAP TLS certificate issuer',
      'SMTP sign-in duration',
      'The app token lacks the IMAP.AccessAsApp role',
    ]);
  });

  it('gives the same order whatever the order of checks, claims and token checks in the files', () => {
    const run = failingRun();
    const expiry = run.report.token?.checks.find((c) => c.id === 'expiry');
    if (!expiry) throw new Error('fixture without an expiry check');
    expiry.status = 'warn';
    const expected = compareRuns(run, passingRun());
    expect(only(expected, 'token').map((c) => c.what)).toEqual([
      'Token claim roles (removed IMAP.AccessAsApp)',
      'Token check expiry',
      'Token check permission for IMAP',
    ]);

    const shuffled = clone(run);
    const base = passingRun();
    for (const r of [shuffled, base]) {
      r.report.checks.reverse();
      const token = r.report.token;
      if (!token) throw new Error('fixture without token');
      token.claims = Object.fromEntries(Object.entries(token.claims).reverse());
      token.checks.reverse();
    }
    expect(compareRuns(shuffled, base)).toEqual(expected);
    const areas = expected.map((c) => AREA_ORDER.indexOf(c.area));
    expect(areas).toEqual([...areas].sort((a, b) => a - b));
  });

  it('reports a verdict change and a finding that went away when comparing the other way round', () => {
    const changes = compareRuns(passingRun(), failingRun());
    expect(only(changes, 'verdict')).toEqual([
      { area: 'verdict', protocol: null, step: null, what: 'Run verdict', before: 'fail', after: 'pass' },
    ]);
    expect(only(changes, 'finding')).toEqual([
      {
        area: 'finding',
        protocol: 'imap',
        step: null,
        what: MISSING_ROLE.title,
        before: 'token.missing_role (high confidence)',
        after: null,
      },
    ]);
    expect(only(changes, 'token')[0]?.what).toBe('Token claim roles (added IMAP.AccessAsApp)');
  });

  it('reports what was checked: mailbox, tenant, client, cloud, credential, mechanism, endpoints', () => {
    const base = passingRun();
    const run = clone(base);
    Object.assign(run.report.target, {
      mailbox: 'support@contoso.com',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      cloud: 'usgov',
      credential: 'certificate',
      mechanism: 'oauthbearer',
      smtp: { host: 'smtp.office365.com', port: 465, security: 'tls' },
    });
    expect(compareRuns(run, base)).toEqual([
      {
        area: 'target',
        protocol: null,
        step: null,
        what: 'Mailbox',
        before: 'ops@contoso.com',
        after: 'support@contoso.com',
      },
      {
        area: 'target',
        protocol: null,
        step: null,
        what: 'Tenant',
        before: TENANT,
        after: 'contoso.onmicrosoft.com',
      },
      {
        area: 'target',
        protocol: null,
        step: null,
        what: 'Client id',
        before: CLIENT,
        after: '11111111-2222-3333-4444-555555555555',
      },
      { area: 'target', protocol: null, step: null, what: 'Cloud', before: 'global', after: 'usgov' },
      {
        area: 'target',
        protocol: null,
        step: null,
        what: 'Credential kind',
        before: 'client-secret',
        after: 'certificate',
      },
      {
        area: 'target',
        protocol: null,
        step: null,
        what: 'Sign-in mechanism',
        before: 'auto',
        after: 'oauthbearer',
      },
      {
        area: 'target',
        protocol: 'smtp',
        step: null,
        what: 'SMTP server',
        before: 'smtp.office365.com:587 starttls',
        after: 'smtp.office365.com:465 tls',
      },
    ]);
  });

  it('reports a token present in only one run, and claims added, removed or changed', () => {
    const base = passingRun();
    const noToken = clone(base);
    noToken.report.token = null;
    expect(compareRuns(noToken, base)).toEqual([
      {
        area: 'token',
        protocol: 'token',
        step: 'inspect',
        what: 'Access token',
        before: 'present (20 claims)',
        after: null,
      },
    ]);

    const run = clone(base);
    const claims = run.report.token?.claims;
    if (!claims) throw new Error('fixture without token');
    claims.aud = 'https://graph.microsoft.com';
    delete claims.app_displayname;
    claims.scp = 'IMAP.AccessAsUser.All SMTP.Send';
    const changes = compareRuns(run, base);
    expect(changes.map((c) => [c.what, c.before, c.after])).toEqual([
      ['Token claim app_displayname', 'Contoso mail sync', null],
      ['Token claim aud', 'https://outlook.office365.com', 'https://graph.microsoft.com'],
      ['Token claim scp', null, 'IMAP.AccessAsUser.All, SMTP.Send'],
    ]);
  });

  it('reports a check run only once as one change, and a step present in only one run', () => {
    const base = passingRun();
    const run = clone(base);
    run.report.checks.push({
      protocol: 'pop3',
      verdict: 'pass',
      durationMs: 300,
      steps: [{ id: 'auth', status: 'pass', durationMs: 80, summary: 'signed in', detail: {} }],
      transcript: [{ t: 5, dir: 's', step: 'auth', text: '+OK User successfully authenticated.' }],
    });
    checkOf(run, 'smtp').steps = checkOf(run, 'smtp').steps.filter((s) => s.id !== 'send');
    checkOf(run, 'smtp').transcript = checkOf(run, 'smtp').transcript.filter((e) => e.step !== 'send');
    expect(compareRuns(run, base)).toEqual([
      { area: 'step', protocol: 'pop3', step: null, what: 'POP3 check', before: 'not run', after: 'pass' },
      {
        area: 'step',
        protocol: 'smtp',
        step: 'send',
        what: 'SMTP test message (send) status',
        before: 'pass',
        after: null,
      },
    ]);
    expect(compareRuns(base, run)[0]).toMatchObject({ what: 'POP3 check', before: 'pass', after: 'not run' });
  });

  it('reports a changed server reply with the raw lines, only when it differs after normalising', () => {
    const base = passingRun();
    const run = clone(base);
    const trailer = '[SN4PR0501CA0123.namprd05.prod.outlook.com 2025-11-24T10:00:00.000Z 08DE2B3C4D5E6F70]';
    setLine(
      run,
      'smtp',
      'auth',
      -1,
      `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. ${trailer}`,
    );
    const long = `554 5.2.252 SendAsDenied; ${'x'.repeat(400)}`;
    setLine(run, 'smtp', 'send', -1, long);
    const changes = only(compareRuns(run, base), 'response');
    expect(changes.map((c) => [c.protocol, c.step, c.what, c.before])).toEqual([
      ['smtp', 'auth', 'SMTP sign-in reply', '235 2.7.0 Authentication successful'],
      [
        'smtp',
        'send',
        'SMTP test message reply',
        '250 2.0.0 OK <DB9PR01MB1234A1B2C3D4E5F6@DB9PR01MB1234.eurprd01.prod.exchangelabs.com> [Hostname=DB9PR01MB1234.EURPRD01.PROD.EXCHANGELABS.COM]',
      ],
    ]);
    expect(changes[0]?.after).toContain(trailer);
    expect(changes[1]?.after).toHaveLength(MAX_VALUE_CHARS);
    expect(changes[1]?.after?.startsWith('554 5.2.252 SendAsDenied; xxx')).toBe(true);

    // The same refusal from another server at another time is no change.
    const later = clone(run);
    setLine(
      later,
      'smtp',
      'auth',
      -1,
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [BN9PR03CA0012.namprd03.prod.outlook.com 2025-11-24T11:42:17.815Z 08DE2B3CFFEE0011]',
    );
    expect(only(compareRuns(later, run), 'response')).toEqual([]);
  });

  it('reports what the TLS details say: version, cipher, certificate, trust and host name', () => {
    const base = passingRun();
    const run = clone(base);
    const proxied = tlsDetail('smtp.office365.com', 'CN=Contoso Inspection CA');
    const leaf = proxied.chain[0];
    if (!leaf) throw new Error('fixture without a certificate');
    Object.assign(leaf, {
      subject: 'CN=smtp.office365.com',
      san: ['DNS:smtp.office365.com'],
      validFrom: '2025-11-24T00:00:00.000Z',
      validTo: '2025-12-24T00:00:00.000Z',
      fingerprint256: 'AA:BB:CC',
    });
    Object.assign(proxied, {
      protocol: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      trusted: false,
      trustError: 'SELF_SIGNED_CERT_IN_CHAIN',
      hostnameMatch: false,
      hostnameError: "Host: smtp.office365.com. is not in the cert's altnames",
      issuerKind: 'untrusted',
    });
    const starttls = stepOf(run, 'smtp', 'starttls');
    starttls.status = 'fail';
    starttls.detail = { code: 'UNTRUSTED', ...proxied };
    const tls = only(compareRuns(run, base), 'tls');
    expect(tls.every((c) => c.protocol === 'smtp' && c.step === 'starttls')).toBe(true);
    expect(tls.map((c) => [c.what, c.before, c.after])).toEqual([
      ['SMTP STARTTLS TLS version', 'TLSv1.3', 'TLSv1.2'],
      ['SMTP STARTTLS cipher', 'TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
      [
        'SMTP STARTTLS certificate subject',
        'C=US, ST=Washington, L=Redmond, O=Microsoft Corporation, CN=outlook.com',
        'CN=smtp.office365.com',
      ],
      ['SMTP STARTTLS certificate issuer', DIGICERT, 'CN=Contoso Inspection CA'],
      [
        'SMTP STARTTLS certificate names',
        'DNS:*.office365.com, DNS:outlook.office365.com, DNS:smtp.office365.com',
        'DNS:smtp.office365.com',
      ],
      ['SMTP STARTTLS certificate validity', '2025-06-02 to 2026-06-01', '2025-11-24 to 2025-12-24'],
      [
        'SMTP STARTTLS certificate fingerprint',
        '3A:9F:12:7C:55:0B:E4:81:6D:2F:AA:90:1B:C3:44:E7:58:06:F1:9D:2C:7E:B0:63:18:A5:4D:E2:99:0C:7B:F6',
        'AA:BB:CC',
      ],
      [
        'SMTP STARTTLS certificate trust',
        'trusted (by a public CA)',
        'not trusted (SELF_SIGNED_CERT_IN_CHAIN)',
      ],
      [
        'SMTP STARTTLS host name match',
        'matches',
        "does not match (Host: smtp.office365.com. is not in the cert's altnames)",
      ],
    ]);
  });

  it('leaves TLS details alone when a handshake did not happen in one run', () => {
    const base = passingRun();
    const run = clone(base);
    const tls = stepOf(run, 'imap', 'tls');
    tls.status = 'fail';
    tls.detail = { code: 'NOT_TLS', error: 'Error: wrong version number' };
    const changes = compareRuns(run, base);
    expect(only(changes, 'tls')).toEqual([]);
    expect(only(changes, 'step').map((c) => [c.step, c.before, c.after])).toEqual([['tls', 'pass', 'fail']]);
  });

  it('reports a step or check duration only when it changed 3x and by 250 ms or more', () => {
    const base = passingRun();
    const at = (auth: number, checkMs = 280): RunChange[] => {
      const run = clone(base);
      stepOf(run, 'imap', 'auth').durationMs = auth;
      checkOf(run, 'imap').durationMs = checkMs;
      return only(compareRuns(run, base), 'timing');
    };
    expect(at(313)).toEqual([]); // 4.9x but only 249 ms apart
    expect(at(191)).toEqual([]); // under 3x and under 250 ms
    expect(at(314)).toEqual([
      {
        area: 'timing',
        protocol: 'imap',
        step: 'auth',
        what: 'IMAP sign-in duration',
        before: '64 ms',
        after: '314 ms',
      },
    ]);
    expect(at(64, 3_400)).toEqual([
      {
        area: 'timing',
        protocol: 'imap',
        step: null,
        what: 'IMAP check duration',
        before: '280 ms',
        after: '3.4 s',
      },
    ]);
    expect(at(64, 840)).toEqual([
      {
        area: 'timing',
        protocol: 'imap',
        step: null,
        what: 'IMAP check duration',
        before: '280 ms',
        after: '840 ms',
      },
    ]);
    expect(at(64, 839)).toEqual([]); // 2.996x

    // Faster counts too; a step that failed in either run is a step change, not a timing one.
    const faster = clone(base);
    stepOf(faster, 'smtp', 'send').durationMs = 2_000;
    expect(only(compareRuns(base, faster), 'timing')).toMatchObject([
      { protocol: 'smtp', step: 'send', before: '2.0 s', after: '230 ms' },
    ]);
    const failed = clone(faster);
    setStatus(failed, 'smtp', 'send', 'fail');
    expect(only(compareRuns(base, failed), 'timing')).toEqual([]);
  });
});

describe('normaliseServerLine', () => {
  const same = (protocol: Protocol, step: StepId, a: string, b: string): boolean =>
    normaliseServerLine(protocol, step, a) === normaliseServerLine(protocol, step, b);

  it('drops IMAP tags but keeps what the server answered', () => {
    expect(same('imap', 'auth', 'a1 NO AUTHENTICATE failed.', 'A0001 NO AUTHENTICATE failed.')).toBe(true);
    expect(same('imap', 'auth', '2 OK AUTHENTICATE completed.', '1F OK AUTHENTICATE completed.')).toBe(true);
    expect(same('imap', 'auth', 'a1 OK AUTHENTICATE completed.', 'a1 NO AUTHENTICATE failed.')).toBe(false);
    expect(same('imap', 'auth', 'a1 NO [AUTHENTICATIONFAILED] x', 'a1 NO [AUTHORIZATIONFAILED] x')).toBe(
      false,
    );
    // SMTP reply codes are not tags.
    expect(same('smtp', 'auth', '250 OK', '550 OK')).toBe(false);
  });

  it('drops ids, dates, host names and queue ids', () => {
    expect(
      same('smtp', 'send', '250 2.0.0 Ok: queued as 4F2A1B3C9D', '250 2.0.0 Ok: queued as 7E1D0C2B8A'),
    ).toBe(true);
    expect(
      same(
        'pop3',
        'greeting',
        '+OK Dovecot ready. <1a2b.3c.4d5e6f7a@mx1>',
        '+OK Dovecot ready. <9f.1.22@mx1>',
      ),
    ).toBe(true);
    expect(
      same(
        'imap',
        'mailbox',
        'a2 NO Mailbox 3f2504e0-4f89-11d3-9a0c-0305e82c3301 is locked since 2025-11-24 09:00:00Z',
        'a7 NO Mailbox 6ba7b810-9dad-11d1-80b4-00c04fd430c8 is locked since 2025-11-24 10:12:45Z',
      ),
    ).toBe(true);
    expect(
      same(
        'imap',
        'auth',
        'a1 NO Request is throttled. Suggested Backoff Time: 153421 milliseconds',
        'a1 NO Request is throttled. Suggested Backoff Time: 287004 milliseconds',
      ),
    ).toBe(true);
    expect(
      same(
        'smtp',
        'auth',
        '451 4.7.0 Temporary error, session 0123456789ABCDEF01',
        '451 4.7.0 Temporary error, session FEDCBA98765432100A',
      ),
    ).toBe(true);
    expect(
      same(
        'smtp',
        'send',
        '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=mbx-17.contoso.local]',
        '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=mbx-03.contoso.local]',
      ),
    ).toBe(true);
    // An Entra error code is part of the word it sits in, and stays.
    expect(
      same('token', 'acquire', 'AADSTS7000215: Invalid client secret', 'AADSTS700016: Invalid client secret'),
    ).toBe(false);
  });
});

describe('historyEntry', () => {
  it('summarises a stored run for the history list', () => {
    const run = failingRun();
    run.scenario = 'missing-imap-role';
    run.report.findings.push({ ...MISSING_ROLE, cause: 'grant.mailbox_permission_missing', title: 'Second' });
    expect(historyEntry(run)).toEqual({
      id: 'run-1000',
      profileId: 'contoso',
      startedAt: '2025-11-24T09:30:00.000Z',
      durationMs: 1_410,
      verdict: 'fail',
      scenario: 'missing-imap-role',
      checks: [
        { protocol: 'token', verdict: 'fail' },
        { protocol: 'imap', verdict: 'fail' },
        { protocol: 'smtp', verdict: 'pass' },
      ],
      topFinding: 'The app token lacks the IMAP.AccessAsApp role',
    });
    expect(historyEntry(passingRun()).topFinding).toBeNull();
  });
});

describe('what follows from a failure', () => {
  it('lists the steps skipped after a failed one as one change, and the lab scenario and not its ports', () => {
    const before = passingRun();
    const after = passingRun();
    after.report.verdict = 'fail';
    const imap = after.report.checks.find((c) => c.protocol === 'imap');
    if (!imap) throw new Error('the fixture has an IMAP check');
    imap.verdict = 'fail';
    for (const step of imap.steps) {
      if (step.id === 'auth') step.status = 'fail';
      if (step.id === 'mailbox' || step.id === 'logout') step.status = 'skipped';
    }
    for (const r of [before, after]) {
      r.report.target.cloud = 'lab';
      r.report.target.imap = { host: '127.0.0.1', port: r === before ? 40_001 : 40_002, security: 'tls' };
    }
    before.scenario = 'healthy';
    after.scenario = 'no-service-principal';
    const changes = compareRuns(after, before);
    const steps = changes.filter((c) => c.area === 'step' && c.protocol === 'imap');
    expect(steps.map((c) => [c.what, c.before, c.after])).toEqual([
      ['IMAP sign-in (auth) status', 'pass', 'fail'],
      [
        'IMAP steps not run after the failure',
        'mailbox pass, logout pass',
        'mailbox skipped, logout skipped',
      ],
    ]);
    const target = changes.filter((c) => c.area === 'target');
    expect(target.map((c) => [c.what, c.before, c.after])).toEqual([
      ['Lab scenario', 'healthy', 'no-service-principal'],
    ]);
  });
});

describe('two failing runs', () => {
  it('list no change for steps skipped in both, and show a changed Exchange registration', () => {
    const failing = (): StoredRun => {
      const r = passingRun();
      r.report.verdict = 'fail';
      const imap = r.report.checks.find((c) => c.protocol === 'imap');
      if (!imap) throw new Error('the fixture has an IMAP check');
      imap.verdict = 'fail';
      for (const step of imap.steps) {
        if (step.id === 'auth') step.status = 'fail';
        if (step.id === 'mailbox' || step.id === 'logout') step.status = 'skipped';
      }
      return r;
    };
    const before = failing();
    const after = failing();
    after.report.target.exchangeServicePrincipal = { objectId: null, source: 'cli' };
    const changes = compareRuns(after, before);
    expect(changes.filter((c) => c.area === 'step')).toEqual([]);
    expect(changes.map((c) => [c.what, c.before, c.after])).toEqual([
      ["Exchange's registered service principal", null, 'none registered'],
    ]);
  });
});
