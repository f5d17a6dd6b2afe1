// The SMTP check: greeting, EHLO, STARTTLS, AUTH, then MAIL FROM / RCPT TO / RSET (or a real test
// message), then QUIT.
//
// We speak SMTP ourselves over the recording socket rather than through nodemailer's
// SMTPConnection: it offers no MAIL FROM / RCPT TO without DATA (the probe that tells "can send as"
// apart from "can sign in"), always sends XOAUTH2 inline (which Dovecot's submission refuses over
// about 1 KB, while real tokens are 1.5 to 3 KB) and performs STARTTLS on a socket it creates itself,
// out of reach of the transcript. nodemailer still composes the test message (MailComposer).
import { randomUUID } from 'node:crypto';
import type { CheckResult, StepId } from '../../../shared/report/model';
import type { CheckInput, TestMessage } from './types';
import { StepLog } from './step-log';
import { openConnection, secureChannel } from './open-connection';
import { failCurrentStep } from './failure';
import { Transcript } from '../wire/transcript';
import { LineChannel } from '../wire/channel';
import { createSmtpObserver } from '../protocols/line-observer';
import {
  SmtpDialogue,
  dotStuff,
  parseEhlo,
  queueIdOf,
  replyLine,
  type EhloInfo,
  type SmtpReply,
} from '../protocols/smtp';
import { chooseMechanism } from '../protocols/mechanism';
import { runSasl } from '../protocols/sasl-exchange';
import { greetingText } from '../protocols/greeting';
import type { RecordingSocket } from '../wire/recording-socket';

const EXPECTED: StepId[] = ['dns', 'tcp', 'greeting', 'capabilities', 'auth', 'mailbox', 'logout'];

function ehloName(socket: RecordingSocket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}

function isLineTooLong(reply: { code: number; text: string }): boolean {
  return (reply.code === 500 || reply.code === 501) && /too long/i.test(reply.text);
}

export async function composeTestMessage(message: TestMessage, messageId: string): Promise<string> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const mail = new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    messageId,
    date: new Date(),
    headers: { 'X-Mailer': 'MailProbe' },
  });
  const built = await mail.compile().build();
  return built.toString('utf8');
}

