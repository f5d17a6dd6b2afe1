// The lab's other Microsoft sending paths at run time: an HVE and an ACS submission server on
// ports of their own, judging by the tenant's live state and delivering into the same mailboxes
// as the lab's Exchange Online (so a message sent to alice shows up in her IMAP inbox).
import type { TenantState } from '../state';
import { MailboxStore } from '../mail/mailbox-store';
import { DEFAULT_LIMITS } from '../mail/limits';
import { EXCHANGE_WORDING } from '../mail/mail-wording';
import { serverNames } from '../mail/mail-context';
import {
  startLabSubmissionServer,
  type LabMailProvider,
  type LabSubmissionServer,
  type TokenVerdict,
} from '../mail/servers';
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
  const { state, verifyToken } = options;
  const start = (
    backend: string,
    signIn: LabMailProvider['signIn'],
    submission: LabMailProvider['submission'],
  ): Promise<LabSubmissionServer> =>
    startLabSubmissionServer({
      ...options,
      provider: {
        wording: EXCHANGE_WORDING,
        names: serverNames(backend),
        signIn,
        ...(submission ? { submission } : {}),
      },
    });
  const hve = await start(
    'hv0p278ca0001.gbrp278.prod.outlook.com',
    (protocol, base64) => hveSignIn(state, verifyToken, protocol, base64),
    hvePolicy(state),
  );
  let acs: LabSubmissionServer;
  try {
    acs = await start('AM0PR02CA0001.eurprd02.prod.outlook.com', acsTokenSignIn, acsPolicy(state));
  } catch (error) {
    await hve.close();
    throw error;
  }
  return { hve, acs, close: () => Promise.all([hve.close(), acs.close()]).then(() => undefined) };
}
