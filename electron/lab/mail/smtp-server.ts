// The lab's SMTP submission server: Exchange Online as a client sees it on smtp.office365.com:587.
// Plain at first; STARTTLS upgrades; AUTH (LOGIN, XOAUTH2) is offered only over TLS; a message is
// judged when it is complete (throttling, Send As) and lands in the store for lab recipients.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { MailContext } from './mail-context';
import type { MailWording } from './mail-wording';
import { SessionChannel } from './session-channel';
import { SMTP } from './exchange-wording';
import { decidePasswordLogin, decideSubmission, mailboxOf, type LoginOutcome } from './decide';
import { fromAddressOf, messageIdOf } from './imap-fetch';

/** Recipients one message may have in the lab. */
const MAX_RECIPIENTS = 100;
const MAX_FAILED_LOGINS = 3;

export function startSmtpSession(socket: Socket, context: MailContext, secureContext: SecureContext): void {
  const session = new SmtpSession(socket, context, secureContext);
  session.run().catch(() => {
    socket.destroy();
  });
}

export function refuseSmtpSession(socket: Socket): void {
  socket.end(`${SMTP.tooManySessions}\r\n`);
}

type Next = 'continue' | 'end';

interface Envelope {
  from: string;
  to: string[];
}

class SmtpSession {
  /** The words of the provider this lab server plays (Exchange Online, Gmail). */
  private get w(): MailWording['smtp'] {
    return this.context.wording.smtp;
  }

  private channel: SessionChannel;
  private secure = false;
  private greeted = false;
  private signedIn: string | null = null;
  private envelope: Envelope | null = null;
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private failedLogins = 0;
  private readonly sessionId: string;

  constructor(
    private readonly socket: Socket,
    private readonly context: MailContext,
    private readonly secureContext: SecureContext,
  ) {
    this.sessionId = context.newSessionId();
    this.channel = this.channelFor(socket);
  }

  private channelFor(socket: Socket): SessionChannel {
    return new SessionChannel(socket, this.context.limits.idleMs, () => {
      this.channel.end(this.w.idleTimeout);
    });
  }

  private trailer(): string {
    return this.w.trailer(this.context.names.backend, new Date(this.context.now()), this.sessionId);
  }

  /** The 5.7.57 and basic-auth texts name the server in capitals, as Exchange Online does. */
  private upperTrailer(): string {
    return this.w.trailer(this.context.names.mailboxHost, new Date(this.context.now()), this.sessionId);
  }

  async run(): Promise<void> {
    const { names } = this.context;
    this.channel.write(this.w.greeting(names.frontend, new Date(this.context.now()), this.sessionId));
    while (!this.channel.closed) {
      const line = await this.channel.readLine(this.context.limits.lineBytes);
      if (line.kind === 'closed') return;
      if (line.kind === 'too-long') {
        this.channel.end(this.w.lineTooLong);
        return;
      }
      const text = line.text.trim();
      const space = text.indexOf(' ');
      const verb = (space < 0 ? text : text.slice(0, space)).toUpperCase();
      const rest = space < 0 ? '' : text.slice(space + 1).trim();
      if ((await this.command(verb, rest)) === 'end') return;
    }
  }

  private reply(line: string): Next {
    this.channel.write(line);
    return 'continue';
  }

  private async command(verb: string, rest: string): Promise<Next> {
    switch (verb) {
      case 'EHLO':
        return this.ehlo(rest);
      case 'HELO':
        if (!rest) return this.reply(this.w.syntaxError);
        this.greeted = true;
        this.envelope = null;
        return this.reply(`250 ${this.w.hello(this.context.names.frontend, this.clientIp())}`);
      case 'STARTTLS':
        return this.startTls();
      case 'AUTH':
        return this.auth(rest);
      case 'MAIL':
        return this.mail(rest);
      case 'RCPT':
        return this.rcpt(rest);
      case 'DATA':
        return this.data();
      case 'BDAT':
        return this.bdat(rest);
      case 'RSET':
        this.resetTransaction();
        return this.reply(this.w.reset);
      case 'NOOP':
        return this.reply(this.w.ok);
      case 'VRFY':
        return this.reply(this.w.cannotVerify);
      case 'QUIT':
        this.channel.end(this.w.closing);
        return 'end';
      default:
        return this.reply(this.w.unrecognized(this.trailer()));
    }
  }

