// The comparison of two kept runs on reports the lab produced (`mailprobe check --lab --scenario
// ID --json`, kept in tests/fixtures/compare): server replies from the transcripts paired by
// command, options apart from results, and which run a run is compared with.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, StoredRun } from '../../../shared/api/contract';
import {
  compareChoice,
  compareStoredRuns,
  exchangesOf,
  pairReplies,
  type Exchange,
} from '../../../shared/history/compare';
import type { CheckResult, Protocol, Report, TranscriptEntry } from '../../../shared/report/model';

function report(name: string): Report {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/compare/${name}.json`, import.meta.url), 'utf8'),
  ) as Report;
}

function stored(
  name: string,
  scenario: string,
  patch: Partial<StoredRun['environment']['network']> = {},
): StoredRun {
  return {
    schema: 'mailprobe.run/1',
    id: `run-${name}`,
    profileId: 'demo',
    profileName: 'Demo tenant',
    scenario,
    environment: {
      app: { name: 'MailProbe', version: 'test', shell: 'browser' },
      os: { platform: 'linux', release: '6', arch: 'x64' },
      versions: { node: '22', electron: null, chromium: null },
      network: {
        timeouts: { connectMs: 10_000, greetingMs: 10_000, commandMs: 20_000 },
        minTls: '1.2',
        extraCaFiles: [],
        proxy: { identity: null, mail: null },
        ...patch,
      },
    },
    report: report(name),
  };
}

function check(run: StoredRun, protocol: Protocol): CheckResult {
  const found = run.report.checks.find((c) => c.protocol === protocol);
  if (!found) throw new Error(`no ${protocol} check`);
  return found;
}

function find(list: Exchange[], command: string, nth = 1): Exchange {
  const found = list.filter((e) => e.command === command)[nth - 1];
  if (!found) throw new Error(`no ${command} #${nth}`);
  return found;
}

