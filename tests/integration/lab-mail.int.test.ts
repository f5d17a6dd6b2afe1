// The lab's Exchange Online mail servers over real sockets on 127.0.0.1: each dialogue asserts
// the exact lines Exchange says, for every scenario switch the servers read, plus imapflow
// signing in and listing INBOX, and hostile clients that must not hang or crash anything.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { SignJWT, errors, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLabPki, type LabPki } from '../../electron/lab/pki';
import { applyScenario, DEMO, demoState } from '../../electron/lab/scenarios';
import type { ScenarioId, TenantState } from '../../electron/lab/state';
import { startLabMailServers, type LabMailServers, type TokenVerdict } from '../../electron/lab/mail/servers';
import { runMailServers } from '../../electron/lab/mail/run-mail-servers';
import { DEFAULT_LIMITS } from '../../electron/lab/mail/limits';

const BACKEND = 'LAB01PR01MB0001.lab.prod.outlook.com';
const AUDIENCE = 'https://outlook.office365.com';

let pki: LabPki;
let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
let state: TenantState;
let servers: LabMailServers;

function issuerOf(tid: string): string {
  return `https://sts.windows.net/${tid}/`;
}

/** The caller's verifier, as the lab builds it: jose checks signature, issuer, audience and time. */
async function verifyToken(token: string): Promise<TokenVerdict> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: issuerOf(DEMO.tenantId),
      audience: AUDIENCE,
      algorithms: ['RS256'],
    });
    return { ok: true, claims: payload };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad-signature' };
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') return { ok: false, reason: 'wrong-audience' };
      if (error.claim === 'iss') return { ok: false, reason: 'wrong-issuer' };
      if (error.claim === 'nbf') return { ok: false, reason: 'not-yet-valid' };
    }
    return { ok: false, reason: 'malformed' };
  }
}

interface TokenOptions {
  audience?: string;
  roles?: string[];
  oid?: string;
  lifetimeSeconds?: number;
}

/** An Entra ID v1 app-only access token for Exchange Online, signed with the test key. */
async function appToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    tid: DEMO.tenantId,
    appid: DEMO.clientId,
    oid: options.oid ?? DEMO.servicePrincipalObjectId,
    roles: options.roles ?? ['IMAP.AccessAsApp', 'POP.AccessAsApp', 'SMTP.SendAsApp'],
    idtyp: 'app',
    ver: '1.0',
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(issuerOf(DEMO.tenantId))
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 5)
    .setNotBefore(now - 5)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 3599))
    .sign(keys.privateKey);
}

function xoauth2(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
}

/** Resets the live state in place (the servers hold this very object) and applies a scenario. */
function useScenario(scenario: ScenarioId): void {
  Object.assign(state, demoState());
  applyScenario(state, scenario);
}

/** A line-based client for exact dialogues: every server line is kept, in order. */
class Dialogue {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: (() => void) | null = null;
  closed = false;

