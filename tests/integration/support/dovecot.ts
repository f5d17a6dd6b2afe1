// A private Dovecot 2.3 for integration tests: IMAP, POP3 and submission, each with implicit TLS
// and with STARTTLS, OAuth2 bearer tokens validated locally, one password user, and delivery into
// maildirs that the test can read back. Everything lives in one mkdtemp folder and is removed by
// stop(); the system's own Dovecot (base_dir /run/dovecot, standard ports) is never touched.
//
// Accounts (see DovecotHarness.users):
//   users.oauth     alice@example.test  has a mailbox; signs in with a token (XOAUTH2/OAUTHBEARER)
//   users.other     bob@example.test    has a mailbox; signs in with a token
//   users.password  carol@example.test  has a mailbox; signs in with PLAIN/LOGIN and `password`
//                                       (a token for carol is accepted too)
// A valid token for any other user (say dave@example.test) is refused: the token passdb is
// followed by a passwd-file passdb that only knows the three mailboxes.
//
// Tokens: harness.mintToken() signs RS256 JWTs that Dovecot checks with the public key under
// <dir>/keys/default/RS256/<kid>. The SASL user must equal the token's `upn` claim
// (username_attribute = upn). Details in ./tokens.ts.
//
// Addresses: every listener is on 127.0.0.1 and on 127.0.0.2. Dovecot 2.3 treats a connection
// whose remote IP equals its local IP as secure (login-common: secured = ssl || trusted ||
// remote_ip == local_ip), and no setting turns that off, not even `ssl = required`. On
// 127.0.0.1 the plaintext ports therefore offer AUTH=PLAIN before STARTTLS and accept a
// plaintext login. A client connecting to 127.0.0.2 gets 127.0.0.1 as its source address, so
// there Dovecot behaves as for a remote client: IMAP says LOGINDISABLED, POP3 lists no SASL
// mechanisms and refuses USER, submission hides AUTH and answers "530 5.7.0 TLS required".
// Use `starttlsHost` for tests about STARTTLS.
//
// Runs as root only (as on CI): Dovecot then drops to dovecot/dovenull for its own processes and
// to nobody for mail access (it refuses mail access as root).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CERT_HOSTS, generateTlsMaterial } from './certs';
import { runChecked } from './run';
import { startSmtpSink, type SinkMessage, type SmtpSink } from './smtp-sink';
import { TokenMinter, oauth2PassdbConfig, writeIssuerKey, type MintTokenOptions } from './tokens';

export { TOKEN_AUDIENCE, TOKEN_ISSUER, TOKEN_KEY_ID, USERNAME_CLAIM, type MintTokenOptions } from './tokens';

export interface DovecotPorts {
  imaps: number;
  imap: number;
  pop3s: number;
  pop3: number;
  submissions: number;
  submission: number;
}

export interface DovecotUsers {
  oauth: string;
  other: string;
  password: string;
}

export interface DovecotMessage {
  /** Absolute path of the maildir file. */
  file: string;
  /** The header block, up to (not including) the first empty line. */
  headers: string;
}