describe('a transcript as commands and their replies', () => {
  const failing = stored('no-service-principal', 'no-service-principal');

  it("keeps IMAP's own tagged reply to AUTHENTICATE, not the library's error entry", () => {
    const imap = check(failing, 'imap');
    // The transcript holds both: the server's line and the client library's words.
    expect(imap.transcript.some((e) => e.dir === 'e' && e.text === 'Command failed')).toBe(true);
    const exchanges = exchangesOf(imap);
    const auth = find(exchanges, 'AUTHENTICATE');
    expect(auth.step).toBe('auth');
    expect(auth.sent).toMatch(/^2 AUTHENTICATE XOAUTH2 /);
    expect(auth.replies).toEqual(['2 NO AUTHENTICATE failed.']);
    expect(exchanges.flatMap((e) => e.replies)).not.toContain('Command failed');
    expect(exchanges.map((e) => e.command)).toEqual(['greeting', 'CAPABILITY', 'AUTHENTICATE']);
    expect(find(exchanges, 'CAPABILITY').replies).toEqual([
      expect.stringMatching(/^\* CAPABILITY IMAP4 /),
      '1 OK CAPABILITY completed.',
    ]);
  });

  it('gives POP3 AUTH its continuation and its -ERR, and CAPA its listing up to the dot', () => {
    const exchanges = exchangesOf(check(failing, 'pop3'));
    expect(find(exchanges, 'AUTH').replies).toEqual([
      '+ ',
      '-ERR Authentication failure: unknown user name or bad password.',
    ]);
    expect(find(exchanges, 'CAPA').replies).toEqual([
      '+OK',
      'TOP',
      'UIDL',
      'SASL PLAIN XOAUTH2',
      'USER',
      '.',
    ]);
  });

  it('answers pipelined SMTP commands in order, multi-line replies whole, DATA with its 354 and its 250', () => {
    const exchanges = exchangesOf(check(stored('healthy-send', 'healthy'), 'smtp'));
    expect(exchanges.map((e) => e.command)).toEqual([
      'greeting',
      'EHLO',
      'STARTTLS',
      'EHLO',
      'AUTH',
      'MAIL FROM',
      'RCPT TO',
      'DATA',
      'QUIT',
    ]);
    expect(find(exchanges, 'MAIL FROM').replies).toEqual(['250 2.1.0 Sender OK']);
    expect(find(exchanges, 'RCPT TO').replies).toEqual(['250 2.1.5 Recipient OK']);
    const data = find(exchanges, 'DATA');
    expect(data.replies[0]).toMatch(/^354 /);
    expect(data.replies[1]).toMatch(/^250 2\.0\.0 OK <mailprobe\./);
    expect(data.replies).toHaveLength(2);
    expect(find(exchanges, 'EHLO', 2).replies).toContain('250-AUTH LOGIN XOAUTH2');
    expect(find(exchanges, 'EHLO', 2).replies.at(-1)).toBe('250 SMTPUTF8');
  });

  it('names HTTPS requests by method and path, without host, query or ids', () => {
    const exchanges = exchangesOf(check(failing, 'token'));
    expect(exchanges.map((e) => e.command)).toEqual([
      'GET /{id}/v2.0/.well-known/openid-configuration',
      'POST /{id}/oauth2/v2.0/token',
    ]);
    expect(find(exchanges, 'POST /{id}/oauth2/v2.0/token').replies[0]).toMatch(/^HTTP 200 OK/);
  });

  it("follows AUTH LOGIN's 334 challenges and IMAP's continuation without taking the client's answers for commands", () => {
    const entries: TranscriptEntry[] = [
      { t: 0, dir: 's', step: 'greeting', text: '220 mx ready' },
      { t: 1, dir: 'c', step: 'auth', text: 'AUTH LOGIN' },
      { t: 2, dir: 's', step: 'auth', text: '334 VXNlcm5hbWU6' },
      { t: 3, dir: 'c', step: 'auth', text: 'YWxpY2U=' },
      { t: 4, dir: 's', step: 'auth', text: '334 UGFzc3dvcmQ6' },
      { t: 5, dir: 'c', step: 'auth', text: '<password redacted: 8 chars>' },
      { t: 6, dir: 's', step: 'auth', text: '535 5.7.3 Authentication unsuccessful' },
      { t: 7, dir: 'e', step: 'auth', text: 'Invalid login' },
      { t: 8, dir: 'c', step: 'logout', text: 'QUIT' },
      { t: 9, dir: 's', step: 'logout', text: '221 bye' },
    ];
    const smtp = exchangesOf({
      protocol: 'smtp',
      verdict: 'fail',
      durationMs: 1,
      steps: [],
      transcript: entries,
    });
    expect(smtp.map((e) => [e.command, e.replies])).toEqual([
      ['greeting', ['220 mx ready']],
      ['AUTH', ['334 VXNlcm5hbWU6', '334 UGFzc3dvcmQ6', '535 5.7.3 Authentication unsuccessful']],
      ['QUIT', ['221 bye']],
    ]);
    const imap = exchangesOf({
      protocol: 'imap',
      verdict: 'fail',
      durationMs: 1,
      steps: [],
      transcript: [
        { t: 0, dir: 's', step: 'greeting', text: '* OK ready' },
        { t: 1, dir: 'c', step: 'auth', text: 'A1 AUTHENTICATE XOAUTH2' },
        { t: 2, dir: 's', step: 'auth', text: '+ ' },
        { t: 3, dir: 'c', step: 'auth', text: '[base64, 40 chars]' },
        { t: 4, dir: 's', step: 'auth', text: '+ eyJzdGF0dXMiOiI0MDAifQ==' },
        { t: 5, dir: 'c', step: 'auth', text: '' },
        { t: 6, dir: 's', step: 'auth', text: 'A1 NO AUTHENTICATE failed.' },
        { t: 7, dir: 'c', step: 'mailbox', text: 'A2 UID FETCH 1:* (FLAGS)' },
        { t: 8, dir: 's', step: 'mailbox', text: 'A2 BAD not authenticated' },
      ],
    });
    expect(imap.map((e) => [e.command, e.replies])).toEqual([
      ['greeting', ['* OK ready']],
      ['AUTHENTICATE', ['+ ', '+ eyJzdGF0dXMiOiI0MDAifQ==', 'A1 NO AUTHENTICATE failed.']],
      ['UID FETCH', ['A2 BAD not authenticated']],
    ]);
  });
});

