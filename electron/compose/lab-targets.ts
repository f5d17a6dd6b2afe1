// The lab's tenants as targets: a started lab (its ports, its CA, its demo app and the scenario's
// client side) turned into the RunInput the engine checks. This is composition, not engine: it is
// the one place that knows both the lab and what a run needs, for the app, the CLI and the tests.
import type { ProxyPlan, ProxyRoute } from '../engine/wire/proxy';
import type { EndpointTarget, MailProtocol, SaslMechanism } from '../../shared/report/model';
import { readServiceAccountKey } from '../engine/identity/google-key';
import { GMAIL_SCOPE } from '../engine/identity/google-token';
import type { DeviceCodeCredential } from '../engine/identity/acquire';
import type { RunInput } from '../engine/checks/run';
import type { NetworkSettings } from '../engine/checks/types';
import { testMessage, type TestMessageContent } from '../engine/app/targets';
import type { Lab } from '../lab/lab';
import { smtpRbacStatus } from '../lab/mail/decide';
import { graphRbacStatus } from '../lab/graph/graph-api';
import { DELEGATED_SCOPE } from '../lab/scenarios';
import { GOOGLE_DEMO } from '../lab/google/workspace';

export interface LabRunOptions {
  protocols: MailProtocol[];
  mechanism: SaslMechanism;
  network: NetworkSettings;
  sendTo?: string | undefined;
  from?: string | undefined;
  content?: TestMessageContent | undefined;
  /** A user signs in (device code) instead of the app signing in as itself. */
  deviceCode?: DeviceCodeCredential;
  /** The Graph check beside (or instead of) the mail checks, against the lab's Graph. */
  graph?: boolean | undefined;
}

/** The lab's servers as endpoints: IMAP and POP3 implicit TLS, SMTP STARTTLS, on 127.0.0.1. */
function labEndpoints(
  ports: Record<MailProtocol, number>,
  protocols: readonly MailProtocol[],
): Partial<Record<MailProtocol, EndpointTarget>> {
  const endpoints: Partial<Record<MailProtocol, EndpointTarget>> = {};
  for (const p of protocols)
    endpoints[p] = { host: '127.0.0.1', port: ports[p], security: p === 'smtp' ? 'starttls' : 'tls' };
  return endpoints;
}

/** The lab's HTTP proxy for every connection, with its user and password or without them. */
function labProxyPlan(lab: Lab, credentials: boolean): ProxyPlan {
  const route: ProxyRoute = {
    config: {
      scheme: 'http',
      host: '127.0.0.1',
      port: lab.proxies.http.port,
      username: credentials ? lab.proxies.user : null,
      bypass: [],
    },
    password: credentials ? lab.proxies.password : null,
    source: "the lab's company proxy",
  };
  return { identity: route, mail: route };
}

/** What a lab run shares whichever tenant it uses: the lab CA trusted, the test message. */
function labRunCommon(
  lab: Lab,
  options: LabRunOptions,
  from: string,
  sendTo: string | undefined,
): Pick<RunInput, 'mechanism' | 'network' | 'smtp'> {
  return {
    mechanism: options.mechanism,
    network: {
      ...options.network,
      tls: { ...options.network.tls, extraCaPem: [lab.caPem, ...options.network.tls.extraCaPem] },
      proxy: lab.client.proxy ? labProxyPlan(lab, lab.client.proxy.credentials) : options.network.proxy,
    },
    smtp: {
      from,
      ...(sendTo && (options.protocols.includes('smtp') || options.graph)
        ? { message: testMessage(from, sendTo, options.content) }
        : {}),
    },
  };
}

/** The lab's Google Workspace tenant as a target: its Gmail servers, its service account's key. */
export function googleLabRunInput(lab: Lab, options: LabRunOptions): RunInput {
  const side = lab.client.google ?? { subject: GOOGLE_DEMO.mailbox, scope: GMAIL_SCOPE };
  const reading = readServiceAccountKey(lab.google.keyJson);
  if (!reading.ok) throw new Error(`The lab's service-account key ${reading.problem}`);
  const { protocols } = options;
  const mailbox = side.subject;
  const endpoints = labEndpoints(lab.google.mail.ports, protocols);
  const from = options.from ?? mailbox;
  return {
    protocols,
    endpoints,
    credentials: {
      kind: 'google-service-account',
      user: mailbox,
      spec: { key: reading.key, subject: mailbox, scope: side.scope },
    },
    credentialSource: `the lab's service account ${reading.key.clientEmail}`,
    ...labRunCommon(lab, options, from, options.sendTo),
    target: {
      mailbox,
      credential: 'google-service-account',
      mechanism: options.mechanism,
      provider: 'google',
      clientId: reading.key.clientId,
      ...endpoints,
    },
  };
}

/**
 * The lab's HVE or ACS submission server as a target: SMTP only. HVE signs in with a token of the
 * demo app (Mail.Send); ACS with the user name of the scenario and the app's client secret.
 */