export async function runSmtpCheck(
  input: CheckInput,
  transcript = new Transcript(input.clock, input.secrets),
): Promise<CheckResult> {
  const log = new StepLog(transcript);
  const observer = createSmtpObserver();
  const { timeouts } = input.network;
  let socket = await openConnection(input, transcript, log, observer);
  if (!socket) return log.build('smtp', EXPECTED);
  let channel = new LineChannel(socket);
  let smtp = new SmtpDialogue(channel, timeouts.commandMs, input.signal);
  try {
    transcript.step = 'greeting';
    const greeting = await smtp.reply(timeouts.greetingMs, 'greeting');
    if (greeting.code !== 220) {
      log.record('greeting', 'fail', `The server refused the session: ${replyLine(greeting)}`, {
        reply: replyLine(greeting),
      });
      return log.build('smtp', EXPECTED);
    }
    log.record('greeting', 'pass', greetingText(replyLine(greeting)), {
      greeting: replyLine(greeting),
      server: greeting.text.split(' ')[0],
    });

    const ehlo = async (): Promise<EhloInfo | null> => {
      const reply = await smtp.command(`EHLO ${ehloName(channel.socket)}`);
      if (reply.code !== 250) {
        log.record('capabilities', 'fail', `EHLO refused: ${replyLine(reply)}`, { reply: replyLine(reply) });
        return null;
      }
      return parseEhlo(reply);
    };
    let info = await ehlo();
    if (!info) return log.build('smtp', EXPECTED);

    if (input.endpoint.security === 'starttls') {
      if (!info.starttls) {
        transcript.step = 'starttls';
        log.record('capabilities', 'pass', describeEhlo(info), { ...info });
        log.record(
          'starttls',
          'fail',
          'The server does not offer STARTTLS on this port; no credentials were sent',
          {
            code: 'STARTTLS_UNAVAILABLE',
            extensions: Object.keys(info.extensions),
          },
        );
        return log.build('smtp', EXPECTED);
      }
      const answer = await smtp.command('STARTTLS');
      if (answer.code !== 220) {
        log.record('starttls', 'fail', `STARTTLS refused: ${replyLine(answer)}`, {
          reply: replyLine(answer),
        });
        return log.build('smtp', EXPECTED);
      }
      const secured = await secureChannel(channel, input, transcript, log, observer, 'STARTTLS');
      if (!secured) return log.build('smtp', EXPECTED);
      socket = secured;
      channel = new LineChannel(socket);
      smtp = new SmtpDialogue(channel, timeouts.commandMs, input.signal);
      transcript.step = 'capabilities';
      info = await ehlo();
      if (!info) return log.build('smtp', EXPECTED);
    }
    log.record('capabilities', 'pass', describeEhlo(info), { ...info });

    transcript.step = 'auth';
    if (info.auth.length === 0) {
      log.record(
        'auth',
        'fail',
        'The server offers no AUTH mechanism on this connection (SMTP AUTH disabled, or not offered before TLS)',
        {
          code: 'NO_AUTH_OFFERED',
          extensions: Object.keys(info.extensions),
        },
      );
      return log.build('smtp', EXPECTED);
    }
    const choice = chooseMechanism(input.mechanism, info.auth, input.credentials);
    const ctx = { host: input.endpoint.host, port: input.endpoint.port };
    let sasl = await runSasl(smtp.saslFraming(), choice.mechanism, input.credentials, ctx, true);
    let twoStep = false;
    if (!sasl.ok && isLineTooLong({ code: Number(sasl.line.slice(0, 3)), text: sasl.line })) {
      transcript.info(
        'The server refused the long AUTH line; retrying with the payload after the 334 prompt',
      );
      twoStep = true;
      sasl = await runSasl(smtp.saslFraming(), choice.mechanism, input.credentials, ctx, false);
    }
    const authDetail = {
      mechanism: choice.mechanism,
      reason: choice.reason,
      offered: info.auth,
      user: input.credentials.user,
      serverSaid: sasl.line,
      errorChallenges: sasl.errorChallenges,
      initialResponseInline: !twoStep,
      ...(twoStep ? { code: 'INLINE_AUTH_LINE_TOO_LONG' } : {}),
    };
    if (!sasl.ok) {
      log.record('auth', 'fail', `${choice.mechanism} refused: ${sasl.line}`, authDetail);
      return log.build('smtp', EXPECTED);
    }
    log.record(
      'auth',
      twoStep || choice.unadvertised ? 'warn' : 'pass',
      `Signed in as ${input.credentials.user} with ${choice.mechanism}${twoStep ? ' (only after the 334 prompt: the inline form was refused as too long)' : ''}`,
      authDetail,
    );

    const envelope = input.smtp ?? { from: input.credentials.user, probeRecipient: input.credentials.user };
    const message = envelope.message;
    const stepId: StepId = message ? 'send' : 'mailbox';
    transcript.step = stepId;
    const from = message?.from ?? envelope.from;
    const messageId = `<mailprobe.${randomUUID()}@${from.split('@')[1] ?? 'mailprobe.invalid'}>`;
    // Composed before MAIL FROM so that no server waits on us between commands.
    const raw = message ? await composeTestMessage(message, messageId) : null;
    const to = message?.to ?? envelope.probeRecipient;
    const last = message && raw !== null ? 'DATA' : 'RSET';
    const replies = await envelopeReplies(smtp, info, transcript, from, to, last);
    const { mail, rcpt } = replies;
    // A pipelined DATA that was accepted although MAIL or RCPT was not: end it, send nothing.
    const abandon = async (): Promise<void> => {
      if (replies.last?.code === 354) await smtp.command('.', 'end of DATA').catch(() => null);
    };
    if (mail.code !== 250) {
      await abandon();
      log.record(stepId, 'fail', `MAIL FROM:<${from}> refused: ${replyLine(mail)}`, {
        from,
        serverSaid: replyLine(mail),
        enhanced: mail.enhanced,
      });
      return log.build('smtp', EXPECTED);
    }
    if (!rcpt || (rcpt.code !== 250 && rcpt.code !== 251)) {
      await abandon();
      const said = rcpt ? replyLine(rcpt) : 'no answer';
      log.record(stepId, 'fail', `RCPT TO:<${to}> refused: ${said}`, {
        from,
        to,
        serverSaid: said,
        enhanced: rcpt?.enhanced ?? null,
      });
      return log.build('smtp', EXPECTED);
    }
    if (!message || raw === null) {
      const rset = replies.last;
      log.record(
        'mailbox',
        rset?.code === 250 ? 'pass' : 'warn',
        `The server accepts mail from ${from} to ${to} (envelope only, reset before DATA)`,
        { from, to, pipelined: replies.pipelined },
      );
    } else {
      const data = replies.last;
      if (!data || data.code !== 354) {
        const said = data ? replyLine(data) : 'no answer';
        log.record('send', 'fail', `DATA refused: ${said}`, {
          serverSaid: said,
          enhanced: data?.enhanced ?? null,
        });
        return log.build('smtp', EXPECTED);
      }
      for (const line of dotStuff(raw)) smtp.write(line);
      const done = await smtp.command('.', 'end of DATA');
      if (done.code !== 250) {
        log.record('send', 'fail', `The message was refused: ${replyLine(done)}`, {
          serverSaid: replyLine(done),
          enhanced: done.enhanced,
          messageId,
        });
        return log.build('smtp', EXPECTED);
      }
      const queueId = queueIdOf(done);
      log.record('send', 'pass', `Accepted for delivery${queueId ? `, queue id ${queueId}` : ''}`, {
        from,
        to,
        subject: message.subject,
        messageId,
        queueId,
        // Wall-clock time the server accepted it: the round trip's delivery latency starts here.
        acceptedAt: Date.now(),
        serverSaid: replyLine(done),
      });
    }

    transcript.step = 'logout';
    const quit = await smtp.command('QUIT').catch(() => null);
    log.record(
      'logout',
      quit && quit.code === 221 ? 'pass' : 'warn',
      quit ? replyLine(quit) : 'The server closed without answering QUIT',
    );
  } catch (error) {
    failCurrentStep(log, transcript, input, error);
  } finally {
    channel.release();
    socket.destroy();
  }
  return log.build('smtp', EXPECTED);
}

