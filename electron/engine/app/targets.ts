// What a run is pointed at when it is a saved profile with its secret: one place turns it into a
// RunInput, for the CLI, the desktop app and browser mode alike. The Demo tenant's runs are built
// one floor up (electron/compose/lab-targets.ts), where the lab is known; the engine is not.
import { FileProblem } from '../files/bounded-file';
import { readCertificateFile, readPrivateKeyFile } from '../files/pem-files';
import type { Profile } from '../../../shared/api/contract';
import type { EndpointTarget, MailProtocol, ReportTarget } from '../../../shared/report/model';
import { CLOUDS, graphEndpoint } from '../../../shared/config/clouds';
import { acsUsernameOf } from '../../../shared/config/sending-paths';
import { subjectFor, uniqueToken } from '../../../shared/report/test-subject';
import { readServiceAccountKey } from '../identity/google-key';
import { GMAIL_SCOPE } from '../identity/google-token';
import { GOOGLE_ISSUER } from '../identity/oidc-token';
import type { BrowserCredential, DeviceCodeCredential } from '../identity/acquire';
import type { RunCredential, RunInput } from '../checks/run';
import type { NetworkSettings, TestMessage } from '../checks/types';

/** The subject and body a person wrote in the app's form; a unique subject is made when absent. */
export interface TestMessageContent {
  subject?: string | undefined;
  body?: string | undefined;
}

export function testMessage(from: string, to: string, content: TestMessageContent = {}): TestMessage {
  const token = uniqueToken();
  const subject = content.subject?.trim() ? content.subject.trim() : subjectFor(token);
  const text = content.body?.trim()
    ? `${content.body.replace(/\r?\n/g, '\n').trimEnd()}\n`
    : `This is a test message sent by MailProbe to check that ${from} can send mail.\nToken: ${token}\n`;
  return { from, to, subject, text };
}

export class TargetError extends Error {
  readonly code = 'TARGET';
}

/** Graph of a Microsoft 365 profile's cloud; another provider's profile has none. */
function graphOfProfile(profile: Profile): NonNullable<RunInput['graph']> {
  const microsoft = ['client-secret', 'certificate', 'device-code', 'browser', 'password', 'access-token'];
  if (!microsoft.includes(profile.credential))
    throw new TargetError('The Graph check is for Microsoft 365 profiles (an app registration in Entra ID)');
  const cloud = profile.cloud === 'custom' ? 'global' : profile.cloud;
  return { endpoint: graphEndpoint(cloud), resource: CLOUDS[cloud].graph.resource };
}

/** A file the profile names, read and checked; its problem as a TargetError in the form's words. */
async function readProfileFile(
  label: string,
  path: string,
  read: (path: string) => Promise<string>,
): Promise<string> {
  try {
    return await read(path);
  } catch (error) {
    if (error instanceof FileProblem) throw new TargetError(`${label}: ${error.message}`);
    throw error;
  }
}

const DELEGATED_SCOPE_OF: Record<MailProtocol, string> = {
  imap: 'IMAP.AccessAsUser.All',
  pop3: 'POP.AccessAsUser.All',
  smtp: 'SMTP.Send',
};

/** The delegated scopes of the protocols checked, on Exchange Online's resource. */
export function delegatedScope(resource: string, protocols: readonly MailProtocol[]): string {
  return protocols.map((p) => `${resource}/${DELEGATED_SCOPE_OF[p]}`).join(' ');
}

/** What a profile's credential shows as in a report: the flow, for the kinds that name a service. */
function reportedCredential(profile: Profile): ReportTarget['credential'] {
  if (profile.credential === 'hve' || profile.credential === 'acs') return 'client-secret';
  if (profile.credential === 'google-user') return 'browser';
  if (profile.credential === 'oidc')
    return profile.oidcFlow === 'device-code' || profile.oidcFlow === 'browser'
      ? profile.oidcFlow
      : 'client-secret';
  return profile.credential;
}

/** An OpenID profile's credential: the app's own token, or a person's sign-in shown as the run says. */
function oidcProfileCredential(
  profile: Profile,
  secret: string | null,
  options: { deviceCode?: DeviceCodeCredential | undefined; browser?: BrowserCredential | undefined },
): RunCredential {
  if (!profile.issuer || !profile.scope)
    throw new TargetError('The profile has no issuer or no scopes: complete it in the profile form');
  const flow = profile.oidcFlow ?? 'client-credentials';
  if (flow === 'client-credentials' && !secret)
    throw new TargetError('No client secret is stored for this profile: enter it in the profile form');
  const person = flow === 'device-code' ? options.deviceCode : flow === 'browser' ? options.browser : null;
  if (flow !== 'client-credentials' && !person)
    throw new TargetError('This profile signs a user in: run it where the sign-in can be shown');
  return {
    kind: 'oidc',
    user: profile.mailbox,
    spec: {
      issuer: profile.issuer,
      clientId: profile.clientId,
      ...(secret ? { clientSecret: secret } : {}),
      flow: person ?? { kind: 'client-credentials' },
      scope: profile.scope,
      ...(profile.resource ? { resource: profile.resource } : {}),
    },
  };
}