export function sendingPathLabRunInput(lab: Lab, options: LabRunOptions): RunInput {
  const service = lab.client.service;
  if (!service) throw new Error('Not a sending-path scenario');
  const protocols: MailProtocol[] = ['smtp'];
  const port = service.kind === 'hve' ? lab.sending.hve.port : lab.sending.acs.port;
  const endpoints = labEndpoints({ imap: 0, pop3: 0, smtp: port }, protocols);
  const sender = service.kind === 'hve' ? lab.state.hve.account : lab.state.acs.sender;
  const from = options.from ?? lab.client.send?.from ?? sender;
  const common = labRunCommon(lab, { ...options, protocols }, from, options.sendTo ?? lab.client.send?.to);
  const target = {
    mailbox: sender,
    credential: 'client-secret' as const,
    mechanism: options.mechanism,
    cloud: 'lab',
    tenant: lab.state.tenantId,
    clientId: lab.demo.clientId,
    service: service.kind,
    ...endpoints,
  };
  if (service.kind === 'acs')
    return {
      protocols,
      endpoints,
      credentials: { kind: 'password', user: service.username, password: lab.demo.clientSecret },
      credentialSource: `the lab's demo client secret as the ACS SMTP password`,
      ...common,
      smtp: { ...common.smtp, probeRecipient: sender },
      target: { ...target, smtpUser: service.username },
    };
  return {
    protocols,
    endpoints,
    credentials: {
      kind: 'client-credentials',
      user: sender,
      spec: {
        authorityHost: lab.authorityHost,
        tenant: lab.client.tenant,
        clientId: lab.demo.clientId,
        credential: { kind: 'secret', value: lab.demo.clientSecret },
        scope: lab.client.scope,
      },
    },
    credentialSource: `the lab's demo client secret`,
    ...common,
    target,
  };
}

/** The lab's demo tenant as a target: its endpoints, its CA, its client credentials. */
export function labRunInput(lab: Lab, options: LabRunOptions): RunInput {
  if (lab.client.google) return googleLabRunInput(lab, options);
  if (lab.client.service) return sendingPathLabRunInput(lab, options);
  if (lab.client.basicAuth) return basicAuthLabRunInput(lab, options);
  const { protocols } = options;
  const mailbox = lab.demo.mailbox;
  const endpoints = labEndpoints(lab.mail.ports, protocols);
  const secret = lab.client.useSecretIdAsValue ? lab.demo.secretId : lab.demo.clientSecret;
  const device = options.deviceCode;
  const sendTo = options.sendTo ?? lab.client.send?.to;
  const from = options.from ?? lab.client.send?.from ?? mailbox;
  return {
    protocols,
    endpoints,
    credentials: {
      kind: 'client-credentials',
      user: mailbox,
      spec: {
        authorityHost: lab.authorityHost,
        tenant: lab.client.tenant,
        clientId: lab.demo.clientId,
        credential: device ?? { kind: 'secret', value: secret },
        scope: device && !lab.client.delegated ? DELEGATED_SCOPE : lab.client.scope,
      },
    },
    credentialSource: device ? `a demo user's sign-in (device code)` : `the lab's demo client secret`,
    ...labRunCommon(lab, options, from, sendTo),
    ...(options.graph ? { graph: { endpoint: lab.graph.endpoint, resource: lab.graph.resource } } : {}),
    target: {
      mailbox,
      credential: device ? 'device-code' : 'client-secret',
      mechanism: options.mechanism,
      cloud: 'lab',
      tenant: lab.client.tenant,
      clientId: lab.demo.clientId,
      // The simulated tenant knows its own Exchange registration, as an admin who ran
      // Get-ServicePrincipal would.
      exchangeServicePrincipal: {
        objectId: lab.state.exchangeServicePrincipal?.objectId ?? null,
        source: 'lab',
        smtpRbac: smtpRbacStatus(lab.state, mailbox),
        graphRbac: graphRbacStatus(lab.state, mailbox),
      },
      ...endpoints,
    },
  };
}

/**
 * The customer's app that signs in to SMTP with the mailbox's password (basic SMTP AUTH): SMTP
 * alone, as the demo user with her demo password.
 */
function basicAuthLabRunInput(lab: Lab, options: LabRunOptions): RunInput {
  const protocols: MailProtocol[] = ['smtp'];
  const mailbox = lab.demo.mailbox;
  const user = lab.state.users.find((u) => u.address === mailbox);
  if (!user) throw new Error('The demo tenant has lost its user');
  const endpoints = labEndpoints(lab.mail.ports, protocols);
  return {
    protocols,
    endpoints,
    credentials: { kind: 'password', user: mailbox, password: user.password },
    credentialSource: "the demo user's password",
    ...labRunCommon(lab, { ...options, protocols }, options.from ?? mailbox, options.sendTo),
    target: {
      mailbox,
      credential: 'password',
      mechanism: options.mechanism,
      cloud: 'lab',
      tenant: lab.client.tenant,
      ...endpoints,
    },
  };
}
