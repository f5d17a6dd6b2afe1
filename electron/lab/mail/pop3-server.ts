// The lab's POP3 server: Exchange Online's POP3 service as a client sees it on
// outlook.office365.com:995 (implicit TLS). AUTH XOAUTH2 works in two steps only: with the token
// on the AUTH line, the line is longer than Exchange accepts and the connection is closed.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { MailContext } from './mail-context';
import type { MailWording } from './mail-wording';
import { SessionChannel } from './session-channel';
import { POP3 } from './exchange-wording';
import type { StoredMessage } from './mailbox-store';

/** Sign-in attempts one connection may fail before it is closed. */
const MAX_FAILED_LOGINS = 3;

export function startPop3Session(socket: Socket, context: MailContext): void {
  const session = new Pop3Session(socket, context);
  session.run().catch(() => {
    socket.destroy();
  });
}

export function refusePop3Session(socket: Socket): void {
  socket.end(`${POP3.tooManySessions}\r\n`);
}

type Next = 'continue' | 'end';

class Pop3Session {
  /** The words of the provider this lab server plays (Exchange Online, Gmail). */
  private get w(): MailWording['pop3'] {
    return this.context.wording.pop3;
  }

  private readonly channel: SessionChannel;
  private mailbox: string | null = null;
  private messages: StoredMessage[] = [];
  private readonly deleted = new Set<number>();
  private failedLogins = 0;

  constructor(
    socket: Socket,
    private readonly context: MailContext,
  ) {
    this.channel = new SessionChannel(socket, context.limits.idleMs, () => {
      this.channel.end(this.w.idleTimeout);
    });
  }

  async run(): Promise<void> {
    this.channel.write(this.w.greeting(this.context.names.backend));
    while (!this.channel.closed) {
      const line = await this.channel.readLine(this.context.limits.pop3CommandBytes);
      if (line.kind === 'closed') return;
      if (line.kind === 'too-long') {
        this.channel.end(this.w.tooLong);
        return;
      }
      const [word = '', ...args] = line.text.trim().split(/\s+/);
      if ((await this.command(word.toUpperCase(), args)) === 'end') return;
    }
  }

  private async command(name: string, args: string[]): Promise<Next> {
    const signedIn = this.mailbox !== null;
    switch (name) {
      case 'CAPA':
        this.channel.write('+OK');
        for (const capability of this.w.capabilities) this.channel.write(capability);
        this.channel.write('.');
        return 'continue';
      case 'QUIT':
        return this.quit();
      case 'NOOP':
        return this.reply(signedIn ? '+OK' : this.w.invalidState);
      case 'USER':
        return this.reply(signedIn || args.length === 0 ? this.w.invalidState : '+OK');
      case 'PASS':
        // Basic authentication is off in Exchange Online.
        return signedIn ? this.reply(this.w.invalidState) : this.loginFailed(this.w.logonFailed);
      case 'AUTH':
        return signedIn ? this.reply(this.w.invalidState) : this.auth(args);
      case 'STAT':
      case 'LIST':
      case 'UIDL':
      case 'RETR':
      case 'TOP':
      case 'DELE':
      case 'RSET':
        return signedIn ? this.transaction(name, args) : this.reply(this.w.invalidState);
      case 'STLS':
        return this.reply(this.w.invalidState);
      default:
        return this.reply(this.w.protocolError);
    }
  }

  private reply(line: string): Next {
    this.channel.write(line);
    return 'continue';
  }

  private loginFailed(line: string): Next {
    this.failedLogins += 1;
    this.channel.write(line);
    if (this.failedLogins < MAX_FAILED_LOGINS) return 'continue';
    this.channel.end();
    return 'end';
  }