export interface DovecotHarness {
  /** Loopback address on which Dovecot considers connections secure even without TLS. */
  host: '127.0.0.1';
  /** The same listeners, reached from 127.0.0.1: TLS is required before authentication here. */
  starttlsHost: '127.0.0.2';
  ports: DovecotPorts;
  caPem: string;
  caFile: string;
  dir: string;
  users: DovecotUsers;
  /** Password of users.password (PLAIN/LOGIN). */
  password: string;
  /** Signs a token Dovecot accepts (unless the options ask for a broken one). */
  mintToken(opts: MintTokenOptions): Promise<string>;
  /** Messages in the user's INBOX (maildir new/ and cur/), oldest first. */
  listMessages(user: string): Promise<DovecotMessage[]>;
  /** Delivers a message to the user's INBOX through dovecot-lda. */
  deliver(user: string, rawMessage: string): Promise<void>;
  /** The end of Dovecot's log (plus master stderr and relay-sink errors) for failure messages. */
  logTail(lines?: number): Promise<string>;
  /** Stops Dovecot and the relay sink and removes `dir`. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartDovecotOptions {
  /** subjectAltName entries of the server certificate; default localhost, 127.0.0.1, 127.0.0.2. */
  certHosts?: string[];
  /**
   * Trust another token issuer instead of the harness's own (the lab's identity endpoint). Its
   * app-only tokens name no user, and Dovecot 2.3 has no app-only model: it compares the token's
   * `oid` with the sign-in name cut to its local part, so the client signs in as
   * `<servicePrincipalId>@example.test`, whose mailbox this mode adds.
   */
  issuer?: {
    issuer: string;
    audience: string;
    kid: string;
    publicKeyPem: string;
    servicePrincipalId: string;
  };
  /**
   * Validate tokens at another provider's introspection endpoint (RFC 7662, `introspection_mode =
   * post`) instead: `url` carries Dovecot's own client id and secret (basic authentication), the
   * provider's CA is trusted, and the sign-in name must equal the response's `usernameAttribute`.
   */
  introspection?: { url: string; caPem: string; usernameAttribute: string };
}

/** The oauth2 passdb asking a provider's introspection endpoint about each token. */
function introspectionConfig(
  options: NonNullable<StartDovecotOptions['introspection']>,
  caFile: string,
): string {
  return [
    'introspection_mode = post',
    `introspection_url = ${options.url}`,
    'force_introspection = yes',
    'active_attribute = active',
    'active_value = true',
    `username_attribute = ${options.usernameAttribute}`,
    `tls_ca_cert_file = ${caFile}`,
    // Never `debug = yes` here: oauth2 debug lines include the bearer token.
    '',
  ].join('\n');
}

const DOVECOT_BIN = process.env.MAILPROBE_DOVECOT_BIN ?? '/usr/sbin/dovecot';
const DOVECOT_LDA_BIN = process.env.MAILPROBE_DOVECOT_LDA ?? '/usr/lib/dovecot/dovecot-lda';
/** Set to keep the temporary folder after stop(), to look at config and log by hand. */
const KEEP_DIR = process.env.MAILPROBE_KEEP_DOVECOT_DIR === '1';

const HOST = '127.0.0.1';
const STARTTLS_HOST = '127.0.0.2';
const LISTEN_ADDRESSES = [HOST, STARTTLS_HOST] as const;
const USERS: DovecotUsers = {
  oauth: 'alice@example.test',
  other: 'bob@example.test',
  password: 'carol@example.test',
};
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const LDA_TIMEOUT_MS = 10_000;

type ListenerName = keyof DovecotPorts;
const LISTENERS: readonly { name: ListenerName; tls: boolean }[] = [
  { name: 'imaps', tls: true },
  { name: 'imap', tls: false },
  { name: 'pop3s', tls: true },
  { name: 'pop3', tls: false },
  { name: 'submissions', tls: true },
  { name: 'submission', tls: false },
];