describe('replies paired by command', () => {
  it("puts IMAP's NO beside the OK to the same AUTHENTICATE, never beside another command", () => {
    const differences = compareStoredRuns(stored('healthy', 'healthy'), stored('no-service-principal', 'x'));
    const auth = differences.replies.find((p) => p.protocol === 'imap' && p.command === 'AUTHENTICATE');
    expect(auth?.before?.replies).toEqual(['2 OK AUTHENTICATE completed.']);
    expect(auth?.after?.replies).toEqual(['2 NO AUTHENTICATE failed.']);
    for (const pair of differences.replies) {
      if (pair.before) expect(pair.before.command).toBe(pair.command);
      if (pair.after) expect(pair.after.command).toBe(pair.command);
      if (pair.before && pair.after) expect(pair.before.step).toBe(pair.after.step);
    }
    const smtpAuth = differences.replies.find((p) => p.protocol === 'smtp' && p.command === 'AUTH');
    expect(smtpAuth?.before?.replies).toEqual(['235 2.7.0 Authentication successful']);
    expect(smtpAuth?.after?.replies[0]).toMatch(/^535 5\.7\.3 /);
    // Commands sent only before the failure are shown as sent in one run only.
    const examine = differences.replies.find((p) => p.command === 'EXAMINE');
    expect(examine?.before?.replies.at(-1)).toBe('5 OK [READ-ONLY] EXAMINE completed.');
    expect(examine?.after).toBeNull();
    // No library words anywhere among the replies.
    const lines = differences.replies.flatMap((p) => [
      ...(p.before?.replies ?? []),
      ...(p.after?.replies ?? []),
    ]);
    expect(lines).not.toContain('Command failed');
    // The greeting and the CAPABILITY before sign-in were alike (dates, ids and tags aside).
    expect(differences.replies.some((p) => p.command === 'greeting')).toBe(false);
    expect(differences.replies.some((p) => p.command === 'CAPABILITY' && p.occurrence === 1)).toBe(false);
    expect(differences.sameReplies).toBeGreaterThan(5);
  });

  it('pairs the second CAPABILITY with the second, and keeps the order of the runs', () => {
    const x = (step: 'capabilities' | 'auth', command: string, reply: string): Exchange => ({
      protocol: 'imap',
      step,
      command,
      sent: `1 ${command}`,
      replies: [reply],
    });
    const pairs = pairReplies(
      [
        x('capabilities', 'CAPABILITY', 'a'),
        x('auth', 'AUTHENTICATE', 'b'),
        x('capabilities', 'CAPABILITY', 'c'),
      ],
      [x('capabilities', 'CAPABILITY', 'a'), x('auth', 'LOGIN', 'd'), x('capabilities', 'CAPABILITY', 'e')],
    );
    expect(
      pairs.map((p) => [p.command, p.occurrence, p.before?.replies[0] ?? null, p.after?.replies[0] ?? null]),
    ).toEqual([
      ['CAPABILITY', 1, 'a', 'a'],
      ['AUTHENTICATE', 1, 'b', null],
      ['LOGIN', 1, null, 'd'],
      ['CAPABILITY', 2, 'c', 'e'],
    ]);
  });

  it('finds nothing changed in the replies of two healthy sessions of different labs and times', () => {
    const differences = compareStoredRuns(stored('healthy', 'healthy'), stored('healthy-send', 'healthy'));
    expect(differences.replies).toEqual([]);
    expect(differences.results).toEqual([]);
  });

  it('says a check not run after a failed token request in one line, without its steps and commands', () => {
    const differences = compareStoredRuns(stored('healthy', 'healthy'), stored('secret-invalid', 'x'));
    const mail = differences.results.filter((r) => r.protocol !== null && r.protocol !== 'token');
    expect(mail).toEqual([
      expect.objectContaining({ kind: 'check', protocol: 'imap', before: 'pass', after: 'skipped' }),
      expect.objectContaining({ kind: 'check', protocol: 'pop3', before: 'pass', after: 'skipped' }),
      expect.objectContaining({ kind: 'check', protocol: 'smtp', before: 'pass', after: 'skipped' }),
    ]);
    expect(differences.replies.map((p) => p.protocol)).toEqual(['token']);
    const token = differences.replies[0];
    expect(token?.command).toBe('POST /{id}/oauth2/v2.0/token');
    expect(token?.before?.replies[0]).toMatch(/^HTTP 200 OK/);
    expect(token?.after?.replies[0]).toMatch(/^HTTP 401/);
    expect(token?.after?.replies[1]).toMatch(/"error":"invalid_client".*AADSTS7000215/);
  });
});