  constructor(public socket: Socket) {
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let index = this.buffer.indexOf('\r\n');
      while (index >= 0) {
        this.lines.push(this.buffer.slice(0, index));
        this.buffer = this.buffer.slice(index + 2);
        index = this.buffer.indexOf('\r\n');
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  async line(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('no line from the server');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.lines.shift() ?? '';
  }

  /** Lines up to and including the first one that matches. */
  async until(match: RegExp, timeoutMs = 5000): Promise<string[]> {
    const seen: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      seen.push(line);
      if (match.test(line)) return seen;
    }
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  /** Upgrades a plain SMTP connection after "220 2.0.0 SMTP server ready". */
  async startTls(): Promise<void> {
    const secure = tlsConnect({ socket: this.socket, ca: [pki.caPem], servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  end(): void {
    this.socket.destroy();
  }
}

const open: Dialogue[] = [];

async function tlsDialogue(port: number): Promise<Dialogue> {
  const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, ca: [pki.caPem], servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const dialogue = new Dialogue(socket);
  open.push(dialogue);
  return dialogue;
}

async function plainDialogue(port: number): Promise<Dialogue> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const dialogue = new Dialogue(socket);
  open.push(dialogue);
  return dialogue;
}

beforeAll(async () => {
  [pki, keys] = await Promise.all([createLabPki(), generateKeyPair('RS256')]);
  state = demoState();
  servers = await startLabMailServers({
    state,
    tls: { keyPem: pki.serverKeyPem, certPem: pki.serverCertPem },
    verifyToken,
    backendName: BACKEND,
  });
});

afterEach(() => {
  for (const dialogue of open.splice(0)) dialogue.end();
});

afterAll(async () => {
  await servers.close();
});

const TAG = Buffer.from(BACKEND, 'utf16le').toString('base64');
const SMTP_TRAILER = new RegExp(
  `\\[${BACKEND.replace(/\./g, '\\.')} \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z [0-9A-F]{16}\\]$`,
);

/** IMAP up to a signed-in session (SASL-IR, as imapflow and MailKit send it). */
async function imapSignedIn(user = DEMO.mailbox, token?: string): Promise<Dialogue> {
  const imap = await tlsDialogue(servers.ports.imap);
  await imap.line();
  imap.send(`a1 AUTHENTICATE XOAUTH2 ${xoauth2(user, token ?? (await appToken()))}`);
  expect(await imap.line()).toBe('a1 OK AUTHENTICATE completed.');
  return imap;
}

/** Sends a message through SMTP (STARTTLS, XOAUTH2) and returns the final reply. */
async function submit(from: string, to: string, body: string, user = DEMO.mailbox): Promise<string> {
  const smtp = await plainDialogue(servers.ports.smtp);
  await smtp.line();
  smtp.send('EHLO client.test');
  await smtp.until(/^250 /);
  smtp.send('STARTTLS');
  await smtp.line();
  await smtp.startTls();
  smtp.send('EHLO client.test');
  await smtp.until(/^250 /);
  smtp.send(`AUTH XOAUTH2 ${xoauth2(user, await appToken())}`);
  const auth = await smtp.line();
  if (!auth.startsWith('235')) return auth;
  smtp.send(`MAIL FROM:<${from}>`);
  await smtp.line();
  smtp.send(`RCPT TO:<${to}>`);
  await smtp.line();
  smtp.send('DATA');
  await smtp.line();
  smtp.send(body.replace(/\n/g, '\r\n'));
  smtp.send('.');
  const reply = await smtp.line();
  smtp.send('QUIT');
  return reply;
}

describe('IMAP (implicit TLS, like outlook.office365.com:993)', () => {
  it('greets, lists capabilities, signs in with XOAUTH2 and logs out in Exchange words', async () => {
    useScenario('healthy');
    const imap = await tlsDialogue(servers.ports.imap);
    expect(await imap.line()).toBe(`* OK The Microsoft Exchange IMAP4 service is ready. [${TAG}]`);
    imap.send('a0 CAPABILITY');
    expect(await imap.line()).toBe(
      '* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+',
    );
    expect(await imap.line()).toBe('a0 OK CAPABILITY completed.');
    imap.send(`a1 AUTHENTICATE XOAUTH2 ${xoauth2(DEMO.mailbox, await appToken())}`);
    expect(await imap.line()).toBe('a1 OK AUTHENTICATE completed.');
    imap.send('a2 CAPABILITY');
    expect(await imap.line()).toBe(
      '* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES ' +
        'CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+',
    );
    expect(await imap.line()).toBe('a2 OK CAPABILITY completed.');
    imap.send('a3 LIST "" "*"');
    const list = await imap.until(/^a3 /);
    expect(list).toContain('* LIST (\\HasNoChildren) "/" INBOX');
    expect(list).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"');
    expect(list.at(-1)).toBe('a3 OK LIST completed.');
    imap.send('a4 EXAMINE INBOX');
    const examine = await imap.until(/^a4 /);
    expect(examine).toContain('* OK [UIDVALIDITY 14] UIDVALIDITY value');
    expect(examine.at(-1)).toBe('a4 OK [READ-ONLY] EXAMINE completed.');
    imap.send('a5 LOGOUT');
    expect(await imap.line()).toBe('* BYE Microsoft Exchange Server IMAP4 server signing off.');
    expect(await imap.line()).toBe('a5 OK LOGOUT completed.');
    expect(await imap.waitClosed()).toBe(true);
  });

  it('asks for the payload with an empty continuation when there is no initial response', async () => {
    useScenario('healthy');
    const imap = await tlsDialogue(servers.ports.imap);
    await imap.line();
    imap.send('a1 AUTHENTICATE XOAUTH2');
    expect(await imap.line()).toBe('+ ');
    imap.send(xoauth2(DEMO.mailbox, await appToken()));
    expect(await imap.line()).toBe('a1 OK AUTHENTICATE completed.');
  });

  it('refuses a bad token at once with NO AUTHENTICATE failed., no error continuation', async () => {
    useScenario('healthy');
    const imap = await tlsDialogue(servers.ports.imap);
    await imap.line();
    imap.send(
      `a1 AUTHENTICATE XOAUTH2 ${xoauth2(DEMO.mailbox, await appToken({ audience: 'https://graph.microsoft.com' }))}`,
    );
    expect(await imap.line()).toBe('a1 NO AUTHENTICATE failed.');
    imap.send('a2 LOGIN alice@lab.mailprobe.test password');
    expect(await imap.line()).toBe('a2 NO LOGIN failed.');
    imap.send('a3 SELECT INBOX');
    expect(await imap.line()).toBe('a3 BAD Command received in Invalid state.');
  });

  it.each<[ScenarioId, TokenOptions]>([
    ['no-service-principal', {}],
    ['wrong-object-id', {}],
    ['healthy', { roles: ['POP.AccessAsApp'] }],
  ])('%s %j: NO AUTHENTICATE failed.', async (scenario, options) => {
    useScenario(scenario);
    const imap = await tlsDialogue(servers.ports.imap);
    await imap.line();
    imap.send(`a1 AUTHENTICATE XOAUTH2 ${xoauth2(DEMO.mailbox, await appToken(options))}`);
    expect(await imap.line()).toBe('a1 NO AUTHENTICATE failed.');
  });

  it.each<ScenarioId>(['no-mailbox-permission', 'imap-disabled'])(
    '%s: signed in, then "User is authenticated but not connected." and BYE on the second command',
    async (scenario) => {
      useScenario(scenario);
      const imap = await imapSignedIn();
      imap.send('a2 CAPABILITY');
      await imap.until(/^a2 OK CAPABILITY completed\.$/);
      imap.send('a3 SELECT INBOX');
      expect(await imap.line()).toBe('a3 BAD User is authenticated but not connected.');
      imap.send('a4 EXPUNGE');
      expect(await imap.line()).toBe('a4 BAD User is authenticated but not connected.');
      expect(await imap.line()).toBe('* BYE Connection closed. 14');
      expect(await imap.waitClosed()).toBe(true);
    },
  );

  it('throttled: mailbox commands get "Request is throttled", read per command from the live state', async () => {
    useScenario('healthy');
    const imap = await imapSignedIn();
    imap.send('a2 EXAMINE INBOX');
    expect((await imap.until(/^a2 /)).at(-1)).toBe('a2 OK [READ-ONLY] EXAMINE completed.');
    state.throttled = true;
    imap.send('a3 UID SEARCH ALL');
    expect(await imap.line()).toMatch(
      /^a3 BAD Request is throttled\. Suggested Backoff Time: \d+ milliseconds$/,
    );
    imap.send('a4 NOOP');
    expect(await imap.line()).toBe('a4 OK NOOP completed.');
  });

  it('token-expires-mid-session: the next command gets BYE Session invalidated - AccessTokenExpired', async () => {
    useScenario('token-expires-mid-session');
    const imap = await imapSignedIn(DEMO.mailbox, await appToken({ lifetimeSeconds: 2 }));
    imap.send('a2 NOOP');
    expect(await imap.line()).toBe('a2 OK NOOP completed.');
    await new Promise((r) => setTimeout(r, 2100));
    imap.send('a3 LIST "" "*"');
    expect(await imap.line()).toBe('* BYE Session invalidated - AccessTokenExpired');
    expect(await imap.waitClosed()).toBe(true);
  });

  it('token-expires-mid-session: an IDLE session is told too, without sending anything', async () => {
    useScenario('token-expires-mid-session');
    const imap = await imapSignedIn(DEMO.mailbox, await appToken({ lifetimeSeconds: 2 }));
    imap.send('a2 SELECT INBOX');
    await imap.until(/^a2 /);
    imap.send('a3 IDLE');
    expect(await imap.line()).toBe('+ IDLE accepted, awaiting DONE command.');
    expect(await imap.line(4000)).toBe('* BYE Session invalidated - AccessTokenExpired');
    expect(await imap.waitClosed()).toBe(true);
  });

  it('a command line over the limit: BAD Command Error. 10, BYE and the connection closes', async () => {
    useScenario('healthy');
    const imap = await tlsDialogue(servers.ports.imap);
    await imap.line();
    imap.send(`a1 AUTHENTICATE XOAUTH2 ${'A'.repeat(20_000)}`);
    expect(await imap.line()).toBe('a1 BAD Command Error. 10');
    expect(await imap.line()).toBe('* BYE Connection closed.');
    expect(await imap.waitClosed()).toBe(true);
  });

  it('finds a delivered message by Message-ID with SEARCH HEADER and UID SEARCH, and fetches it', async () => {
    useScenario('healthy');
    const id = `<round-trip-${Date.now()}@client.test>`;
    const reply = await submit(
      DEMO.mailbox,
      DEMO.mailbox,
      `From: Alice <${DEMO.mailbox}>\nTo: ${DEMO.mailbox}\nSubject: lab round trip\nMessage-ID: ${id}\n\nhello\n..dotted\n`,
    );
    expect(reply).toBe(`250 2.0.0 OK ${id} [Hostname=${BACKEND.toUpperCase()}]`);
    const imap = await imapSignedIn();
    imap.send('a2 SELECT INBOX');
    await imap.until(/^a2 OK \[READ-WRITE\] SELECT completed\.$/);
    imap.send(`a3 SEARCH HEADER Message-ID "${id}"`);
    const search = await imap.until(/^a3 /);
    expect(search.at(-1)).toBe('a3 OK SEARCH completed.');
    expect(search[0]).toMatch(/^\* SEARCH \d+$/);
    imap.send(`a4 UID SEARCH HEADER MESSAGE-ID ${id}`);
    const uidSearch = await imap.until(/^a4 /);
    const uid = /^\* SEARCH (\d+)$/.exec(uidSearch[0] ?? '')?.[1];
    expect(uid).toBeDefined();
    imap.send(`a5 UID FETCH ${uid ?? ''} (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID SUBJECT)])`);
    const fetch = await imap.until(/^a5 /);
    expect(fetch[0]).toMatch(
      new RegExp(
        `^\\* \\d+ FETCH \\(UID ${uid ?? ''} FLAGS \\(\\) BODY\\[HEADER\\.FIELDS \\(MESSAGE-ID SUBJECT\\)\\] \\{\\d+\\}$`,
      ),
    );
    expect(fetch).toContain('Subject: lab round trip');
    expect(fetch).toContain(`Message-ID: ${id}`);
    expect(fetch.at(-1)).toBe('a5 OK FETCH completed.');
    const stored = servers.messages(DEMO.mailbox).find((m) => m.messageId === id);
    expect(stored?.raw).toContain('\r\n.dotted\r\n');
  });

  it('APPEND with a synchronizing literal, STATUS, and IDLE hearing of a new delivery', async () => {
    useScenario('healthy');
    const imap = await imapSignedIn();
    const message = 'Subject: saved copy\r\n\r\nbody\r\n';
    imap.send(`a2 APPEND "Sent Items" (\\Seen) {${Buffer.byteLength(message)}}`);
    expect(await imap.line()).toBe('+ Ready for additional command text.');
    imap.socket.write(`${message}\r\n`);
    expect(await imap.line()).toMatch(/^a2 OK \[APPENDUID 1\d\d \d+\] APPEND completed\.$/);
    imap.send('a3 STATUS "Sent Items" (MESSAGES UNSEEN)');
    expect(await imap.line()).toMatch(/^\* STATUS "Sent Items" \(MESSAGES \d+ UNSEEN 0\)$/);
    expect(await imap.line()).toBe('a3 OK STATUS completed.');
    imap.send('a4 SELECT INBOX');
    const exists = Number(/^\* (\d+) EXISTS$/.exec((await imap.until(/^a4 /))[0] ?? '')?.[1]);
    imap.send('a5 IDLE');
    expect(await imap.line()).toBe('+ IDLE accepted, awaiting DONE command.');
    await submit(DEMO.mailbox, DEMO.mailbox, 'Subject: while idling\n\nhi\n');
    expect(await imap.line()).toBe(`* ${exists + 1} EXISTS`);
    imap.send('DONE');
    expect(await imap.line()).toBe('a5 OK IDLE completed.');
  });

  it('imapflow signs in with accessToken, lists INBOX and finds a message by Message-ID', async () => {
    useScenario('healthy');
    const id = `<imapflow-${Date.now()}@client.test>`;
    await submit(DEMO.mailbox, DEMO.mailbox, `Subject: found by imapflow\nMessage-ID: ${id}\n\nhello\n`);
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: servers.ports.imap,
      secure: true,
      tls: { ca: [pki.caPem], servername: 'localhost' },
      auth: { user: DEMO.mailbox, accessToken: await appToken() },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const folders = await client.list();
      expect(folders.map((f) => f.path)).toContain('INBOX');
      expect(folders.find((f) => f.path === 'Sent Items')?.specialUse).toBe('\\Sent');
      const inbox = await client.mailboxOpen('INBOX', { readOnly: true });
      expect(inbox.uidValidity).toBe(14n);
      expect(await client.search({ header: { 'message-id': 'no-such-id@nowhere' } }, { uid: true })).toEqual(
        [],
      );
      const uids = (await client.search({ header: { 'message-id': id } }, { uid: true })) || [];
      expect(uids).toHaveLength(1);
      const message = await client.fetchOne(String(uids[0]), { envelope: true, source: true }, { uid: true });
      expect(message && message.envelope?.messageId).toBe(id);
      expect(message && message.envelope?.subject).toBe('found by imapflow');
      expect(message && message.source?.toString()).toContain('hello');
    } finally {
      await client.logout();
    }
  });
});

describe('POP3 (implicit TLS, like outlook.office365.com:995)', () => {
  it('greets, lists CAPA, signs in with two-step AUTH XOAUTH2, reads and quits', async () => {
    useScenario('healthy');
    const id = `<pop-${Date.now()}@client.test>`;
    await submit(DEMO.mailbox, DEMO.mailbox, `Subject: pop\nMessage-ID: ${id}\n\n..leading dot\nbody\n`);
    const pop = await tlsDialogue(servers.ports.pop3);
    expect(await pop.line()).toBe(`+OK The Microsoft Exchange POP3 service is ready. [${TAG}]`);
    pop.send('CAPA');
    expect(await pop.until(/^\.$/)).toEqual(['+OK', 'TOP', 'UIDL', 'SASL PLAIN XOAUTH2', 'USER', '.']);
    pop.send('AUTH XOAUTH2');
    expect(await pop.line()).toBe('+ ');
    pop.send(xoauth2(DEMO.mailbox, await appToken()));
    expect(await pop.line()).toBe('+OK User successfully authenticated.');
    pop.send('STAT');
    const stat = /^\+OK (\d+) (\d+)$/.exec(await pop.line());
    const count = Number(stat?.[1]);
    expect(count).toBeGreaterThan(0);
    pop.send(`RETR ${count}`);
    const retr = await pop.until(/^\.$/);
    expect(retr[0]).toBe('+OK');
    expect(retr).toContain(`Message-ID: ${id}`);
    expect(retr).toContain('..leading dot');
    pop.send('QUIT');
    expect(await pop.line()).toBe('+OK Microsoft Exchange Server POP3 server signing off.');
    expect(await pop.waitClosed()).toBe(true);
  });

  it('AUTH XOAUTH2 with the token on the command line: Protocol error, connection closed', async () => {
    useScenario('healthy');
    const pop = await tlsDialogue(servers.ports.pop3);
    await pop.line();
    pop.send(`AUTH XOAUTH2 ${xoauth2(DEMO.mailbox, await appToken())}`);
    expect(await pop.line()).toBe('-ERR Protocol error. Connection is closed. 10');
    expect(await pop.waitClosed()).toBe(true);
  });

  it.each<[ScenarioId, string]>([
    ['no-mailbox-permission', '-ERR Authentication failure: unknown user name or bad password.'],
    ['pop-disabled', '-ERR Authentication failure: unknown user name or bad password.'],
    ['no-service-principal', '-ERR Authentication failure: unknown user name or bad password.'],
    ['throttled', '-ERR Server Unavailable. 21'],
  ])('%s: %s', async (scenario, expected) => {
    useScenario(scenario);
    const pop = await tlsDialogue(servers.ports.pop3);
    await pop.line();
    pop.send('AUTH XOAUTH2');
    await pop.line();
    pop.send(xoauth2(DEMO.mailbox, await appToken()));
    expect(await pop.line()).toBe(expected);
  });

  it('USER/PASS: basic authentication is refused', async () => {
    useScenario('healthy');
    const pop = await tlsDialogue(servers.ports.pop3);
    await pop.line();
    pop.send(`USER ${DEMO.mailbox}`);
    expect(await pop.line()).toBe('+OK');
    pop.send('PASS secret');
    expect(await pop.line()).toBe('-ERR Logon failure: unknown user name or bad password.');
    pop.send('STAT');
    expect(await pop.line()).toBe('-ERR Command is not valid in this state.');
  });
});

describe('SMTP submission (STARTTLS, like smtp.office365.com:587)', () => {
  it('greets, offers STARTTLS then AUTH LOGIN XOAUTH2, and queues a message into the lab mailbox', async () => {
    useScenario('healthy');
    const smtp = await plainDialogue(servers.ports.smtp);
    const greeting = await smtp.line();
    const sessionId = /\[([0-9A-F]{16})\]$/.exec(greeting)?.[1] ?? '';
    expect(greeting).toMatch(
      /^220 LAB01PR01MB0001\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at \w{3}, \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000 \[[0-9A-F]{16}\]$/,
    );
    smtp.send('EHLO client.test');
    expect(await smtp.until(/^250 /)).toEqual([
      '250-LAB01PR01MB0001.outlook.office365.com Hello [127.0.0.1]',
      '250-SIZE 157286400',
      '250-PIPELINING',
      '250-DSN',
      '250-ENHANCEDSTATUSCODES',
      '250-STARTTLS',
      '250-8BITMIME',
      '250-BINARYMIME',
      '250-CHUNKING',
      '250 SMTPUTF8',
    ]);
    smtp.send(`MAIL FROM:<${DEMO.mailbox}>`);
    const refused = await smtp.line();
    expect(refused).toMatch(
      /^530 5\.7\.57 Client not authenticated to send mail\. \[LAB01PR01MB0001\.LAB\.PROD\.OUTLOOK\.COM /,
    );
    expect(refused).toContain(sessionId);
    smtp.send('STARTTLS');
    expect(await smtp.line()).toBe('220 2.0.0 SMTP server ready');
    await smtp.startTls();
    smtp.send('EHLO client.test');
    const ehlo = await smtp.until(/^250 /);
    expect(ehlo).toContain('250-AUTH LOGIN XOAUTH2');
    expect(ehlo).not.toContain('250-STARTTLS');
    smtp.send(`AUTH XOAUTH2 ${xoauth2(DEMO.mailbox, await appToken())}`);
    expect(await smtp.line()).toBe('235 2.7.0 Authentication successful');
    smtp.send(`MAIL FROM:<${DEMO.mailbox}>`);
    expect(await smtp.line()).toBe('250 2.1.0 Sender OK');
    smtp.send(`RCPT TO:<${DEMO.shared}>`);
    expect(await smtp.line()).toBe('250 2.1.5 Recipient OK');
    smtp.send('DATA');
    expect(await smtp.line()).toBe('354 Start mail input; end with <CRLF>.<CRLF>');
    smtp.send(`From: ${DEMO.mailbox}\r\nSubject: no id\r\n\r\nhi`);
    smtp.send('.');
    const queued = await smtp.line();
    const id = /^250 2\.0\.0 OK (<[^>]+>) \[Hostname=LAB01PR01MB0001\.LAB\.PROD\.OUTLOOK\.COM\]$/.exec(
      queued,
    )?.[1];
    expect(id).toBeDefined();
    expect(
      servers.messages(DEMO.shared).some((m) => m.messageId === id && m.raw.startsWith('Message-ID: ')),
    ).toBe(true);
    smtp.send('RSET');
    expect(await smtp.line()).toBe('250 2.0.0 Resetting');
    smtp.send('QUIT');
    expect(await smtp.line()).toBe('221 2.0.0 Service closing transmission channel');
  });

  async function smtpOverTls(): Promise<Dialogue> {
    const smtp = await plainDialogue(servers.ports.smtp);
    await smtp.line();
    smtp.send('EHLO client.test');
    await smtp.until(/^250 /);
    smtp.send('STARTTLS');
    await smtp.line();
    await smtp.startTls();
    smtp.send('EHLO client.test');
    await smtp.until(/^250 /);
    return smtp;
  }

  it('AUTH XOAUTH2 after an empty 334 continuation', async () => {
    useScenario('healthy');
    const smtp = await smtpOverTls();
    smtp.send('AUTH XOAUTH2');
    expect(await smtp.line()).toBe('334 ');
    smtp.send(xoauth2(DEMO.mailbox, await appToken()));
    expect(await smtp.line()).toBe('235 2.7.0 Authentication successful');
  });

  it.each<[ScenarioId, TokenOptions, RegExp]>([
    ['healthy', { audience: 'https://graph.microsoft.com' }, /^535 5\.7\.3 Authentication unsuccessful /],
    ['no-service-principal', {}, /^535 5\.7\.3 Authentication unsuccessful /],
    [
      'smtp-auth-disabled-tenant',
      {},
      /^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\. Visit https:\/\/aka\.ms\/smtp_auth_disabled for more information\. /,
    ],
    [
      'smtp-auth-disabled-mailbox',
      {},
      /^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox\. Visit https:\/\/aka\.ms\/smtp_auth_disabled for more information\. /,
    ],
  ])('%s %j', async (scenario, options, expected) => {
    useScenario(scenario);
    const smtp = await smtpOverTls();
    smtp.send(`AUTH XOAUTH2 ${xoauth2(DEMO.mailbox, await appToken(options))}`);
    const reply = await smtp.line();
    expect(reply).toMatch(expected);
    expect(reply).toMatch(SMTP_TRAILER);
  });

  it('AUTH LOGIN: the prompts, then basic authentication is disabled', async () => {
    useScenario('healthy');
    const smtp = await smtpOverTls();
    smtp.send('AUTH LOGIN');
    expect(await smtp.line()).toBe('334 VXNlcm5hbWU6');
    smtp.send(Buffer.from(DEMO.mailbox).toString('base64'));
    expect(await smtp.line()).toBe('334 UGFzc3dvcmQ6');
    smtp.send(Buffer.from('secret').toString('base64'));
    expect(await smtp.line()).toMatch(
      /^535 5\.7\.139 Authentication unsuccessful, basic authentication is disabled\. \[LAB01PR01MB0001\.LAB\.PROD\.OUTLOOK\.COM /,
    );
    smtp.send('AUTH PLAIN');
    expect(await smtp.line()).toBe(`504 5.7.4 Unrecognized authentication type [${BACKEND}]`);
  });

  it('send-as-denied: refused after the final "." with SendAsDenied', async () => {
    useScenario('send-as-denied');
    const reply = await submit(DEMO.shared, DEMO.mailbox, `From: ${DEMO.shared}\nSubject: as shared\n\nhi\n`);
    expect(reply).toBe(
      `554 5.2.252 SendAsDenied; ${DEMO.mailbox} not allowed to send as ${DEMO.shared}; ` +
        'STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process ' +
        'message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message.' +
        `[EndDiagnosticData] [Hostname=${BACKEND.toUpperCase()}]`,
    );
  });

  it('throttled: the finished message gets 432 4.3.2 sender thread limit exceeded', async () => {
    useScenario('throttled');
    const reply = await submit(DEMO.mailbox, DEMO.mailbox, 'Subject: busy\n\nhi\n');
    expect(reply).toBe(
      `432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=${BACKEND.toUpperCase()}]`,
    );
  });

  it('an unknown command is "500 5.3.3 Unrecognized command"', async () => {
    useScenario('healthy');
    const smtp = await plainDialogue(servers.ports.smtp);
    await smtp.line();
    smtp.send('XYZZY');
    const reply = await smtp.line();
    expect(reply).toMatch(/^500 5\.3\.3 Unrecognized command 'unknown' /);
    expect(reply).toMatch(SMTP_TRAILER);
  });
});

describe('hostile clients and shutdown', () => {
  it('a line without end is cut off at the bound and the session closes; the server lives on', async () => {
    useScenario('healthy');
    const smtp = await plainDialogue(servers.ports.smtp);
    await smtp.line();
    smtp.socket.write('X'.repeat(200 * 1024));
    expect(await smtp.line()).toBe('500 5.5.2 Line too long');
    expect(await smtp.waitClosed()).toBe(true);
    const next = await plainDialogue(servers.ports.smtp);
    expect(await next.line()).toMatch(/^220 /);
  });

  it('garbage and half-commands get errors, not crashes', async () => {
    useScenario('healthy');
    const imap = await tlsDialogue(servers.ports.imap);
    await imap.line();
    for (const junk of [
      '',
      '*',
      'a1',
      'a1 FETCH',
      'a2 UID',
      '(((',
      'a3 AUTHENTICATE',
      'a4 LOGIN "unterminated',
    ])
      imap.send(junk);
    const replies = await imap.until(/^a4 /);
    expect(replies.every((l) => / BAD /.test(l) || l.startsWith('* BAD'))).toBe(true);
    imap.send('a5 NOOP');
    expect(await imap.line()).toBe('a5 OK NOOP completed.');
  });

  it('turns away sessions over the limit, closes idle ones, and close() ends open sessions', async () => {
    const limited = await runMailServers(
      {
        state,
        tls: { keyPem: pki.serverKeyPem, certPem: pki.serverCertPem },
        verifyToken,
        backendName: BACKEND,
      },
      { ...DEFAULT_LIMITS, sessionsPerProtocol: 1, idleMs: 300 },
    );
    try {
      const first = await plainDialogue(limited.ports.smtp);
      await first.line();
      const second = await plainDialogue(limited.ports.smtp);
      expect(await second.line()).toBe(
        '421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel',
      );
      expect(await first.line(2000)).toBe('421 4.4.1 Connection timed out');
      expect(await first.waitClosed()).toBe(true);
      const third = await tlsDialogue(limited.ports.imap);
      await third.line();
      const closing = limited.close();
      expect(await third.waitClosed(2000)).toBe(true);
      await closing;
      await limited.close();
    } finally {
      await limited.close();
    }
  });
});