export async function startDovecot(opts: StartDovecotOptions = {}): Promise<DovecotHarness> {
  if (process.getuid?.() !== 0) {
    throw new Error('startDovecot: must run as root (Dovecot drops to dovecot/dovenull/nobody itself)');
  }
  const accounts = systemAccounts();
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-dovecot-'));
  const cleanup: (() => Promise<void>)[] = [];
  try {
    // mkdtemp makes the folder 0700; Dovecot's unprivileged processes (auth as `dovecot`, mail
    // access as `nobody`) must be able to walk into it.
    await chmod(dir, 0o755);
    const paths = layout(dir);
    await Promise.all([
      mkdir(paths.tls, { mode: 0o700 }),
      mkdir(paths.keys, { mode: 0o755 }),
      mkdir(paths.mail, { mode: 0o700 }),
      mkdir(paths.state, { mode: 0o755 }),
    ]);
    await chown(paths.mail, accounts.mail.uid, accounts.mail.gid);

    const password = `pw-${randomBytes(8).toString('hex')}`;
    const mailboxUsers = new Set<string>(Object.values(USERS));
    // In foreign-issuer mode the one mailbox is the service principal's (see StartDovecotOptions).
    if (opts.issuer) mailboxUsers.add(opts.issuer.servicePrincipalId.toLowerCase());
    const acceptedRecipients = new Set(
      [...mailboxUsers].map((u) => (u.includes('@') ? u : `${u}@example.test`)),
    );
    const lda = (user: string, input: string | Buffer, sender?: string): Promise<void> =>
      deliverWithLda(paths.config, user, input, sender);

    const [tls, minter, sink] = await Promise.all([
      generateTlsMaterial(paths.tls, opts.certHosts ?? DEFAULT_CERT_HOSTS),
      TokenMinter.create(paths.keys),
      startSmtpSink({
        acceptRecipient: (address) => acceptedRecipients.has(address.toLowerCase()),
        onMessage: async (message: SinkMessage) => {
          for (const rcpt of message.recipients) await lda(rcpt, message.data, message.from);
        },
      }),
      writeFile(
        paths.oauth2,
        opts.introspection
          ? introspectionConfig(opts.introspection, join(paths.keys, 'provider-ca.pem'))
          : oauth2PassdbConfig(paths.keys, opts.issuer),
        { mode: 0o644 },
      ),
      opts.introspection
        ? writeFile(join(paths.keys, 'provider-ca.pem'), opts.introspection.caPem, { mode: 0o644 })
        : Promise.resolve(),
      opts.issuer ? writeIssuerKey(paths.keys, opts.issuer.kid, opts.issuer.publicKeyPem) : Promise.resolve(),
      // passwd-file: user:password:uid:gid:gecos:home:shell:extra_fields
      writeFile(paths.mailboxes, [...mailboxUsers].map((u) => `${u}::::::\n`).join(''), { mode: 0o644 }),
      writeFile(paths.passwords, `${USERS.password}:{PLAIN}${password}::::::\n`, { mode: 0o640 }).then(() =>
        // Readable by the auth process (group dovecot) but not by everyone.
        chown(paths.passwords, 0, accounts.internal.gid),
      ),
    ]);
    cleanup.push(() => sink.close());

    let master: DovecotProcess | undefined;
    let ports: DovecotPorts | undefined;
    // Ports are picked by binding port 0 and closing again, so another process can grab one
    // before Dovecot binds it; one retry with fresh ports makes that race harmless.
    for (let attempt = 1; master === undefined; attempt++) {
      ports = await pickFreePorts();
      await writeFile(
        paths.config,
        dovecotConfig({
          dir,
          paths,
          ports,
          accounts,
          certFile: tls.certFile,
          keyFile: tls.keyFile,
          localPartOnly: opts.issuer !== undefined,
          relayPort: sink.port,
        }),
        { mode: 0o600 },
      );
      try {
        master = await launchDovecot(paths, ports);
      } catch (err) {
        if (attempt >= 2 || !(err instanceof DovecotStartError) || !err.portClash) throw err;
      }
    }
    if (ports === undefined) throw new Error('unreachable: ports not picked');
    const startedMaster = master;
    cleanup.push(() => startedMaster.stop());

    let stopping: Promise<void> | undefined;
    const harness: DovecotHarness = {
      host: HOST,
      starttlsHost: STARTTLS_HOST,
      ports,
      caPem: tls.caPem,
      caFile: tls.caFile,
      dir,
      users: { ...USERS },
      password,
      mintToken: (mintOpts) => minter.mint(mintOpts),
      listMessages: (user) => listMaildir(maildirOf(paths.mail, user)),
      deliver: (user, rawMessage) => lda(user, rawMessage),
      logTail: (lines = 80) => readLogTail(paths.log, lines, startedMaster, sink),
      stop: () => {
        stopping ??= (async () => {
          await sink.close();
          await startedMaster.stop();
          if (!KEEP_DIR) await rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
    return harness;
  } catch (err) {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
    if (!KEEP_DIR) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Files and configuration

interface Paths {
  config: string;
  oauth2: string;
  mailboxes: string;
  passwords: string;
  tls: string;
  keys: string;
  mail: string;
  baseDir: string;
  state: string;
  log: string;
}

function layout(dir: string): Paths {
  return {
    config: join(dir, 'dovecot.conf'),
    oauth2: join(dir, 'oauth2.conf.ext'),
    mailboxes: join(dir, 'mailboxes.passwd'),
    passwords: join(dir, 'passwords.passwd'),
    tls: join(dir, 'tls'),
    keys: join(dir, 'keys'),
    mail: join(dir, 'mail'),
    // Dovecot creates base_dir itself (root-owned, with login/ and the sockets).
    baseDir: join(dir, 'run'),
    state: join(dir, 'state'),
    log: join(dir, 'dovecot.log'),
  };
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

interface SystemAccounts {
  internal: Account;
  login: Account;
  mail: Account;
}

/**
 * Dovecot's packages create `dovecot` (internal processes, the default_internal_user) and
 * `dovenull` (login processes). Mail is accessed as `nobody`: Dovecot refuses mail access as
 * root ("Mail access not allowed for root") and with GID 0.
 */
function systemAccounts(): SystemAccounts {
  const byName = new Map<string, Account>();
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === undefined || uid === undefined || gid === undefined) continue;
    byName.set(name, { name, uid: Number(uid), gid: Number(gid) });
  }
  const need = (name: string): Account => {
    const account = byName.get(name);
    if (account === undefined) {
      throw new Error(
        `startDovecot: no \`${name}\` account; is Dovecot installed from the distribution package?`,
      );
    }
    return account;
  };
  return { internal: need('dovecot'), login: need('dovenull'), mail: need('nobody') };
}

interface ConfigInput {
  dir: string;
  paths: Paths;
  ports: DovecotPorts;
  accounts: SystemAccounts;
  certFile: string;
  keyFile: string;
  relayPort: number;
  /** Sign-in names are cut to their local part (the foreign-issuer mode). */
  localPartOnly: boolean;
}

function dovecotConfig(c: ConfigInput): string {
  const { paths, ports, accounts } = c;
  const listener = (name: ListenerName, ssl: boolean): string =>
    [`  inet_listener ${name} {`, `    port = ${ports[name]}`, ...(ssl ? ['    ssl = yes'] : []), '  }'].join(
      '\n',
    );
  return `# Generated by tests/integration/support/dovecot.ts for one test run; removed by stop().
base_dir = ${paths.baseDir}
state_dir = ${paths.state}
instance_name = mailprobe-${basename(c.dir).replace(/^mailprobe-dovecot-/, '')}
log_path = ${paths.log}
info_log_path = ${paths.log}
# auth_debug stays off: its lines contain the bearer token. auth_verbose only logs the reason
# ("Token has expired", "Bad signature", "unknown user").
auth_verbose = yes

protocols = imap pop3 submission
listen = ${LISTEN_ADDRESSES.join(', ')}
hostname = mail.example.test
postmaster_address = postmaster@example.test

default_internal_user = ${accounts.internal.name}
default_login_user = ${accounts.login.name}

ssl = required
disable_plaintext_auth = yes
ssl_cert = <${c.certFile}
ssl_key = <${c.keyFile}
# Empty (the default) on purpose: nothing but TLS, or remote IP == local IP, counts as secure.
login_trusted_networks =

auth_mechanisms = plain login xoauth2 oauthbearer
${c.localPartOnly ? '# The token names the service principal (oid); the sign-in name <oid>@domain is cut to it.\nauth_username_format = %Ln\n' : ''}# Refused logins are slow by default: the failure is parked in a queue that a 500 ms timer
# flushes, and anvil adds a growing penalty. auth_failure_delay = 0 and the anvil listener below
# are not enough (the 500 ms timer still applies); only a reply that carries the "nodelay" field
# skips the queue. Fields set by a passdb that fails are rolled back, so "nodelay" comes from
# passdb 0, which always succeeds but leaves the request failed (continue-fail).
auth_failure_delay = 0
# Tests open many sessions for one user from one IP; the default limit is 10.
mail_max_userip_connections = 100

# 0. Adds nodelay and nothing else: continue-fail keeps the request unauthenticated, so what
#    follows decides. (nopassword does not carry over to the next passdb.) Putting it last with
#    result_success = return-fail would also work, but then XOAUTH2/OAUTHBEARER refusals lose
#    their JSON error challenge because the last passdb result is a success.
passdb {
  driver = static
  args = nopassword=y nodelay=y
  result_success = continue-fail
}
# 1. Tokens. continue-ok: a valid token is not enough, the user must also have a mailbox (2).
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${paths.oauth2}
  result_success = continue-ok
}
# 2. Runs only after (1) succeeded (skip = unauthenticated); return-fail for users without a
#    mailbox. Its entries have no password, so it can never authenticate anyone by itself.
passdb {
  driver = passwd-file
  mechanisms = xoauth2 oauthbearer
  args = ${paths.mailboxes}
  skip = unauthenticated
  result_failure = return-fail
  result_internalfail = return-fail
}
# 3. Passwords, for PLAIN and LOGIN only.
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN ${paths.passwords}
}
userdb {
  driver = passwd-file
  args = ${paths.mailboxes}
  default_fields = home=${paths.mail}/%d/%n
}
mail_location = maildir:~/Maildir
mail_uid = ${accounts.mail.uid}
mail_gid = ${accounts.mail.gid}
# Disposable mail: no need to wait for the disk.
mail_fsync = never

submission_relay_host = 127.0.0.1
submission_relay_port = ${c.relayPort}
submission_relay_connect_timeout = 5 secs

# No auth penalty: tests refuse logins on purpose, many times, from the same IP.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
${listener('imap', false)}
${listener('imaps', true)}
}
service pop3-login {
${listener('pop3', false)}
${listener('pop3s', true)}
}
service submission-login {
${listener('submission', false)}
${listener('submissions', true)}
}
`;
}

/** Where the userdb (home=<mail>/%d/%n, mail_location=maildir:~/Maildir) puts a user's INBOX. */
function maildirOf(mailRoot: string, user: string): string {
  const at = user.lastIndexOf('@');
  if (at <= 0 || at === user.length - 1) throw new Error(`not a user@domain address: ${user}`);
  // Dovecot lower-cases user names (auth_username_format = %Lu), so %d and %n are lower case.
  const lower = user.toLowerCase();
  return join(mailRoot, lower.slice(at + 1), lower.slice(0, at), 'Maildir');
}

async function listMaildir(maildir: string): Promise<DovecotMessage[]> {
  const files: string[] = [];
  for (const sub of ['new', 'cur']) {
    const names = await readdir(join(maildir, sub)).catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    });
    files.push(...names.map((name) => join(maildir, sub, name)));
  }
  // Maildir names start with the delivery time in seconds, then a microsecond part (M...).
  files.sort((a, b) => basename(a).localeCompare(basename(b), 'en', { numeric: true }));
  const messages: DovecotMessage[] = [];
  for (const file of files) {
    // A message can move from new/ to cur/ while we look (an IMAP session saw it); skip it then,
    // the caller polls anyway.
    const text = await readFile(file, 'latin1').catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    });
    if (text === undefined) continue;
    const end = /\r?\n\r?\n/.exec(text);
    messages.push({ file, headers: end === null ? text : text.slice(0, end.index) });
  }
  return messages;
}

async function deliverWithLda(
  config: string,
  user: string,
  input: string | Buffer,
  sender?: string,
): Promise<void> {
  const args = ['-c', config, '-d', user];
  if (sender !== undefined && sender !== '') args.push('-f', sender);
  // dovecot-lda exits 67 (EX_NOUSER) for an unknown user and 75 (EX_TEMPFAIL) for trouble.
  await runChecked(DOVECOT_LDA_BIN, args, { input, timeoutMs: LDA_TIMEOUT_MS });
}

async function readLogTail(
  log: string,
  lines: number,
  master: DovecotProcess,
  sink: SmtpSink,
): Promise<string> {
  const text = await readFile(log, 'utf8').catch(() => '');
  const parts = [
    text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd(),
  ];
  const output = master.output().trim();
  if (output !== '') parts.push(`--- dovecot stdout/stderr ---\n${output}`);
  if (sink.errors.length > 0) parts.push(`--- relay sink ---\n${sink.errors.join('\n')}`);
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Ports

/**
 * Six distinct ports that are free on both listen addresses right now. All probe sockets stay
 * open until every port is picked, so the kernel cannot hand out the same port twice.
 */
async function pickFreePorts(): Promise<DovecotPorts> {
  const held: { close(): Promise<void> }[] = [];
  try {
    const picked: number[] = [];
    let lastError: unknown;
    for (let attempt = 0; picked.length < LISTENERS.length; attempt++) {
      if (attempt >= 50)
        throw new Error(`cannot find ports free on ${STARTTLS_HOST} too: ${String(lastError)}`);
      const first = await listenOn(HOST, 0);
      held.push(first);
      // Free on 127.0.0.1 does not mean free on 127.0.0.2; skip the port if the second bind fails.
      const second = await listenOn(STARTTLS_HOST, first.port).catch((err: unknown) => {
        lastError = err;
        return undefined;
      });
      if (second === undefined) continue;
      held.push(second);
      picked.push(first.port);
    }
    const take = (): number => {
      const port = picked.shift();
      if (port === undefined) throw new Error('pickFreePorts: not enough ports');
      return port;
    };
    return {
      imaps: take(),
      imap: take(),
      pop3s: take(),
      pop3: take(),
      submissions: take(),
      submission: take(),
    };
  } finally {
    await Promise.all(held.map((h) => h.close()));
  }
}

function listenOn(host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no TCP address'));
        return;
      }
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The Dovecot master process

class DovecotStartError extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
    this.name = 'DovecotStartError';
  }
}