/** A saved profile and its secret (from the vault) as a target. */
export async function profileRunInput(
  profile: Profile,
  secret: string | null,
  options: {
    protocols: MailProtocol[];
    network: NetworkSettings;
    sendTest?: ({ from: string; to: string } & TestMessageContent) | undefined;
    /** How a device-code profile shows its prompt (the app's panel, the CLI's stderr). */
    deviceCode?: DeviceCodeCredential | undefined;
    /** How a browser profile shows its sign-in page. */
    browser?: BrowserCredential | undefined;
    /** The Graph check beside the mail checks: the profile's cloud's Graph. */
    graph?: boolean | undefined;
  },
): Promise<RunInput> {
  const cloud = profile.cloud === 'custom' ? CLOUDS.global : CLOUDS[profile.cloud];
  const authorityHost = profile.authority ? new URL(profile.authority).origin : cloud.authority;
  const user = profile.mailbox;
  let credentials: RunCredential;
  if (profile.credential === 'device-code' || profile.credential === 'browser') {
    const credential = profile.credential === 'browser' ? options.browser : options.deviceCode;
    if (!credential)
      throw new TargetError('This profile signs a user in: run it where the sign-in can be shown');
    const resource = `https://${cloud.endpoints.imap.host}`;
    credentials = {
      kind: 'client-credentials',
      user,
      spec: {
        authorityHost,
        tenant: profile.tenant,
        clientId: profile.clientId,
        credential,
        scope: profile.scope ?? delegatedScope(resource, options.protocols),
      },
    };
  } else if (profile.credential === 'certificate') {
    if (!profile.certificatePath || !profile.keyPath)
      throw new TargetError('The profile has no certificate or key file');
    const [certificatePem, privateKeyPem] = await Promise.all([
      readProfileFile('Certificate file', profile.certificatePath, readCertificateFile),
      readProfileFile('Private key file', profile.keyPath, readPrivateKeyFile),
    ]);
    credentials = {
      kind: 'client-credentials',
      user,
      spec: {
        authorityHost,
        tenant: profile.tenant,
        clientId: profile.clientId,
        credential: {
          kind: 'certificate',
          certificatePem,
          privateKeyPem,
          ...(secret ? { passphrase: secret } : {}),
        },
        scope: profile.scope ?? `https://${cloud.endpoints.imap.host}/.default`,
      },
    };
  } else if (profile.credential === 'google-service-account') {
    if (!secret)
      throw new TargetError(
        "No key is stored for this profile: paste the service account's JSON key in the form",
      );
    const reading = readServiceAccountKey(secret);
    if (!reading.ok) throw new TargetError(`The stored service-account key ${reading.problem}`);
    credentials = {
      kind: 'google-service-account',
      user,
      spec: { key: reading.key, subject: user, scope: profile.scope ?? GMAIL_SCOPE },
    };
  } else if (profile.credential === 'oidc') {
    credentials = oidcProfileCredential(profile, secret, options);
  } else if (profile.credential === 'google-user') {
    if (!secret)
      throw new TargetError(
        'No OAuth client secret is stored for this profile: enter it in the profile form',
      );
    if (!options.browser)
      throw new TargetError('This profile signs a user in: run it where the sign-in can be shown');
    credentials = {
      kind: 'oidc',
      user,
      spec: {
        issuer: profile.issuer ?? GOOGLE_ISSUER,
        clientId: profile.clientId,
        clientSecret: secret,
        flow: options.browser,
        scope: profile.scope ?? GMAIL_SCOPE,
        google: true,
      },
    };
  } else if (profile.credential === 'acs') {
    if (!secret)
      throw new TargetError('No client secret is stored for this profile: enter it in the profile form');
    const username = acsUsernameOf(profile.acsResource ?? '', profile.clientId, profile.tenant);
    credentials = { kind: 'password', user: username, password: secret };
  } else {
    if (!secret) throw new TargetError('No secret is stored for this profile: enter it in the profile form');
    credentials =
      profile.credential === 'client-secret' || profile.credential === 'hve'
        ? {
            kind: 'client-credentials',
            user,
            spec: {
              authorityHost,
              tenant: profile.tenant,
              clientId: profile.clientId,
              credential: { kind: 'secret', value: secret },
              scope: profile.scope ?? `https://${cloud.endpoints.imap.host}/.default`,
            },
          }
        : profile.credential === 'password'
          ? { kind: 'password', user, password: secret }
          : { kind: 'token', user, token: secret };
  }
  const service = profile.credential === 'hve' || profile.credential === 'acs' ? profile.credential : null;
  // HVE and ACS are SMTP submission only, whatever else was asked.
  const protocols: MailProtocol[] = service ? ['smtp'] : options.protocols;
  const endpoints: Partial<Record<MailProtocol, EndpointTarget>> = {};
  for (const p of protocols) endpoints[p] = profile[p];
  const from = options.sendTest?.from ?? profile.testMessage.from ?? user;
  return {
    protocols,
    endpoints,
    credentials,
    credentialSource: `the profile "${profile.name}"`,
    ...(options.graph ? { graph: graphOfProfile(profile) } : {}),
    mechanism: profile.mechanism,
    network: options.network,
    smtp: {
      from,
      ...(options.sendTest ? { message: testMessage(from, options.sendTest.to, options.sendTest) } : {}),
      ...(service === 'acs' ? { probeRecipient: user } : {}),
    },
    target: {
      mailbox: user,
      credential: reportedCredential(profile),
      ...(service ? { service } : {}),
      ...(credentials.kind === 'password' && service === 'acs' ? { smtpUser: credentials.user } : {}),
      mechanism: profile.mechanism,
      ...(profile.credential === 'google-service-account' || profile.credential === 'google-user'
        ? { provider: 'google' as const }
        : profile.credential === 'oidc'
          ? { provider: 'oidc' as const, ...(profile.issuer ? { issuer: profile.issuer } : {}) }
          : { cloud: profile.cloud }),
      tenant: profile.tenant,
      clientId: profile.clientId,
      ...(profile.secretExpiresAt ? { secretExpiresAt: profile.secretExpiresAt } : {}),
      ...(profile.exchangeServicePrincipalId
        ? { exchangeServicePrincipal: { objectId: profile.exchangeServicePrincipalId, source: 'profile' } }
        : {}),
      ...endpoints,
    },
  };
}
