// The lab's simulated Exchange Online mail servers: IMAP (implicit TLS, like
// outlook.office365.com:993), POP3 (implicit TLS, like :995) and SMTP submission (STARTTLS, like
// smtp.office365.com:587), on 127.0.0.1 ephemeral ports, answering from the live tenant state.
//
// The entry of the folder: its types are declared in types.ts (and, those that name the store or
// the wording, in mail-context.ts) and re-exported here for the rest of the lab.
import type { LabMailServers, LabSubmissionServer } from './types';
import type { LabMailOptions } from './mail-context';
import { DEFAULT_LIMITS } from './limits';
import { runMailServers, runSubmissionServer } from './run-mail-servers';

export type {
  LabMailServers,
  LabMessage,
  LabSubmissionServer,
  SubmissionPolicy,
  TokenVerdict,
} from './types';
export type { LabMailOptions, LabMailProvider } from './mail-context';

export function startLabMailServers(options: LabMailOptions): Promise<LabMailServers> {
  return runMailServers(options, DEFAULT_LIMITS);
}

/** An SMTP-only submission service (STARTTLS, like port 587) on its own port. */
export function startLabSubmissionServer(options: LabMailOptions): Promise<LabSubmissionServer> {
  return runSubmissionServer(options, DEFAULT_LIMITS);
}