describe('options apart from results', () => {
  it('lists a test message sent in one run only as an option, and none of its steps or commands as results', () => {
    const differences = compareStoredRuns(
      stored('pop-disabled', 'pop-disabled'),
      stored('throttled-send', 'throttled'),
    );
    expect(differences.options).toEqual([
      { what: 'Lab scenario', before: 'pop-disabled', after: 'throttled' },
      { what: 'Test message', before: 'off', after: 'on (SMTP)' },
    ]);
    expect(differences.results.some((r) => r.step === 'send' || /test message/i.test(r.what))).toBe(false);
    expect(differences.results.some((r) => /scenario/i.test(r.what))).toBe(false);
    expect(
      differences.replies.some((p) => p.command === 'DATA' || p.command === 'RSET' || p.step === 'send'),
    ).toBe(false);
    // The real differences are there: IMAP's EXAMINE throttled, POP3's other -ERR.
    const examine = differences.replies.find((p) => p.command === 'EXAMINE');
    expect(examine?.before?.replies.at(-1)).toBe('5 OK [READ-ONLY] EXAMINE completed.');
    expect(examine?.after?.replies).toEqual([expect.stringMatching(/^5 BAD Request is throttled\./)]);
    const pop = differences.replies.find((p) => p.protocol === 'pop3' && p.command === 'AUTH');
    expect(pop?.after?.replies.at(-1)).toBe('-ERR Server Unavailable. 21');
    expect(differences.results).toContainEqual(
      expect.objectContaining({
        kind: 'step',
        protocol: 'imap',
        step: 'mailbox',
        before: 'pass',
        after: 'fail',
      }),
    );
  });

  it('lists the sent test message with its recipient, a proxy and a check run once as options', () => {
    const a = stored('healthy', 'healthy');
    const b = stored('healthy-send', 'healthy', {
      proxy: { identity: 'http://proxy.example:3128', mail: null },
    });
    b.report = { ...b.report, checks: b.report.checks.filter((c) => c.protocol !== 'pop3') };
    const differences = compareStoredRuns(a, b);
    expect(differences.options).toEqual([
      { what: 'Checks', before: 'IMAP, POP3, SMTP', after: 'IMAP, SMTP' },
      { what: 'Test message', before: 'off', after: 'on to someone@contoso.com (SMTP)' },
      { what: 'Proxy for sign-in', before: 'none (direct)', after: 'http://proxy.example:3128' },
    ]);
    expect(differences.results.filter((r) => r.protocol === 'pop3')).toEqual([]);
    expect(differences.replies.filter((p) => p.protocol === 'pop3')).toEqual([]);
  });

  it('lists no test message change where a run stopped before it would have been sent', () => {
    const differences = compareStoredRuns(
      stored('healthy-send', 'healthy'),
      stored('no-service-principal', 'x'),
    );
    // The failing run does not tell whether it would have sent one: not a difference it can show.
    expect(differences.options).toEqual([{ what: 'Lab scenario', before: 'healthy', after: 'x' }]);
    expect(differences.notKnown).toEqual([{ what: 'Test message', runs: 'after' }]);
    expect(differences.results).toContainEqual(
      expect.objectContaining({ kind: 'verdict', what: 'Run verdict', before: 'pass', after: 'fail' }),
    );
    expect(differences.results).toContainEqual(
      expect.objectContaining({
        kind: 'cause',
        what: 'Most likely cause',
        before: null,
        after: "Exchange Online does not know the app's service principal",
      }),
    );
  });

  it('takes the test message from what the run was asked, where the run kept it', () => {
    const asked = (to: string | null) => ({
      protocols: ['imap' as const, 'pop3' as const, 'smtp' as const],
      graph: false,
      testMessage: to === null ? null : { to },
      roundtrip: false,
    });
    const sent = { ...stored('healthy-send', 'healthy'), asked: asked('alice@lab.mailprobe.test') };
    // The failing run stopped before sending, but it says it was asked not to send: a difference.
    const failed = { ...stored('no-service-principal', 'x'), asked: asked(null) };
    const differences = compareStoredRuns(sent, failed);
    expect(differences.notKnown).toEqual([]);
    expect(differences.options).toContainEqual({
      what: 'Test message',
      before: 'on to alice@lab.mailprobe.test (SMTP)',
      after: 'off',
    });
    // Asked for the same message: no difference, whatever the runs reached.
    const same = compareStoredRuns(sent, { ...failed, asked: asked('alice@lab.mailprobe.test') });
    expect(same.options.map((o) => o.what)).not.toContain('Test message');
    expect(same.notKnown).toEqual([]);
  });
});

describe('what a run is compared with', () => {
  const entry = (id: string, minute: number, verdict: 'pass' | 'fail'): HistoryEntry => ({
    id,
    profileId: 'demo',
    startedAt: `2026-12-07T20:${String(minute).padStart(2, '0')}:00.000Z`,
    durationMs: 1000,
    verdict,
    scenario: null,
    checks: [],
    topFinding: null,
  });

  it('offers the last pass only where one came before, else the previous run, else nothing', () => {
    const first = entry('a', 1, 'fail');
    const second = entry('b', 2, 'fail');
    expect(compareChoice([first], 'a')).toBeNull();
    expect(compareChoice([second, first], 'b')).toEqual({ kind: 'previous', baselineId: 'a' });
    expect(compareChoice([second, first], 'a')).toBeNull();
    const pass = entry('c', 3, 'pass');
    const fourth = entry('d', 4, 'fail');
    const fifth = entry('e', 5, 'fail');
    const all = [fifth, fourth, pass, second, first];
    expect(compareChoice(all, 'e')).toEqual({ kind: 'last-pass', baselineId: 'c' });
    expect(compareChoice(all, 'd')).toEqual({ kind: 'last-pass', baselineId: 'c' });
    // A pass later than the run is not its last pass.
    expect(compareChoice(all, 'b')).toEqual({ kind: 'previous', baselineId: 'a' });
    expect(compareChoice(all, 'c')).toEqual({ kind: 'previous', baselineId: 'b' });
    expect(compareChoice(all, 'missing')).toBeNull();
  });
});