interface DovecotProcess {
  output(): string;
  stop(): Promise<void>;
}

async function launchDovecot(paths: Paths, ports: DovecotPorts): Promise<DovecotProcess> {
  // -F keeps the master in the foreground as our child: we see it exit, and it cannot outlive
  // us unnoticed the way a daemonised master could.
  const child = spawn(DOVECOT_BIN, ['-F', '-c', paths.config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 64 * 1024) output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once('error', (err) => {
      reject(new Error(`cannot run ${DOVECOT_BIN}: ${err.message}`));
    });
  });
  const exitedEarly = exited.then(() => {
    throw new Error(`dovecot exited during start-up (code ${String(child.exitCode)})`);
  });

  // If the test process exits without calling stop(), the master must not linger. SIGTERM, not
  // SIGKILL: only the master's own shutdown takes its children along (killed outright, they
  // keep running for a while). 'exit' handlers must be synchronous, which process.kill is.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  const proc: DovecotProcess = {
    output: () => output,
    stop: () => {
      stopping ??= stopMaster(child, exited).finally(() => process.off('exit', onExit));
      return stopping;
    },
  };

  const waiting = { cancelled: false };
  try {
    await Promise.race([
      spawnFailed,
      exitedEarly,
      awaitListeners(ports, Date.now() + READY_TIMEOUT_MS, waiting),
    ]);
  } catch (err) {
    await proc.stop();
    const log = await readFile(paths.log, 'utf8').catch(() => '');
    const details = `${log.split('\n').slice(-30).join('\n')}\n${output}`.trim();
    const reason = err instanceof Error ? err.message : String(err);
    throw new DovecotStartError(`${reason}\n${details}`, /Address already in use/.test(details));
  } finally {
    waiting.cancelled = true;
  }
  return proc;
}

