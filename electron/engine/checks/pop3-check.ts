// The POP3 check: greeting, CAPA, STLS, AUTH (two-step SASL, as Exchange Online needs) or
// USER/PASS, STAT, QUIT.
import type { CheckResult, StepId } from '../../../shared/report/model';
import type { CheckInput } from './types';
import { StepLog } from './step-log';
import { openConnection, secureChannel } from './open-connection';
import { failCurrentStep } from './failure';
import { Transcript } from '../wire/transcript';
import { LineChannel } from '../wire/channel';
import { createPop3Observer } from '../protocols/line-observer';
import { Pop3Dialogue, parseStat, saslMechanismsOf } from '../protocols/pop3';
import { chooseMechanism } from '../protocols/mechanism';
import { runSasl } from '../protocols/sasl-exchange';
import { decodeServerTag, greetingText } from '../protocols/greeting';

const EXPECTED: StepId[] = ['dns', 'tcp', 'greeting', 'capabilities', 'auth', 'mailbox', 'logout'];

export async function runPop3Check(
  input: CheckInput,
  transcript = new Transcript(input.clock, input.secrets),
): Promise<CheckResult> {
  const log = new StepLog(transcript);
  const observer = createPop3Observer();
  const { timeouts } = input.network;
  let socket = await openConnection(input, transcript, log, observer);
  if (!socket) return log.build('pop3', EXPECTED);
  let channel = new LineChannel(socket);
  let pop = new Pop3Dialogue(channel, timeouts.commandMs, input.signal);
  try {
    transcript.step = 'greeting';
    const greeting = await pop.status(timeouts.greetingMs, 'greeting');
    const backend = decodeServerTag(greeting.line);
    if (!greeting.ok) {
      log.record('greeting', 'fail', `The server refused the session: ${greeting.line}`, {
        greeting: greeting.line,
      });
      return log.build('pop3', EXPECTED);
    }
    log.record('greeting', 'pass', greetingText(greeting.line), {
      greeting: greeting.line,
      backendServer: backend,
    });

    transcript.step = 'capabilities';
    let capa = await pop.capa();
    if (input.endpoint.security === 'starttls') {
      const offersStls = capa?.some((l) => /^STLS\b/i.test(l)) ?? false;
      if (capa && !offersStls) {
        log.record('capabilities', 'pass', describeCapa(capa), { capabilities: capa });
        transcript.step = 'starttls';
        log.record(
          'starttls',
          'fail',
          'The server does not offer STLS on this port; no credentials were sent',
          {
            code: 'STARTTLS_UNAVAILABLE',
            capabilities: capa,
          },
        );
        return log.build('pop3', EXPECTED);
      }
      const answer = await pop.command('STLS');
      if (!answer.ok) {
        log.record('starttls', 'fail', `STLS refused: ${answer.line}`, { serverSaid: answer.line });
        return log.build('pop3', EXPECTED);
      }
      const secured = await secureChannel(channel, input, transcript, log, observer, 'STLS');
      if (!secured) return log.build('pop3', EXPECTED);
      socket = secured;
      channel = new LineChannel(socket);
      pop = new Pop3Dialogue(channel, timeouts.commandMs, input.signal);
      transcript.step = 'capabilities';
      capa = await pop.capa();
    }
    log.record(
      'capabilities',
      capa ? 'pass' : 'warn',
      capa ? describeCapa(capa) : 'The server does not answer CAPA',
      {
        capabilities: capa,
      },
    );

    transcript.step = 'auth';
    const offered = saslMechanismsOf(capa);
    const creds = input.credentials;
    const userPass =
      creds.kind === 'password' &&
      input.mechanism === 'auto' &&
      !offered.some((m) => /^(PLAIN|LOGIN)$/i.test(m));
    if (userPass) {
      const user = await pop.command(`USER ${creds.user}`);
      const pass = user.ok ? await pop.command(`PASS ${creds.password}`) : user;
      const detail = { mechanism: 'USER/PASS', offered, user: creds.user, serverSaid: pass.line };
      if (!pass.ok) {
        log.record('auth', 'fail', `USER/PASS refused: ${pass.line}`, detail);
        return log.build('pop3', EXPECTED);
      }
      log.record('auth', 'pass', `Signed in as ${creds.user} with USER/PASS`, detail);
    } else {
      const choice = chooseMechanism(input.mechanism, offered, creds);
      // Two-step AUTH (no initial response): Exchange Online refuses XOAUTH2 with an initial
      // response on POP3, and RFC 5034 lets every server take this form.
      const sasl = await runSasl(
        pop.saslFraming(),
        choice.mechanism,
        creds,
        { host: input.endpoint.host, port: input.endpoint.port },
        false,
      );
      const detail = {
        mechanism: choice.mechanism,
        reason: choice.reason,
        offered,
        user: creds.user,
        serverSaid: sasl.line,
        errorChallenges: sasl.errorChallenges,
      };
      if (!sasl.ok) {
        log.record('auth', 'fail', `${choice.mechanism} refused: ${sasl.line}`, detail);
        return log.build('pop3', EXPECTED);
      }
      log.record(
        'auth',
        choice.unadvertised ? 'warn' : 'pass',
        `Signed in as ${creds.user} with ${choice.mechanism}`,
        detail,
      );
    }

    transcript.step = 'mailbox';
    const stat = await pop.command('STAT');
    const counts = stat.ok ? parseStat(stat.text) : null;
    if (!stat.ok || !counts) {
      log.record('mailbox', 'fail', `STAT failed: ${stat.line}`, { serverSaid: stat.line });
      return log.build('pop3', EXPECTED);
    }
    log.record(
      'mailbox',
      'pass',
      `${counts.messages} message(s), ${counts.octets} bytes in the maildrop`,
      counts,
    );

    transcript.step = 'logout';
    const quit = await pop.command('QUIT').catch(() => null);
    log.record(
      'logout',
      quit?.ok ? 'pass' : 'warn',
      quit ? quit.line : 'The server closed without answering QUIT',
    );
  } catch (error) {
    failCurrentStep(log, transcript, input, error);
  } finally {
    channel.release();
    socket.destroy();
  }
  return log.build('pop3', EXPECTED);
}

function describeCapa(capa: string[]): string {
  const sasl = saslMechanismsOf(capa);
  const stls = capa.some((l) => /^STLS\b/i.test(l));
  return `SASL ${sasl.join(' ') || '(none)'}${stls ? ', STLS' : ''}${capa.some((l) => /^USER\b/i.test(l)) ? ', USER' : ''}`;
}
