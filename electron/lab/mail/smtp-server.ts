// The lab's SMTP submission server: Exchange Online as a client sees it on smtp.office365.com:587.
// Plain at first; STARTTLS upgrades; AUTH (LOGIN, XOAUTH2) is offered only over TLS; a message is
// judged when it is complete (throttling, Send As) and lands in the store for lab recipients.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { MailContext } from './mail-context';
import { SessionChannel } from './session-channel';
import { SMTP, smtpTrailer } from './exchange-wording';
import { decidePasswordLogin, decideSubmission, mailboxOf, type LoginOutcome } from './decide';
import { signInWithXoauth2 } from './sign-in';
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
      this.channel.end(SMTP.idleTimeout);
    });
  }

  private trailer(): string {
    return smtpTrailer(this.context.names.backend, new Date(this.context.now()), this.sessionId);
  }

  /** The 5.7.57 and basic-auth texts name the server in capitals, as Exchange Online does. */
  private upperTrailer(): string {
    return smtpTrailer(this.context.names.mailboxHost, new Date(this.context.now()), this.sessionId);
  }

  async run(): Promise<void> {
    const { names } = this.context;
    this.channel.write(SMTP.greeting(names.frontend, new Date(this.context.now()), this.sessionId));
    while (!this.channel.closed) {
      const line = await this.channel.readLine(this.context.limits.lineBytes);
      if (line.kind === 'closed') return;
      if (line.kind === 'too-long') {
        this.channel.end(SMTP.lineTooLong);
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
        if (!rest) return this.reply(SMTP.syntaxError);
        this.greeted = true;
        this.envelope = null;
        return this.reply(`250 ${SMTP.hello(this.context.names.frontend, this.clientIp())}`);
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
        return this.reply(SMTP.reset);
      case 'NOOP':
        return this.reply(SMTP.ok);
      case 'VRFY':
        return this.reply(SMTP.cannotVerify);
      case 'QUIT':
        this.channel.end(SMTP.closing);
        return 'end';
      default:
        return this.reply(SMTP.unrecognized(this.trailer()));
    }
  }

  private clientIp(): string {
    return (this.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  }

  private ehlo(domain: string): Next {
    if (!domain) return this.reply(SMTP.syntaxError);
    this.greeted = true;
    this.resetTransaction();
    const extensions = this.secure ? SMTP.extensionsAfterTls : SMTP.extensionsBeforeTls;
    this.channel.write(`250-${SMTP.hello(this.context.names.frontend, this.clientIp())}`);
    extensions.forEach((extension, index) => {
      this.channel.write(`${index === extensions.length - 1 ? '250 ' : '250-'}${extension}`);
    });
    return 'continue';
  }

  private async startTls(): Promise<Next> {
    if (this.secure) return this.reply(SMTP.alreadyTls);
    this.channel.write(SMTP.startTls);
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
    if (line.kind === 'too-long') this.channel.end(SMTP.lineTooLong);
    return null;
  }

  private async auth(rest: string): Promise<Next> {
    if (!this.greeted) return this.reply(SMTP.badSequence);
    if (this.signedIn) return this.reply(SMTP.alreadyAuthenticated);
    const [mechanismWord = '', initial] = rest.split(/\s+/);
    const mechanism = mechanismWord.toUpperCase();
    // Before STARTTLS Exchange offers no AUTH at all; LOGIN and XOAUTH2 after it.
    if (!this.secure || (mechanism !== 'XOAUTH2' && mechanism !== 'LOGIN'))
      return this.reply(SMTP.unknownMechanism(this.context.names.backend));
    let outcome: LoginOutcome;
    if (mechanism === 'XOAUTH2') {
      const payload = initial ?? (await this.saslLine(SMTP.authContinuation));
      if (payload === null) return 'end';
      if (payload === '*') return this.reply(SMTP.authCancelled);
      outcome = (await signInWithXoauth2(this.context, 'smtp', payload)).outcome;
    } else {
      const user = initial ?? (await this.saslLine(SMTP.askUsername));
      if (user === null) return 'end';
      if (user === '*') return this.reply(SMTP.authCancelled);
      const password = await this.saslLine(SMTP.askPassword);
      if (password === null) return 'end';
      if (password === '*') return this.reply(SMTP.authCancelled);
      const name = Buffer.from(user, 'base64').toString('utf8');
      outcome = decidePasswordLogin(this.context.state, 'smtp', name);
    }
    if (this.channel.closed) return 'end';
    switch (outcome.kind) {
      case 'signed-in':
        this.signedIn = outcome.mailbox;
        return this.reply(SMTP.authenticated);
      case 'smtp-auth-disabled':
        return this.loginFailed(SMTP.smtpAuthDisabled(outcome.scope, this.trailer()));
      case 'refused':
        return this.loginFailed(
          outcome.why === 'basic-auth-disabled'
            ? SMTP.basicAuthDisabled(this.upperTrailer())
            : SMTP.authFailed(this.trailer()),
        );
      case 'signed-in-not-connected':
      case 'throttled':
        return this.loginFailed(SMTP.authFailed(this.trailer()));
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
    if (!this.greeted) return this.reply(SMTP.badSequence);
    if (!this.signedIn) return this.reply(SMTP.notAuthenticated(this.upperTrailer()));
    const m = /^FROM:\s*<([^>]*)>(.*)$/i.exec(rest);
    if (!m) return this.reply(SMTP.syntaxError);
    const size = /\bSIZE=(\d+)/i.exec(m[2] ?? '');
    if (size && Number(size[1]) > this.context.limits.messageBytes) return this.reply(SMTP.tooBig);
    this.resetTransaction();
    this.envelope = { from: m[1] ?? '', to: [] };
    return this.reply(SMTP.senderOk);
  }

  private rcpt(rest: string): Next {
    if (!this.envelope) return this.reply(SMTP.needMail);
    const m = /^TO:\s*<([^>]+)>/i.exec(rest);
    if (!m?.[1]) return this.reply(SMTP.syntaxError);
    if (this.envelope.to.length >= MAX_RECIPIENTS) return this.reply(SMTP.tooManyRecipients);
    this.envelope.to.push(m[1]);
    return this.reply(SMTP.recipientOk);
  }

  private async data(): Promise<Next> {
    if (!this.envelope) return this.reply(SMTP.needMail);
    if (this.envelope.to.length === 0) return this.reply(SMTP.needRecipient);
    this.channel.write(SMTP.startData);
    const lines: string[] = [];
    let size = 0;
    let tooBig = false;
    for (;;) {
      const line = await this.channel.readLine(this.context.limits.lineBytes);
      if (line.kind === 'closed') return 'end';
      if (line.kind === 'too-long') {
        this.channel.end(SMTP.lineTooLong);
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
      return this.reply(SMTP.tooBig);
    }
    return this.finish(lines.map((l) => `${l}\r\n`).join(''));
  }

  private async bdat(rest: string): Promise<Next> {
    const m = /^(\d+)(\s+LAST)?$/i.exec(rest);
    if (!m) return this.reply(SMTP.syntaxError);
    const size = Number(m[1]);
    const data = await this.channel.readBytes(Math.min(size, this.context.limits.messageBytes + 1));
    if (!data) return 'end';
    if (size > data.length) {
      // Larger than any message the lab keeps: the rest is not worth waiting for.
      this.channel.end(SMTP.tooBig);
      return 'end';
    }
    if (!this.envelope) return this.reply(SMTP.needMail);
    if (this.envelope.to.length === 0) return this.reply(SMTP.needRecipient);
    this.chunkBytes += data.length;
    if (this.chunkBytes <= this.context.limits.messageBytes) this.chunks.push(data);
    if (!m[2]) return this.reply(SMTP.chunkReceived(data.length));
    if (this.chunkBytes > this.context.limits.messageBytes) {
      this.resetTransaction();
      return this.reply(SMTP.tooBig);
    }
    return this.finish(Buffer.concat(this.chunks).toString('utf8'));
  }

  /** The checks Exchange makes once the message is complete, then delivery to lab mailboxes. */
  private finish(message: string): Next {
    const envelope = this.envelope;
    const signedIn = this.signedIn;
    this.resetTransaction();
    if (!envelope || !signedIn) return this.reply(SMTP.needMail);
    const { state, store, names } = this.context;
    const headerFrom = fromAddressOf(message);
    const senders = [...(headerFrom ? [headerFrom] : []), envelope.from];
    const outcome = decideSubmission(state, signedIn, senders);
    if (outcome.kind === 'throttled') return this.reply(SMTP.senderThreadLimit(names.mailboxHost));
    if (outcome.kind === 'send-as-denied')
      return this.reply(SMTP.sendAsDenied(signedIn, outcome.from, names.mailboxHost));
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
    return this.reply(SMTP.queued(messageId, names.mailboxHost));
  }

  private resetTransaction(): void {
    this.envelope = null;
    this.chunks = [];
    this.chunkBytes = 0;
  }
}