/**
 * Ready means every listener on both addresses sends its greeting. The greeting (rather than a
 * bare TCP accept) matters: login processes only greet once the auth service answers them, and
 * for the TLS listeners it also proves the certificate loaded.
 */
async function awaitListeners(
  ports: DovecotPorts,
  deadline: number,
  waiting: { cancelled: boolean },
): Promise<void> {
  await Promise.all(
    LISTEN_ADDRESSES.flatMap((host) =>
      LISTENERS.map(async ({ name, tls }) => {
        for (;;) {
          const error = await readGreeting(host, ports[name], tls).then(
            () => undefined,
            (err: unknown) => (err instanceof Error ? err.message : String(err)),
          );
          if (error === undefined || waiting.cancelled) return;
          if (Date.now() > deadline) throw new Error(`${name} on ${host}:${ports[name]}: ${error}`);
          await sleep(20);
        }
      }),
    ),
  );
}

/** Connects, waits for the first line, checks it is a positive greeting, and hangs up. */
function readGreeting(host: string, port: number, tls: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    // Identity is not checked here (certHosts may deliberately not match); readiness only.
    const socket: Socket = tls
      ? tlsConnect({ host, port, rejectUnauthorized: false })
      : netConnect({ host, port });
    let received = '';
    const done = (err?: Error): void => {
      socket.destroy();
      if (err === undefined) resolve();
      else reject(err);
    };
    socket.setTimeout(2000, () => {
      done(new Error('no greeting within 2 s'));
    });
    socket.on('error', (err) => {
      done(err);
    });
    socket.on('close', () => {
      done(new Error('closed before greeting'));
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const eol = received.indexOf('\n');
      if (eol < 0) return;
      const line = received.slice(0, eol);
      done(/^(\* OK|\+OK|220[ -])/.test(line) ? undefined : new Error(`unexpected greeting: ${line}`));
    });
  });
}