  private async auth(args: string[]): Promise<Next> {
    const mechanism = (args[0] ?? '').toUpperCase();
    if (mechanism !== 'XOAUTH2' && mechanism !== 'PLAIN') return this.reply(this.w.protocolError);
    let payload = args[1] ?? null;
    if (payload === null) {
      this.channel.write(this.w.continuation);
      // The SASL response may be long (a whole token): it gets the wide line bound.
      const line = await this.channel.readLine(this.context.limits.lineBytes);
      if (line.kind === 'closed') return 'end';
      if (line.kind === 'too-long') {
        this.channel.end(this.w.tooLong);
        return 'end';
      }
      payload = line.text.trim();
    }
    if (payload === '*' || mechanism === 'PLAIN') return this.loginFailed(this.w.authFailed);
    const { outcome } = await this.context.signIn('pop3', payload);
    if (this.channel.closed) return 'end';
    switch (outcome.kind) {
      case 'signed-in':
        this.mailbox = outcome.mailbox;
        this.messages = [...this.context.store.list(outcome.mailbox, 'INBOX')];
        return this.reply(this.w.authenticated);
      case 'throttled':
        return this.reply(this.w.serverUnavailable);
      case 'refused':
        if (outcome.challenge !== undefined) {
          this.channel.write(`+ ${outcome.challenge}`);
          const answer = await this.channel.readLine(this.context.limits.lineBytes);
          if (answer.kind !== 'line') return 'end';
        }
        return this.loginFailed(outcome.reply ?? this.w.authFailed);
      case 'signed-in-not-connected':
      case 'smtp-auth-disabled':
        return this.loginFailed(this.w.authFailed);
    }
  }

  /** Message n (1-based) unless it is out of range or marked deleted. */
  private message(arg: string | undefined): StoredMessage | null {
    const n = Number(arg);
    if (!Number.isSafeInteger(n) || n < 1 || this.deleted.has(n)) return null;
    return this.messages[n - 1] ?? null;
  }

  private transaction(name: string, args: string[]): Next {
    const live = this.messages.map((m, i) => [i + 1, m] as const).filter(([n]) => !this.deleted.has(n));
    const total = live.reduce((sum, [, m]) => sum + m.size, 0);
    switch (name) {
      case 'STAT':
        return this.reply(`+OK ${live.length} ${total}`);
      case 'LIST':
      case 'UIDL': {
        const value = (n: number, m: StoredMessage): string =>
          name === 'LIST' ? String(m.size) : this.uidl(m);
        if (args[0] !== undefined) {
          const m = this.message(args[0]);
          return this.reply(m ? `+OK ${args[0]} ${value(Number(args[0]), m)}` : this.w.noSuchMessage);
        }
        this.channel.write(name === 'LIST' ? `+OK ${live.length} ${total}` : '+OK');
        for (const [n, m] of live) this.channel.write(`${n} ${value(n, m)}`);
        return this.reply('.');
      }
      case 'RETR':
      case 'TOP': {
        const m = this.message(args[0]);
        if (!m) return this.reply(this.w.noSuchMessage);
        const lines = name === 'TOP' ? Number(args[1]) : Infinity;
        if (name === 'TOP' && (!Number.isSafeInteger(lines) || lines < 0))
          return this.reply(this.w.protocolError);
        this.channel.write('+OK');
        this.channel.writeRaw(dotStuffed(m.raw, lines));
        return this.reply('.');
      }
      case 'DELE': {
        const m = this.message(args[0]);
        if (!m) return this.reply(this.w.noSuchMessage);
        this.deleted.add(Number(args[0]));
        return this.reply('+OK');
      }
      default:
        this.deleted.clear();
        return this.reply('+OK');
    }
  }

  private uidl(message: StoredMessage): string {
    return createHash('sha1')
      .update(`${this.mailbox ?? ''}/${message.uid}`)
      .digest('base64url');
  }

  private quit(): Next {
    if (this.mailbox && this.deleted.size > 0) {
      const uids = new Set([...this.deleted].flatMap((n) => this.messages[n - 1]?.uid ?? []));
      this.context.store.remove(this.mailbox, 'INBOX', uids);
    }
    this.channel.end(this.w.signingOff);
    return 'end';
  }
}

/**
 * A message as RETR/TOP sends it: CRLF lines, a leading "." doubled, ending with CRLF. TOP sends
 * the header and the first `bodyLines` lines of the body.
 */
export function dotStuffed(raw: string, bodyLines: number): string {
  const lines = raw.replace(/\r?\n$/, '').split(/\r?\n/);
  const out: string[] = [];
  let inBody = false;
  let bodyCount = 0;
  for (const line of lines) {
    if (inBody) {
      if (bodyCount >= bodyLines) break;
      bodyCount += 1;
    }
    out.push(line.startsWith('.') ? `.${line}` : line);
    if (!inBody && line === '') inBody = true;
  }
  return out.map((l) => `${l}\r\n`).join('');
}