interface EnvelopeReplies {
  mail: SmtpReply;
  rcpt: SmtpReply | null;
  /** The answer to DATA (a message to send) or RSET (the envelope probe). */
  last: SmtpReply | null;
  pipelined: boolean;
}

/**
 * MAIL FROM, RCPT TO and DATA (or RSET): in one round trip where the server offers PIPELINING
 * (RFC 2920), each answer read in order; else one at a time, stopping at the first refusal.
 */
async function envelopeReplies(
  smtp: SmtpDialogue,
  info: EhloInfo,
  transcript: Transcript,
  from: string,
  to: string,
  last: 'DATA' | 'RSET',
): Promise<EnvelopeReplies> {
  const commands = [`MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, last];
  if ('PIPELINING' in info.extensions) {
    transcript.info(
      `PIPELINING: ${commands.map((c) => c.split(':')[0]).join(', ')} in one round trip (RFC 2920)`,
    );
    for (const command of commands) smtp.write(command);
    const mail = await smtp.reply(undefined, 'MAIL');
    // A server that refuses MAIL may hang up on the rest: its refusal is the answer that counts.
    const next = (what: string): Promise<SmtpReply | null> =>
      smtp.reply(undefined, what).catch((error: unknown) => {
        if (mail.code !== 250) return null;
        throw error;
      });
    const rcpt = await next('RCPT');
    return { mail, rcpt, last: rcpt ? await next(last) : null, pipelined: true };
  }
  const mail = await smtp.command(commands[0] ?? '');
  if (mail.code !== 250) return { mail, rcpt: null, last: null, pipelined: false };
  const rcpt = await smtp.command(commands[1] ?? '');
  if (rcpt.code !== 250 && rcpt.code !== 251) return { mail, rcpt, last: null, pipelined: false };
  return { mail, rcpt, last: await smtp.command(last), pipelined: false };
}

function describeEhlo(info: EhloInfo): string {
  const auth = info.auth.length ? `AUTH ${info.auth.join(' ')}` : 'no AUTH';
  return `${info.domain}: ${auth}${info.starttls ? ', STARTTLS' : ''}${info.size ? `, SIZE ${info.size}` : ''}`;
}