  private clientIp(): string {
    return (this.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  }

  private ehlo(domain: string): Next {
    if (!domain) return this.reply(this.w.syntaxError);
    this.greeted = true;
    this.resetTransaction();
    const extensions = this.secure ? this.w.extensionsAfterTls : this.w.extensionsBeforeTls;
    this.channel.write(`250-${this.w.hello(this.context.names.frontend, this.clientIp())}`);
    extensions.forEach((extension, index) => {
      this.channel.write(`${index === extensions.length - 1 ? '250 ' : '250-'}${extension}`);
    });
    return 'continue';
  }

  private async startTls(): Promise<Next> {
    if (this.secure) return this.reply(this.w.alreadyTls);
    this.channel.write(this.w.startTls);
    const raw = this.channel.detach();
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.secureContext });
    secure.on('error', () => undefined);
    const ok = await new Promise<boolean>((resolve) => {
      secure.once('secure', () => resolve(true));
      secure.once('close', () => resolve(false));
      secure.once('error', () => resolve(false));
    });
    if (!ok) {
      secure.destroy();
      raw.destroy();
      return 'end';
    }
    // RFC 3207: after the handshake the client starts over with EHLO.
    this.secure = true;
    this.greeted = false;
    this.resetTransaction();
    this.channel = this.channelFor(secure);
    return 'continue';
  }

  /** One SASL response line; null when the client went away or sent too much. */
  private async saslLine(prompt: string): Promise<string | null> {
    this.channel.write(prompt);
    const line = await this.channel.readLine(this.context.limits.lineBytes);
    if (line.kind === 'line') return line.text.trim();
    if (line.kind === 'too-long') this.channel.end(this.w.lineTooLong);
    return null;
  }

  private async auth(rest: string): Promise<Next> {
    if (!this.greeted) return this.reply(this.w.badSequence);
    if (this.signedIn) return this.reply(this.w.alreadyAuthenticated);
    const [mechanismWord = '', initial] = rest.split(/\s+/);
    const mechanism = mechanismWord.toUpperCase();
    // Before STARTTLS Exchange offers no AUTH at all; LOGIN and XOAUTH2 after it.
    if (!this.secure || (mechanism !== 'XOAUTH2' && mechanism !== 'LOGIN'))
      return this.reply(this.w.unknownMechanism(this.context.names.backend));
    let outcome: LoginOutcome;
    if (mechanism === 'XOAUTH2') {
      const payload = initial ?? (await this.saslLine(this.w.authContinuation));
      if (payload === null) return 'end';
      if (payload === '*') return this.reply(this.w.authCancelled);
      outcome = (await this.context.signIn('smtp', payload)).outcome;
    } else {
      const user = initial ?? (await this.saslLine(this.w.askUsername));
      if (user === null) return 'end';
      if (user === '*') return this.reply(this.w.authCancelled);
      const password = await this.saslLine(this.w.askPassword);
      if (password === null) return 'end';
      if (password === '*') return this.reply(this.w.authCancelled);
      const name = Buffer.from(user, 'base64').toString('utf8');
      const policy = this.context.submission;
      outcome = policy
        ? policy.passwordSignIn(name, Buffer.from(password, 'base64').toString('utf8'))
        : decidePasswordLogin(this.context.state, 'smtp', name);
    }
    if (this.channel.closed) return 'end';
    switch (outcome.kind) {
      case 'signed-in':
        this.signedIn = outcome.mailbox;
        return this.reply(this.w.authenticated);
      case 'smtp-auth-disabled':
        return this.loginFailed(this.w.smtpAuthDisabled(outcome.scope, this.trailer()));
      case 'refused':
        if (outcome.challenge !== undefined && (await this.saslLine(`334 ${outcome.challenge}`)) === null)
          return 'end';
        if (outcome.reply !== undefined) return this.loginFailed(outcome.reply);
        return this.loginFailed(
          outcome.why === 'basic-auth-disabled'
            ? this.w.basicAuthDisabled(this.upperTrailer())
            : this.w.authFailed(this.trailer()),
        );
      case 'signed-in-not-connected':
      case 'throttled':
        return this.loginFailed(this.w.authFailed(this.trailer()));
    }
  }

  private loginFailed(line: string): Next {
    this.failedLogins += 1;
    this.channel.write(line);
    if (this.failedLogins < MAX_FAILED_LOGINS) return 'continue';
    this.channel.end();
    return 'end';
  }

  private mail(rest: string): Next {
    if (!this.greeted) return this.reply(this.w.badSequence);
    if (!this.signedIn) return this.reply(this.w.notAuthenticated(this.upperTrailer()));
    const m = /^FROM:\s*<([^>]*)>(.*)$/i.exec(rest);
    if (!m) return this.reply(this.w.syntaxError);
    const size = /\bSIZE=(\d+)/i.exec(m[2] ?? '');
    if (size && Number(size[1]) > this.context.limits.messageBytes) return this.reply(this.w.tooBig);
    this.resetTransaction();
    this.envelope = { from: m[1] ?? '', to: [] };
    return this.reply(this.w.senderOk);
  }

  private rcpt(rest: string): Next {
    if (!this.envelope) return this.reply(this.w.needMail);
    const m = /^TO:\s*<([^>]+)>/i.exec(rest);
    if (!m?.[1]) return this.reply(this.w.syntaxError);
    if (this.envelope.to.length >= MAX_RECIPIENTS) return this.reply(this.w.tooManyRecipients);
    const refusal = this.context.submission?.refuseRecipient(m[1]);
    if (refusal) return this.reply(refusal);
    this.envelope.to.push(m[1]);
    return this.reply(this.w.recipientOk);
  }

  private async data(): Promise<Next> {
    if (!this.envelope) return this.reply(this.w.needMail);
    if (this.envelope.to.length === 0) return this.reply(this.w.needRecipient);
    this.channel.write(this.w.startData);
    const lines: string[] = [];
    let size = 0;
    let tooBig = false;
    for (;;) {
      const line = await this.channel.readLine(this.context.limits.lineBytes);
      if (line.kind === 'closed') return 'end';
      if (line.kind === 'too-long') {
        this.channel.end(this.w.lineTooLong);
        return 'end';
      }
      if (line.text === '.') break;
      const text = line.text.startsWith('.') ? line.text.slice(1) : line.text;
      size += Buffer.byteLength(text) + 2;
      // Past the limit the rest is read and dropped, so the dialogue stays in step.
      if (size > this.context.limits.messageBytes) tooBig = true;
      else lines.push(text);
    }
    if (tooBig) {
      this.resetTransaction();
      return this.reply(this.w.tooBig);
    }
    return this.finish(lines.map((l) => `${l}\r\n`).join(''));
  }

  private async bdat(rest: string): Promise<Next> {
    const m = /^(\d+)(\s+LAST)?$/i.exec(rest);
    if (!m) return this.reply(this.w.syntaxError);
    const size = Number(m[1]);
    const data = await this.channel.readBytes(Math.min(size, this.context.limits.messageBytes + 1));
    if (!data) return 'end';
    if (size > data.length) {
      // Larger than any message the lab keeps: the rest is not worth waiting for.
      this.channel.end(this.w.tooBig);
      return 'end';
    }
    if (!this.envelope) return this.reply(this.w.needMail);
    if (this.envelope.to.length === 0) return this.reply(this.w.needRecipient);
    this.chunkBytes += data.length;
    if (this.chunkBytes <= this.context.limits.messageBytes) this.chunks.push(data);
    if (!m[2]) return this.reply(this.w.chunkReceived(data.length));
    if (this.chunkBytes > this.context.limits.messageBytes) {
      this.resetTransaction();
      return this.reply(this.w.tooBig);
    }
    return this.finish(Buffer.concat(this.chunks).toString('utf8'));
  }

  /** The checks Exchange makes once the message is complete, then delivery to lab mailboxes. */
  private finish(message: string): Next {
    const envelope = this.envelope;
    const signedIn = this.signedIn;
    this.resetTransaction();
    if (!envelope || !signedIn) return this.reply(this.w.needMail);
    const { state, store, names } = this.context;
    const headerFrom = fromAddressOf(message);
    const senders = [...(headerFrom ? [headerFrom] : []), envelope.from];
    const outcome = this.context.submission
      ? { kind: 'accepted' as const }
      : decideSubmission(state, signedIn, senders);
    if (outcome.kind === 'throttled') return this.reply(this.w.senderThreadLimit(names.mailboxHost));
    if (outcome.kind === 'send-as-denied')
      return this.reply(this.w.sendAsDenied(signedIn, outcome.from, names.mailboxHost));
    let raw = message;
    let messageId = messageIdOf(message);
    if (!messageId) {
      // Exchange gives a message without one a Message-ID of its own.
      messageId = `<${randomBytes(12).toString('hex').toUpperCase()}@${names.backend.toLowerCase()}>`;
      raw = `Message-ID: ${messageId}\r\n${message}`;
    }
    const receivedAt = this.context.now();
    for (const recipient of envelope.to) {
      const mailbox = mailboxOf(state, recipient);
      if (mailbox)
        store.deliver(mailbox.address, { messageId, raw, receivedAt, from: envelope.from, to: envelope.to });
    }
    return this.reply(this.w.queued(messageId, names.mailboxHost));
  }

  private resetTransaction(): void {
    this.envelope = null;
    this.chunks = [];
    this.chunkBytes = 0;
  }
}
