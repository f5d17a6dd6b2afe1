// `--hve` and `--acs-resource NAME` / `--acs-username NAME`: Microsoft's other sending paths on
// the command line. Both check SMTP submission only, on their own hosts; ACS signs in with a user
// name made of the resource, the app and the tenant, and the app's client secret as the password.
import {
  ACS_ENDPOINT,
  acsUsername,
  HVE_ENDPOINT,
  type SendingService,
} from '../../shared/config/sending-paths';
import type { EndpointTarget, MailProtocol } from '../../shared/report/model';
import { guidError } from '../../shared/config/validate';
import type { RunCredential } from '../engine/checks/run';
import { UsageError } from './usage-error';
import { readSecretEnv, readSecretStdin } from './secret-input';

export interface SendingPathValues {
  hve?: boolean | undefined;
  'acs-resource'?: string | undefined;
  'acs-username'?: string | undefined;
  imap?: boolean | undefined;
  pop3?: boolean | undefined;
  provider?: string | undefined;
  tenant?: string | undefined;
  'client-id'?: string | undefined;
  'client-secret-env'?: string | undefined;
  'client-secret-stdin'?: boolean | undefined;
  mech?: string | undefined;
}

const RESOURCE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Which sending path the flags name, if any; refuses flags that cannot go with it. */
export function sendingServiceOf(values: SendingPathValues): SendingService | null {
  const acs = values['acs-resource'] !== undefined || values['acs-username'] !== undefined;
  if (values.hve && acs) throw new UsageError('--hve and --acs-* are two sending paths: give one');
  const service: SendingService | null = values.hve ? 'hve' : acs ? 'acs' : null;
  if (!service) return null;
  const flag = service === 'hve' ? '--hve' : '--acs-resource';
  if (values.imap || values.pop3)
    throw new UsageError(`${flag} checks SMTP submission only: leave out --imap and --pop3`);
  if (values.provider !== undefined && values.provider !== 'microsoft')
    throw new UsageError(
      `${flag} is a Microsoft sending path: it does not go with --provider ${values.provider}`,
    );
  if (values['acs-resource'] !== undefined && values['acs-username'] !== undefined)
    throw new UsageError('--acs-resource builds the user name; --acs-username gives it whole: give one');
  return service;
}

export function sendingPathEndpoint(service: SendingService): EndpointTarget {
  return service === 'hve' ? HVE_ENDPOINT : ACS_ENDPOINT;
}

export const SENDING_PATH_PROTOCOLS: MailProtocol[] = ['smtp'];

/**
 * ACS: the user name (composed or given) and the app's client secret as the SMTP password. The
 * user name is taken as given, wrong or not: telling what is wrong with it is the check's job.
 */
export async function acsCredential(
  values: SendingPathValues,
): Promise<{ credential: RunCredential; source: string; username: string }> {
  const resource = values['acs-resource'];
  let username = values['acs-username']?.trim() ?? '';
  if (resource !== undefined) {
    if (!RESOURCE.test(resource))
      throw new UsageError(
        `--acs-resource "${resource}" is not a Communication Services resource name (letters, digits and hyphens); give a whole user name with --acs-username`,
      );
    if (values.tenant === undefined || values['client-id'] === undefined)
      throw new UsageError('--acs-resource needs --tenant GUID and --client-id GUID to build the user name');
    const tenantProblem = guidError(values.tenant);
    if (tenantProblem)
      throw new UsageError(`--tenant: ${tenantProblem}; the ACS user name needs the tenant id, not a domain`);
    username = acsUsername(resource, values['client-id'], values.tenant);
  }
  if (!username) throw new UsageError('--acs-username needs the SMTP user name');
  if (values.mech === 'xoauth2' || values.mech === 'oauthbearer')
    throw new UsageError(
      'ACS SMTP is checked with the user name and the client secret (--mech login or plain)',
    );
  const env = values['client-secret-env'];
  if (env === undefined && !values['client-secret-stdin'])
    throw new UsageError(
      "ACS SMTP's password is one of the app's client secrets: give it with --client-secret-env VAR or --client-secret-stdin",
    );
  const password =
    env !== undefined ? readSecretEnv(env, 'client secret') : await readSecretStdin('client secret');
  return {
    credential: { kind: 'password', user: username, password },
    source: `client secret${env !== undefined ? ` from $${env}` : ' from stdin'} as the ACS SMTP password`,
    username,
  };
}
