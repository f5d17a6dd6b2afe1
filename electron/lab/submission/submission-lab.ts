// The lab's other Microsoft sending paths at run time: an HVE and an ACS submission server on
// ports of their own, judging by the tenant's live state and delivering into the same mailboxes
// as the lab's Exchange Online (so a message sent to alice shows up in her IMAP inbox).
import type { TenantState } from '../state';
import { MailboxStore } from '../mail/mailbox-store';
import { DEFAULT_LIMITS } from '../mail/limits';
import { EXCHANGE_WORDING } from '../mail/mail-wording';
import { serverNames } from '../mail/mail-context';
import { startLabSubmissionServer, type LabSubmissionServer, type TokenVerdict } from '../mail/servers';
import { hvePolicy, hveSignIn } from './hve';
import { acsPolicy, acsTokenSignIn } from './acs';

export interface SendingPathServers {
  hve: LabSubmissionServer;
  acs: LabSubmissionServer;
  close(): Promise<void>;
}

/** The store the lab's Exchange servers and its submission servers share. */
export function sharedStore(): MailboxStore {
  return new MailboxStore(DEFAULT_LIMITS.messagesPerFolder);
}

export async function startSendingPathServers(options: {
  state: TenantState;
  tls: { keyPem: string; certPem: string };
  verifyToken: (token: string) => Promise<TokenVerdict>;
  store: MailboxStore;
}): Promise<SendingPathServers> {
  const { state, tls, store, verifyToken } = options;
  const hve = await startLabSubmissionServer({
    state,
    tls,
    store,
    verifyToken,
    provider: {
      wording: EXCHANGE_WORDING,
      names: serverNames('HV0P278CA0001.GBRP278.PROD.OUTLOOK.COM'.toLowerCase()),
      signIn: (protocol, base64) => hveSignIn(state, verifyToken, protocol, base64),
      submission: hvePolicy(state),
    },
  });
  let acs: LabSubmissionServer;
  try {
    acs = await startLabSubmissionServer({
      state,
      tls,
      store,
      verifyToken,
      provider: {
        wording: EXCHANGE_WORDING,
        names: serverNames('AM0PR02CA0001.eurprd02.prod.outlook.com'),
        signIn: acsTokenSignIn,
        submission: acsPolicy(state),
      },
    });
  } catch (error) {
    await hve.close();
    throw error;
  }
  return { hve, acs, close: () => Promise.all([hve.close(), acs.close()]).then(() => undefined) };
}
