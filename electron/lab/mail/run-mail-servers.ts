// Starts the three listeners around one shared context (state, verifier, store, limits, names).
// Separate from servers.ts so that tests can run the servers with tighter limits.
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { LabMailServers, LabSubmissionServer } from './types';
import type { MailLimits } from './limits';
import { MailboxStore } from './mailbox-store';
import { serverNames, sessionIdSource, type LabMailOptions, type MailContext } from './mail-context';
import { startListener, type Listener } from './listener';
import { EXCHANGE_WORDING } from './mail-wording';
import { signInWithXoauth2 } from './sign-in';
import { refuseImapSession, startImapSession } from './imap-server';
import { refusePop3Session, startPop3Session } from './pop3-server';
import { refuseSmtpSession, startSmtpSession } from './smtp-server';

const DEFAULT_BACKEND = 'MN2PR01CA0007.namprd01.prod.outlook.com';

function mailContext(options: LabMailOptions, limits: MailLimits): MailContext {
  const now = (): number => Date.now();
  const provider = options.provider;
  const context: MailContext = {
    state: options.state,
    verifyToken: (token) => options.verifyToken(token),
    store: options.store ?? new MailboxStore(limits.messagesPerFolder),
    limits,
    names: provider?.names ?? serverNames(options.backendName ?? DEFAULT_BACKEND),
    now,
    newSessionId: sessionIdSource(now),
    wording: provider?.wording ?? EXCHANGE_WORDING,
    signIn: (protocol, base64) =>
      provider ? provider.signIn(protocol, base64) : signInWithXoauth2(context, protocol, base64),
    ...(provider?.submission ? { submission: provider.submission } : {}),
  };
  return context;
}

/** HVE and ACS: SMTP submission only, with the provider's submission rules. */
export async function runSubmissionServer(
  options: LabMailOptions,
  limits: MailLimits,
): Promise<LabSubmissionServer> {
  const secureContext = createSecureContext({ key: options.tls.keyPem, cert: options.tls.certPem });
  const context = mailContext(options, limits);
  const listener = await startListener({
    tls: null,
    maxSessions: limits.sessionsPerProtocol,
    onSession: (s) => startSmtpSession(s, context, secureContext),
    refuse: refuseSmtpSession,
  });
  return { port: listener.port, close: () => listener.close() };
}

export async function runMailServers(options: LabMailOptions, limits: MailLimits): Promise<LabMailServers> {
  const secureContext = createSecureContext({ key: options.tls.keyPem, cert: options.tls.certPem });
  const context = mailContext(options, limits);
  const started: Listener[] = [];
  try {
    const start = async (
      secure: boolean,
      onSession: (socket: Socket) => void,
      refuse: (socket: Socket) => void,
    ): Promise<Listener> => {
      const listener = await startListener({
        tls: secure ? { key: options.tls.keyPem, cert: options.tls.certPem } : null,
        maxSessions: limits.sessionsPerProtocol,
        onSession,
        refuse,
      });
      started.push(listener);
      return listener;
    };
    const imap = await start(true, (s) => startImapSession(s, context), refuseImapSession);
    const pop3 = await start(true, (s) => startPop3Session(s, context), refusePop3Session);
    const smtp = await start(false, (s) => startSmtpSession(s, context, secureContext), refuseSmtpSession);
    let closing: Promise<void> | null = null;
    return {
      ports: { imap: imap.port, pop3: pop3.port, smtp: smtp.port },
      messages: (mailbox) => context.store.delivered(mailbox),
      close: () => {
        closing ??= Promise.all(started.map((l) => l.close())).then(() => undefined);
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(started.map((l) => l.close()));
    throw error;
  }
}