/**
 * Dovecot's own shutdown (SIGTERM, or `dovecot stop`) is clean but slow: after stopping the
 * services the master sends SIGQUIT to its log process and sleeps a fixed second before it exits.
 * Nothing here is worth a graceful shutdown (the folder is deleted next), so the whole process
 * tree is killed instead. The master is frozen first so that it cannot fork while its children
 * are being collected, and killed first so that it cannot restart them.
 */
async function stopMaster(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGSTOP');
  const children = descendantsOf(pid);
  child.kill('SIGKILL');
  for (const p of children) killQuietly(p.pid);
  await exited;
  // The children were re-parented to init when the master died; wait until they are really gone
  // so that nothing still writes into the folder that is about to be removed.
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (children.some(isSameProcessAlive)) {
    if (Date.now() > deadline) {
      const left = children.filter(isSameProcessAlive).map((p) => p.pid);
      throw new Error(`dovecot processes did not exit after SIGKILL: ${left.join(', ')}`);
    }
    await sleep(10);
  }
}

interface ProcessId {
  pid: number;
  /** Start time from /proc/<pid>/stat, so a recycled pid is not mistaken for our process. */
  startTime: string;
}

function descendantsOf(rootPid: number): ProcessId[] {
  const table: { id: ProcessId; ppid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined) table.push(stat);
  }
  const found: ProcessId[] = [];
  const parents = new Set([rootPid]);
  // Dovecot's tree is shallow (master -> services), but walk it fully anyway.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) {
      if (parents.has(p.ppid) && !parents.has(p.id.pid)) {
        parents.add(p.id.pid);
        found.push(p.id);
        grew = true;
      }
    }
  }
  return found;
}

function readStat(pid: number): { id: ProcessId; ppid: number; state: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; the fields after it do not.
  // From there: state, ppid, ... starttime is the 20th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, startTime] = [fields[0], fields[1], fields[19]];
  if (state === undefined || ppid === undefined || startTime === undefined) return undefined;
  return { id: { pid, startTime }, ppid: Number(ppid), state };
}

function isSameProcessAlive(p: ProcessId): boolean {
  const now = readStat(p.pid);
  // A zombie has exited already; only its parent's reaping is pending.
  return now !== undefined && now.id.startTime === p.startTime && now.state !== 'Z';
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
