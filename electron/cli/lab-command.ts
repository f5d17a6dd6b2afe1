// `mailprobe lab`: runs the simulated tenant in the foreground and says how to use it.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { acsUsername } from '../../shared/config/sending-paths';
import { EXIT, UsageError, argumentsError } from './usage-error';

export async function labCommand(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        'ca-out': { type: 'string' },
        'google-key-out': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw argumentsError('lab', error);
  }
  const { isScenarioId, SCENARIOS } = await import('../lab/state');
  const scenario = values.scenario ?? 'healthy';
  if (!isScenarioId(scenario))
    throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, not "${scenario}"`);
  const { startLab } = await import('../lab/lab');
  const lab = await startLab(scenario);
  if (values['ca-out']) await writeFile(values['ca-out'], lab.caPem);
  // The service account's key holds its private key: readable by this user only.
  const keyOut = values['google-key-out'];
  if (keyOut) await writeFile(keyOut, lab.google.keyJson, { mode: 0o600 });
  const google = lab.google;
  const info = {
    scenario,
    authority: `${lab.authorityHost}/${lab.demo.tenantId}`,
    tokenEndpoint: `${lab.authorityHost}/${lab.demo.tenantId}/oauth2/v2.0/token`,
    tenantId: lab.demo.tenantId,
    tenantDomain: lab.demo.domain,
    clientId: lab.demo.clientId,
    clientSecret: lab.demo.clientSecret,
    servicePrincipalObjectId: lab.demo.servicePrincipalObjectId,
    mailboxes: [lab.demo.mailbox, lab.demo.shared, lab.demo.other],
    // The people who can sign in on the lab's pages (device code): test users, new passwords at
    // every start.
    users: lab.state.users.map((u) => ({ address: u.address, password: u.password })),
    deviceLogin: `${lab.authorityHost}/devicelogin`,
    imap: `127.0.0.1:${lab.mail.ports.imap} (implicit TLS)`,
    pop3: `127.0.0.1:${lab.mail.ports.pop3} (implicit TLS)`,
    smtp: `127.0.0.1:${lab.mail.ports.smtp} (STARTTLS)`,
    scope: 'https://outlook.office365.com/.default',
    caFile: values['ca-out'] ?? null,
    // The company network: the proxies reach the lab's own servers only; the proxy-* scenarios
    // set what they refuse.
    proxy: {
      http: `http://${lab.proxies.user}@127.0.0.1:${lab.proxies.http.port}`,
      socks5: `socks5://${lab.proxies.user}@127.0.0.1:${lab.proxies.socks.port}`,
      user: lab.proxies.user,
      password: lab.proxies.password,
    },
    google: {
      tokenEndpoint: google.tokenUri,
      domain: google.state.domain,
      serviceAccount: google.state.serviceAccount.clientEmail,
      clientId: google.state.serviceAccount.clientId,
      mailboxes: Object.values(google.state.users).map((u) => u.address),
      imap: `127.0.0.1:${google.mail.ports.imap} (implicit TLS)`,
      pop3: `127.0.0.1:${google.mail.ports.pop3} (implicit TLS)`,
      smtp: `127.0.0.1:${google.mail.ports.smtp} (STARTTLS)`,
      keyFile: keyOut ?? null,
      issuer: google.issuer,
      installedApp: google.state.installedApp,
      users: Object.values(google.state.users).map((u) => ({ address: u.address, password: u.password })),
    },
    hve: {
      smtp: `127.0.0.1:${lab.sending.hve.port} (STARTTLS)`,
      account: lab.state.hve.account,
      password: lab.state.hve.password,
    },
    acs: {
      smtp: `127.0.0.1:${lab.sending.acs.port} (STARTTLS)`,
      resource: lab.state.acs.resource,
      username: acsUsername(lab.state.acs.resource, lab.demo.clientId, lab.state.tenantId),
      sender: lab.state.acs.sender,
    },
  };
  // Listen for the stop signal before saying where we are: whoever reads the endpoints may stop
  // us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (values.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  else
    process.stdout.write(
      [
        `MailProbe lab: a simulated Microsoft 365 tenant, scenario "${scenario}" (Ctrl+C stops it)`,
        '',
        `  Token endpoint   ${info.tokenEndpoint}`,
        `  Tenant           ${info.tenantId} (${info.tenantDomain})`,
        `  Client id        ${info.clientId}`,
        `  Client secret    ${info.clientSecret}   (the lab's own, new at every start)`,
        `  Scope            ${info.scope}`,
        `  Mailboxes        ${info.mailboxes.join(', ')}`,
        `  IMAP             ${info.imap}`,
        `  POP3             ${info.pop3}`,
        `  SMTP             ${info.smtp}`,
        `  Lab CA           ${info.caFile ?? 'not saved: add --ca-out FILE to trust it in another client'}`,
        `  Device sign-in   ${info.deviceLogin}`,
        `  HTTP proxy       ${info.proxy.http}   (password ${info.proxy.password}: put it in a`,
        `  SOCKS5 proxy     ${info.proxy.socks5}    variable for --proxy-password-env)`,
        '',
        ...info.users.map((u) => `user ${u.address} password ${u.password}`),
        '',
        'And a simulated Google Workspace tenant (a service account with domain-wide delegation):',
        '',
        `  Token endpoint   ${info.google.tokenEndpoint}`,
        `  Service account  ${info.google.serviceAccount} (client id ${info.google.clientId})`,
        `  Key file         ${info.google.keyFile ?? 'not saved: add --google-key-out FILE for --google-service-account FILE'}`,
        `  Mailboxes        ${info.google.mailboxes.join(', ')}`,
        `  IMAP             ${info.google.imap}`,
        `  POP3             ${info.google.pop3}`,
        `  SMTP             ${info.google.smtp}`,
        `  Issuer           ${info.google.issuer} (a user's own sign-in: --provider google --browser --issuer ...)`,
        `  Installed app    ${info.google.installedApp.clientId} (secret ${info.google.installedApp.clientSecret})`,
        '',
        ...info.google.users.map((u) => `user ${u.address} password ${u.password}`),
        '',
        "And the tenant's other sending paths (SMTP submission only):",
        '',
        `  HVE SMTP         ${info.hve.smtp}`,
        `  HVE account      ${info.hve.account} (OAuth with the client credentials above: Mail.Send`,
        `                   in the hve-* scenarios; or its password ${info.hve.password})`,
        `  ACS SMTP         ${info.acs.smtp}`,
        `  ACS user name    ${info.acs.username} (password: the client secret)`,
        `  ACS sender       ${info.acs.sender}`,
        '',
        'Point any client at it: get a token with the client credentials above from the token endpoint,',
        'then sign in with SASL XOAUTH2 as one of the mailboxes, trusting the lab CA. A delegated app',
        '(device code) has a person sign in on the device page as one of the users above.',
        '',
      ].join('\n'),
    );
  await stopped;
  await lab.close();
  return EXIT.pass;
}
