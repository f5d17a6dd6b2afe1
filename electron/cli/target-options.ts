// The target and credential options shared by `check` and `token`, and how they become a run:
// validated (a one-line reason and exit 2 for anything wrong), secrets read from files, the
// environment or stdin, never from argv. `--lab` starts the simulated tenant in-process.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { FileProblem, readBoundedText } from '../engine/files/bounded-file';
import { readCertificateFile, readPrivateKeyFile, type PemKind } from '../engine/files/pem-files';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  EndpointTarget,
  MailProtocol,
  ReportTarget,
  SaslMechanism,
  SecurityMode,
} from '../../shared/report/model';
import { MAIL_PROTOCOLS } from '../../shared/report/model';
import {
  CLOUDS,
  graphEndpoint,
  GMAIL_ENDPOINTS,
  isCloudId,
  PROVIDERS,
  type Cloud,
  type ProviderId,
} from '../../shared/config/clouds';
import { MAX_KEY_BYTES, readServiceAccountKeyFile } from '../engine/identity/google-key';
import { GMAIL_SCOPE } from '../engine/identity/google-token';
import {
  addressError,
  guidError,
  hostError,
  NOT_THE_CLIENT_ID,
  portError,
  positiveIntError,
  tenantError,
} from '../../shared/config/validate';
import type { RunCredential, RunInput } from '../engine/checks/run';
import { delegatedScope, testMessage } from '../engine/app/targets';
import { roundtripReader } from '../engine/checks/run-plan';
import type { BrowserCredential, ClientCredential, DeviceCodeCredential } from '../engine/identity/acquire';
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, type Timeouts } from '../engine/wire/limits';
import { profileProxyPlan, proxyPlanOf } from './proxy-options';
import { UsageError, argumentsError, optionError } from './usage-error';
import {
  googleUserCredential,
  issuerOf,
  NOT_FOR_OIDC,
  oidcCredential,
  STANDARD_ENDPOINTS,
} from './oidc-options';
import {
  acsCredential,
  SENDING_PATH_PROTOCOLS,
  sendingPathEndpoint,
  sendingServiceOf,
} from './sending-path-options';
import { readSecretEnv, readSecretFile, readSecretStdin, withoutBearer } from './secret-input';

export const OPTIONS = {
  imap: { type: 'boolean' },
  pop3: { type: 'boolean' },
  smtp: { type: 'boolean' },
  graph: { type: 'boolean' },
  mailbox: { type: 'string' },
  cloud: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  authority: { type: 'string' },
  scope: { type: 'string' },
  'exchange-sp-object-id': { type: 'string' },
  'secret-expires': { type: 'string' },
  'smtp-rbac': { type: 'string' },
  'access-token-file': { type: 'string' },
  'access-token-env': { type: 'string' },
  'password-env': { type: 'string' },
  'client-secret-env': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'key-passphrase-env': { type: 'string' },
  'google-service-account': { type: 'string' },
  provider: { type: 'string' },
  issuer: { type: 'string' },
  resource: { type: 'string' },
  hve: { type: 'boolean' },
  'acs-resource': { type: 'string' },
  'acs-username': { type: 'string' },
  lab: { type: 'boolean' },
  'device-code': { type: 'boolean' },
  browser: { type: 'boolean' },
  ropc: { type: 'boolean' },
  scenario: { type: 'string' },
  profile: { type: 'string' },
  mech: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'min-tls': { type: 'string' },
  family: { type: 'string' },
  ipv4: { type: 'boolean' },
  ipv6: { type: 'boolean' },
  proxy: { type: 'string' },
  'no-proxy': { type: 'boolean' },
  'proxy-password-env': { type: 'string' },
  'timeout-ms': { type: 'string' },
  'connect-timeout-ms': { type: 'string' },
  'greeting-timeout-ms': { type: 'string' },
  'command-timeout-ms': { type: 'string' },
  'send-to': { type: 'string' },
  from: { type: 'string' },
  roundtrip: { type: 'boolean' },
  'tls-probe': { type: 'boolean' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'imap-host': { type: 'string' },
  'imap-port': { type: 'string' },
  'imap-security': { type: 'string' },
  'pop3-host': { type: 'string' },
  'pop3-port': { type: 'string' },
  'pop3-security': { type: 'string' },
  'smtp-host': { type: 'string' },
  'smtp-port': { type: 'string' },
  'smtp-security': { type: 'string' },
} as const;

export type Values = ReturnType<typeof parseTargetArgs>;

export function parseTargetArgs(command: string, args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw argumentsError(command, error);
  }
}

/** A value's problem, named by its option: `--imap-port: "abc" is not a port number (1 to 65535)`. */
function check(error: string | null, flag?: string): void {
  if (error) throw flag === undefined ? new UsageError(error) : optionError(flag, error);
}

const MECHANISMS: readonly SaslMechanism[] = ['auto', 'xoauth2', 'oauthbearer', 'plain', 'login'];
const SECURITY: readonly SecurityMode[] = ['tls', 'starttls', 'none'];

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
}

/** A PEM file named on the command line, checked (exit 2 with the reason when it is not usable). */
async function readPemFile(file: string, flag: string, kind: PemKind): Promise<string> {
  try {
    return await (kind === 'certificate' ? readCertificateFile(file) : readPrivateKeyFile(file));
  } catch (error) {
    if (error instanceof FileProblem) throw optionError(flag, `file ${error.message}`);
    throw error;
  }
}

/** `--google-service-account FILE`, checked: a file that is not a service-account key says what it is. */
async function readKeyFile(file: string): Promise<import('../engine/identity/google-key').ServiceAccountKey> {
  try {
    return await readServiceAccountKeyFile(file);
  } catch (error) {
    if (error instanceof FileProblem) throw optionError('--google-service-account', `file ${error.message}`);
    throw error;
  }
}

/**
 * The timeouts the options give (--timeout-ms for all, each one on its own); a bad value goes to
 * `reject` with the option's name as the caller shows it (a flag, or a batch file's column).
 */
export function timeoutsOf(
  values: Values,
  reject: (problem: string | null) => void,
  nameOf: (flag: string) => string = (flag) => `--${flag}`,
): Timeouts {
  const read = (
    flag: 'timeout-ms' | 'connect-timeout-ms' | 'greeting-timeout-ms' | 'command-timeout-ms',
    fallback: number,
  ): number => {
    const raw = values[flag];
    if (raw === undefined) return fallback;
    reject(positiveIntError(raw, nameOf(flag)));
    return Number(raw);
  };
  const all = read('timeout-ms', 0);
  return {
    connectMs: read('connect-timeout-ms', all || DEFAULT_TIMEOUTS.connectMs),
    greetingMs: read('greeting-timeout-ms', all || DEFAULT_TIMEOUTS.greetingMs),
    commandMs: read('command-timeout-ms', all || DEFAULT_TIMEOUTS.commandMs),
  };
}

function timeouts(values: Values): Timeouts {
  return timeoutsOf(values, check);
}

const SECRET_FLAGS = [
  'access-token-file',
  'access-token-env',
  'password-env',
  'client-secret-env',
  'client-secret-stdin',
  'cert',
  'google-service-account',
] as const;

async function clientCredential(values: Values): Promise<ClientCredential> {
  if (values['client-secret-env'] !== undefined)
    return { kind: 'secret', value: readSecretEnv(values['client-secret-env'], 'client secret') };
  if (values['client-secret-stdin']) return { kind: 'secret', value: await readSecretStdin('client secret') };
  const certFile = values.cert ?? '';
  const keyFile = values.key ?? '';
  const certificatePem = await readPemFile(certFile, '--cert', 'certificate');
  const privateKeyPem = await readPemFile(keyFile, '--key', 'private-key');
  const passphraseEnv = values['key-passphrase-env'];
  return {
    kind: 'certificate',
    certificatePem,
    privateKeyPem,
    ...(passphraseEnv !== undefined ? { passphrase: readSecretEnv(passphraseEnv, 'key passphrase') } : {}),
  };
}

/**
 * A person signs in in a browser: the page goes to stderr, and to the desktop's browser when one
 * can be opened (xdg-open, open, start).
 */
function browserCredential(): BrowserCredential {
  return {
    kind: 'browser',
    openBrowser: (url) => {
      process.stderr.write(`Sign in in a browser: open ${url}\n`);
      const opener =
        process.platform === 'darwin'
          ? ['open', [url]]
          : process.platform === 'win32'
            ? ['cmd', ['/c', 'start', '""', url]]
            : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
              ? ['xdg-open', [url]]
              : null;
      if (opener) {
        const [command, args] = opener as [string, string[]];
        const child = spawn(command, args, { detached: true, stdio: 'ignore' });
        child.on('error', () => undefined);
        child.unref();
      }
      return Promise.resolve();
    },
  };
}

/** A person signs in on another device: MSAL's words, the page and the code, go to stderr. */
function deviceCodeCredential(): DeviceCodeCredential {
  return {
    kind: 'device-code',
    onCode: ({ message }) => {
      process.stderr.write(`${message}\n`);
    },
  };
}

async function credential(
  values: Values,
  mailbox: string,
  cloud: Cloud,
): Promise<{ credential: RunCredential; source: string; kind: ReportTarget['credential'] }> {
  const given = SECRET_FLAGS.filter((f) => values[f] !== undefined);
  const keyFile = values['google-service-account'];
  if (keyFile !== undefined) {
    if (given.length !== 1)
      throw new UsageError(
        `give one credential, not ${given.map((g) => `--${g}`).join(' and ')}: --google-service-account signs the mailbox in itself`,
      );
    if (values['device-code'] || values.browser || values.ropc)
      throw new UsageError('--google-service-account does not go with --device-code, --browser or --ropc');
    const key = await readKeyFile(keyFile);
    return {
      credential: {
        kind: 'google-service-account',
        user: mailbox,
        spec: { key, subject: mailbox, scope: values.scope ?? GMAIL_SCOPE },
      },
      source: `service account ${key.clientEmail} (key ${key.privateKeyId}, file ${keyFile}) for ${mailbox}`,
      kind: 'google-service-account',
    };
  }
  if (values.ropc) {
    const passEnv = values['password-env'];
    if (passEnv === undefined || given.length !== 1)
      throw new UsageError(
        "--ropc sends the user's password for a token: give it with --password-env VAR, and no other credential",
      );
    if (values['device-code'] || values.browser)
      throw new UsageError('--ropc does not go with --device-code or --browser');
    if (values.tenant === undefined) throw new UsageError('--ropc needs --tenant ID|DOMAIN');
    if (values['client-id'] === undefined) throw new UsageError('--ropc needs --client-id GUID');
    process.stderr.write(
      "Warning: ROPC sends the user's password to the token endpoint. It is a legacy flow: it fails for users with MFA, security defaults and Conditional Access block it, and Microsoft advises against it; prefer --device-code or --browser.\n",
    );
    return {
      credential: {
        kind: 'client-credentials',
        user: mailbox,
        spec: {
          authorityHost: authorityHost(values, cloud),
          tenant: values.tenant,
          clientId: values['client-id'],
          user: mailbox,
          credential: { kind: 'password-grant', password: readSecretEnv(passEnv, 'password') },
          scope:
            values.scope ?? delegatedScope(`https://${cloud.endpoints.imap.host}`, selectedProtocols(values)),
        },
      },
      source: `a user's password for a token (ROPC) from $${passEnv}`,
      kind: 'ropc',
    };
  }
  if (values['device-code'] || values.browser) {
    const flag = values.browser ? '--browser' : '--device-code';
    if (values['device-code'] && values.browser)
      throw new UsageError('--device-code and --browser are two ways to sign a user in: give one');
    if (given.length > 0)
      throw new UsageError(`${flag} signs a user in: it does not go with --${given[0] ?? ''}`);
    if (values.tenant === undefined) throw new UsageError(`${flag} needs --tenant ID|DOMAIN`);
    if (values['client-id'] === undefined) throw new UsageError(`${flag} needs --client-id GUID`);
    const resource = `https://${cloud.endpoints.imap.host}`;
    return {
      credential: {
        kind: 'client-credentials',
        user: mailbox,
        spec: {
          authorityHost: authorityHost(values, cloud),
          tenant: values.tenant,
          clientId: values['client-id'],
          credential: values.browser ? browserCredential() : deviceCodeCredential(),
          scope: values.scope ?? delegatedScope(resource, selectedProtocols(values)),
        },
      },
      source: `a user's sign-in (${values.browser ? 'browser' : 'device code'}) for app ${values['client-id']}`,
      kind: values.browser ? 'browser' : 'device-code',
    };
  }
  if (given.length === 0)
    throw new UsageError(
      'no credential: give --client-secret-env VAR, --client-secret-stdin, --cert FILE --key FILE, --access-token-file FILE, --access-token-env VAR or --password-env VAR',
    );
  if (given.length > 1)
    throw new UsageError(`give one credential, not ${given.map((g) => `--${g}`).join(' and ')}`);
  if (values.key !== undefined && values.cert === undefined)
    throw new UsageError('--key goes with --cert FILE');
  if (values.cert !== undefined && values.key === undefined)
    throw new UsageError('--cert needs --key FILE (the PEM private key)');
  const tokenFile = values['access-token-file'];
  if (tokenFile !== undefined)
    return {
      credential: {
        kind: 'token',
        user: mailbox,
        token: withoutBearer(await readSecretFile(tokenFile, 'access token')),
      },
      source: `access token from file ${tokenFile}`,
      kind: 'access-token',
    };
  const tokenEnv = values['access-token-env'];
  if (tokenEnv !== undefined)
    return {
      credential: {
        kind: 'token',
        user: mailbox,
        token: withoutBearer(readSecretEnv(tokenEnv, 'access token')),
      },
      source: `access token from $${tokenEnv}`,
      kind: 'access-token',
    };
  const passEnv = values['password-env'];
  if (passEnv !== undefined)
    return {
      credential: { kind: 'password', user: mailbox, password: readSecretEnv(passEnv, 'password') },
      source: `password from $${passEnv}`,
      kind: 'password',
    };
  // Client credentials: we acquire the token ourselves.
  if (values.tenant === undefined) throw new UsageError('acquiring a token needs --tenant ID|DOMAIN');
  if (values['client-id'] === undefined) throw new UsageError('acquiring a token needs --client-id GUID');
  const spec = {
    authorityHost: authorityHost(values, cloud),
    tenant: values.tenant,
    clientId: values['client-id'],
    credential: await clientCredential(values),
    scope: values.scope ?? `https://${cloud.endpoints.imap.host}/.default`,
  };
  const kind = spec.credential.kind === 'secret' ? 'client-secret' : 'certificate';
  return {
    credential: { kind: 'client-credentials', user: mailbox, spec },
    source: `${kind === 'client-secret' ? 'client secret' : 'certificate'} for app ${spec.clientId}`,
    kind,
  };
}

function authorityHost(values: Values, cloud: Cloud): string {
  const custom = values.authority;
  if (custom === undefined) return cloud.authority;
  let url: URL;
  try {
    url = new URL(custom);
  } catch {
    throw optionError('--authority', `"${custom}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError('--authority must be an https:// URL');
  return url.origin;
}

export interface PreparedRun {
  input: RunInput;
  /** Human words for the target ("the lab, scenario healthy"). */
  label: string;
  /** A saved profile's run: kept in its history, like the desktop app's runs. */
  profile?: { id: string; name: string };
  scenario?: string;
  close(): Promise<void>;
}

function network(values: Values, extraCaPem: string[]): RunInput['network'] {
  const minTls = oneOf(values['min-tls'], ['1.2', '1.3'] as const, '--min-tls', '1.2');
  return {
    timeouts: timeouts(values),
    tls: { extraCaPem, minVersion: minTls === '1.3' ? 'TLSv1.3' : 'TLSv1.2' },
    limits: DEFAULT_LIMITS,
    family: familyOf(values),
    proxy: proxyPlanOf(values, process.env, values.lab === true),
  };
}

/** --family auto|ipv4|ipv6, or --ipv4 / --ipv6 for short. */
function familyOf(values: Values): 'auto' | 'ipv4' | 'ipv6' {
  const chosen = [values.ipv4 ? 'ipv4' : null, values.ipv6 ? 'ipv6' : null, values.family ?? null].filter(
    (v): v is string => v !== null,
  );
  if (new Set(chosen).size > 1)
    throw new UsageError('--ipv4, --ipv6 and --family say different things: give one');
  return oneOf(chosen[0], ['auto', 'ipv4', 'ipv6'] as const, '--family', 'auto');
}

/** The mail checks asked for: those named, else all three, or none when only --graph is. */
function selectedProtocols(values: Values): MailProtocol[] {
  const chosen = MAIL_PROTOCOLS.filter((p) => values[p]);
  if (chosen.length > 0) return chosen;
  return values.graph ? [] : [...MAIL_PROTOCOLS];
}

/** `--out FILE.zip`: checked before anything runs, so a long run does not end in a lost bundle. */
async function checkOut(values: Values): Promise<void> {
  const out = values.out;
  if (out === undefined) return;
  if (!/\.zip$/i.test(out)) throw new UsageError(`--out must name a .zip file, not "${out}"`);
  const folder = dirname(resolve(out));
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`--out: the folder ${folder} does not exist`);
  const existing = await stat(out).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`--out: ${out} is a folder`);
}

/** `--lab [--scenario X]`: the simulated tenant, started here, as the target. */
async function prepareLab(values: Values): Promise<PreparedRun> {
  const { isScenarioId, SCENARIOS } = await import('../lab/state');
  const scenario = values.scenario ?? 'healthy';
  if (!isScenarioId(scenario))
    throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, not "${scenario}"`);
  const explicit = [
    'mailbox',
    'tenant',
    'client-id',
    'authority',
    'cloud',
    'scope',
    'exchange-sp-object-id',
    'smtp-rbac',
    'hve',
    'acs-resource',
    'acs-username',
    'issuer',
    'resource',
    ...SECRET_FLAGS,
    'key',
    'imap-host',
    'imap-port',
    'imap-security',
    'pop3-host',
    'pop3-port',
    'pop3-security',
    'smtp-host',
    'smtp-port',
    'smtp-security',
  ] as const;
  const clash = explicit.find((f) => values[f] !== undefined);
  if (clash) throw new UsageError(`--lab sets the target itself; --${clash} does not go with it`);
  if (values['send-to'] !== undefined) check(addressError(values['send-to']), '--send-to');
  if (values.from !== undefined) check(addressError(values.from), '--from');
  const extraCa = await Promise.all((values.ca ?? []).map((f) => readPemFile(f, '--ca', 'certificate')));
  const mechanism = oneOf(values.mech, MECHANISMS, '--mech', 'auto');
  const net = network(values, extraCa);
  const { startLab } = await import('../lab/lab');
  const { labRunInput } = await import('../compose/lab-targets');
  const lab = await startLab(scenario);
  try {
    if (lab.client.service && (values.imap || values.pop3))
      throw new UsageError(
        `scenario ${scenario} checks ${lab.client.service.kind === 'hve' ? 'High Volume Email' : 'ACS'} SMTP submission only: leave out --imap and --pop3`,
      );
    const delegated = values['device-code'] === true || lab.client.delegated;
    // Whoever signs in on the lab's page needs a demo user: fresh passwords, this lab's only.
    if (delegated)
      process.stderr.write(
        `The lab's demo users (sign in as one of them):\n${lab.state.users.map((u) => `user ${u.address} password ${u.password}`).join('\n')}\n`,
      );
    // A Graph scenario checks Graph unless mail checks are named.
    const graph = values.graph === true || (lab.client.graph && !MAIL_PROTOCOLS.some((p) => values[p]));
    const input = labRunInput(lab, {
      protocols: lab.client.graph && !MAIL_PROTOCOLS.some((p) => values[p]) ? [] : selectedProtocols(values),
      graph,
      ...(delegated ? { deviceCode: deviceCodeCredential() } : {}),
      mechanism,
      network: net,
      sendTo: values['send-to'],
      from: values.from,
    });
    return { input, label: `the lab (scenario ${scenario})`, scenario, close: () => lab.close() };
  } catch (error) {
    await lab.close();
    throw error;
  }
}

export async function prepareRun(values: Values): Promise<PreparedRun> {
  const prepared = await prepareTarget(values);
  if (values.roundtrip) {
    const { input } = prepared;
    const problem = !input.smtp?.message
      ? '--roundtrip needs a test message: add --send-to ADDRESS'
      : !roundtripReader(input.protocols)
        ? '--roundtrip reads the message back over IMAP (or POP3): run the smtp check with imap or pop3'
        : null;
    if (problem) {
      // The lab may already be running: stop it, or the process would not end.
      await prepared.close();
      throw new UsageError(problem);
    }
    // Delivery inside Exchange Online usually takes seconds, at times a minute.
    input.roundtrip = { budgetMs: Math.max(input.network.timeouts.commandMs, 60_000) };
  }
  if (values['tls-probe']) prepared.input.tlsProbe = true;
  const expires = values['secret-expires'];
  if (expires !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires))) {
      await prepared.close();
      throw optionError('--secret-expires', `"${expires}" is not a date as YYYY-MM-DD`);
    }
    prepared.input.target.secretExpiresAt = expires;
  }
  if (values.graph && !prepared.input.graph) {
    const cloud = prepared.input.target.cloud ?? 'global';
    if (prepared.input.target.provider || prepared.input.target.service || !isCloudId(cloud)) {
      await prepared.close();
      throw new UsageError("--graph checks Microsoft Graph: it goes with a Microsoft 365 tenant's target");
    }
    prepared.input.graph = { endpoint: graphEndpoint(cloud), resource: CLOUDS[cloud].graph.resource };
  }
  return prepared;
}

async function prepareTarget(values: Values): Promise<PreparedRun> {
  await checkOut(values);
  if (values.lab) return prepareLab(values);
  if (values.profile !== undefined) return prepareProfile(values, values.profile);
  if (values.scenario !== undefined) throw new UsageError('--scenario goes with --lab');

  const mailbox = values.mailbox;
  if (mailbox === undefined)
    throw new UsageError('--mailbox ADDRESS is required (the mailbox to sign in to), or use --lab');
  check(addressError(mailbox), '--mailbox');
  const service = sendingServiceOf(values);
  const provider = providerOf(values);
  if (values.tenant !== undefined) check(tenantError(values.tenant), '--tenant');
  // Another provider's client id is whatever it registered; Microsoft's is a GUID.
  if (values['client-id'] !== undefined && provider === 'microsoft')
    check(guidError(values['client-id']), '--client-id');
  if (values.scope !== undefined && provider !== 'oidc' && !/^\S+$/.test(values.scope))
    throw new UsageError('--scope is one scope, such as https://outlook.office365.com/.default');
  const cloudName = values.cloud ?? 'global';
  if (!isCloudId(cloudName))
    throw new UsageError(`--cloud must be one of ${Object.keys(CLOUDS).join(', ')}, not "${cloudName}"`);
  const cloud = CLOUDS[cloudName];
  const defaults: Record<MailProtocol, EndpointTarget> | null =
    provider === 'google'
      ? GMAIL_ENDPOINTS
      : provider === 'oidc'
        ? null
        : service
          ? { ...cloud.endpoints, smtp: sendingPathEndpoint(service) }
          : cloud.endpoints;

  const protocols = service ? SENDING_PATH_PROTOCOLS : selectedProtocols(values);
  const endpoints: Partial<Record<MailProtocol, EndpointTarget>> = {};
  for (const p of protocols) {
    const host = values[`${p}-host`] ?? defaults?.[p].host;
    if (host === undefined)
      throw new UsageError(
        `--provider oidc has no mail hosts of its own: give --${p}-host HOST for each protocol checked (pick them with --imap, --pop3, --smtp)`,
      );
    check(hostError(host), `--${p}-host`);
    const portText = values[`${p}-port`];
    if (portText !== undefined) check(portError(portText), `--${p}-port`);
    const standard = defaults?.[p] ?? STANDARD_ENDPOINTS[p];
    const security = oneOf(values[`${p}-security`], SECURITY, `--${p}-security`, standard.security);
    endpoints[p] = {
      host,
      port: portText !== undefined ? Number(portText) : standard.port,
      security,
    };
  }
  for (const p of MAIL_PROTOCOLS) {
    const given = [values[`${p}-host`], values[`${p}-port`], values[`${p}-security`]];
    if (!protocols.includes(p) && given.some((v) => v !== undefined))
      throw new UsageError(
        `--${p}-host/port/security given, but the ${p} check is not selected (add --${p})`,
      );
  }
  const mechanism = oneOf(values.mech, MECHANISMS, '--mech', 'auto');
  if (values['send-to'] !== undefined) check(addressError(values['send-to']), '--send-to');
  if (values.from !== undefined) check(addressError(values.from), '--from');
  if (values['send-to'] !== undefined && !protocols.includes('smtp') && !values.graph)
    throw new UsageError('--send-to needs the smtp check (or --graph, which sends with sendMail)');
  const extraCa = await Promise.all((values.ca ?? []).map((f) => readPemFile(f, '--ca', 'certificate')));
  const net = network(values, extraCa);
  const registration = exchangeRegistration(values, values['client-id']);
  const otherSecret = SECRET_FLAGS.find(
    (f) => values[f] !== undefined && f !== 'client-secret-env' && f !== 'client-secret-stdin',
  );
  if (service === 'acs' && (otherSecret || values['device-code'] || values.browser || values.ropc))
    throw new UsageError(
      `ACS SMTP signs in with the app's client secret: --${otherSecret ?? (values['device-code'] ? 'device-code' : values.browser ? 'browser' : 'ropc')} does not go with it`,
    );
  const acs = service === 'acs' ? await acsCredential(values) : null;
  const {
    credential: cred,
    source,
    kind,
  } = acs
    ? { credential: acs.credential, source: acs.source, kind: 'client-secret' as const }
    : provider === 'oidc'
      ? await oidcCredential(values, mailbox, {
          deviceCode: deviceCodeCredential,
          browser: browserCredential,
        })
      : provider === 'google' && values.browser
        ? await googleUserCredential(values, mailbox, browserCredential())
        : await credential(values, mailbox, cloud);
  const secretAsPassword = kind === 'password' || acs !== null;
  if (secretAsPassword && (mechanism === 'xoauth2' || mechanism === 'oauthbearer'))
    throw new UsageError(`--mech ${mechanism} needs an access token, not a password`);
  if (!secretAsPassword && (mechanism === 'plain' || mechanism === 'login'))
    throw new UsageError(`--mech ${mechanism} needs a password, not an access token`);
  const from = values.from ?? mailbox;
  const sendTo = values['send-to'];
  return {
    input: {
      protocols,
      endpoints,
      credentials: cred,
      credentialSource: source,
      mechanism,
      network: net,
      smtp: {
        from,
        ...(sendTo ? { message: testMessage(from, sendTo) } : {}),
        // ACS signs in with a user name that is no address: the probe's RCPT TO is the sender.
        ...(acs ? { probeRecipient: mailbox } : {}),
      },
      target: {
        mailbox,
        credential: kind,
        mechanism,
        ...(provider === 'google' || provider === 'oidc' ? { provider } : { cloud: cloudName }),
        ...(provider === 'oidc' ? { issuer: issuerOf(values) } : {}),
        ...(service ? { service } : {}),
        ...(acs ? { smtpUser: acs.username } : {}),
        ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
        ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
        ...registration,
        ...endpoints,
      },
    },
    label: mailbox,
    close: () => Promise.resolve(),
  };
}

/**
 * `--provider microsoft|google`, or what the credential implies. Google has no tenant, client id
 * or cloud on the command line: the service-account key names them.
 */
function providerOf(values: Values): ProviderId {
  const named = values.provider;
  if (named === 'oidc' || (named === undefined && values.issuer !== undefined)) {
    const clash = NOT_FOR_OIDC.find((f) => values[f] !== undefined);
    if (clash) throw new UsageError(`--${clash} does not go with --provider oidc`);
    issuerOf(values);
    return 'oidc';
  }
  // A user's own Google sign-in may name another issuer playing accounts.google.com (the lab's).
  const googleUser = named === 'google' && values.browser === true;
  if (values.resource !== undefined || (values.issuer !== undefined && !googleUser))
    throw new UsageError('--issuer and --resource go with --provider oidc');
  const provider = oneOf(
    named,
    PROVIDERS,
    '--provider',
    values['google-service-account'] ? 'google' : 'microsoft',
  );
  if (provider === 'microsoft' && values['google-service-account'] !== undefined)
    throw new UsageError('--google-service-account goes with --provider google');
  if (provider === 'google') {
    // A user's own sign-in (--browser) names the installed app's OAuth client and its secret.
    const microsoftOnly: Array<keyof Values> = [
      'tenant',
      'cloud',
      'authority',
      'exchange-sp-object-id',
      'smtp-rbac',
      'cert',
      'device-code',
      'ropc',
      ...(googleUser ? [] : (['client-id', 'client-secret-env', 'client-secret-stdin', 'browser'] as const)),
    ];
    const clash = microsoftOnly.find((f) => values[f] !== undefined);
    if (clash) throw new UsageError(`--${clash} is for Microsoft 365; it does not go with --provider google`);
  }
  return provider;
}

const SMTP_RBAC = ['in-scope', 'out-of-scope', 'none'] as const;

/**
 * `--exchange-sp-object-id GUID|none`: what Exchange has registered for the app, when known;
 * `--smtp-rbac in-scope|out-of-scope|none`: what Test-ServicePrincipalAuthorization reports for
 * the mailbox about "Application SMTP.SendAsApp" (RBAC for Applications), when someone asked.
 */
function exchangeRegistration(
  values: Values,
  clientId: string | undefined,
): Pick<ReportTarget, 'exchangeServicePrincipal'> {
  const given = values['exchange-sp-object-id'];
  const rbac = values['smtp-rbac'];
  if (rbac !== undefined && !(SMTP_RBAC as readonly string[]).includes(rbac))
    throw new UsageError(
      `--smtp-rbac: one of ${SMTP_RBAC.join(', ')} (as Test-ServicePrincipalAuthorization reports it)`,
    );
  const smtpRbac = rbac as (typeof SMTP_RBAC)[number] | undefined;
  const withRbac = smtpRbac ? { smtpRbac } : {};
  if (given === undefined)
    return smtpRbac ? { exchangeServicePrincipal: { source: 'cli', ...withRbac } } : {};
  if (given.toLowerCase() === 'none')
    return { exchangeServicePrincipal: { objectId: null, source: 'cli', ...withRbac } };
  const problem = guidError(given);
  if (problem) throw optionError('--exchange-sp-object-id', problem);
  if (clientId !== undefined && given.toLowerCase() === clientId.toLowerCase())
    throw new UsageError(`--exchange-sp-object-id: ${NOT_THE_CLIENT_ID}`);
  return { exchangeServicePrincipal: { objectId: given.toLowerCase(), source: 'cli', ...withRbac } };
}

/** The one secret a profile needs, when given on the command line (it then wins over the vault). */
async function secretFromFlags(values: Values): Promise<string | null> {
  if (values['client-secret-env'] !== undefined)
    return readSecretEnv(values['client-secret-env'], 'client secret');
  if (values['client-secret-stdin']) return readSecretStdin('client secret');
  if (values['password-env'] !== undefined) return readSecretEnv(values['password-env'], 'password');
  if (values['access-token-env'] !== undefined)
    return withoutBearer(readSecretEnv(values['access-token-env'], 'access token'));
  if (values['access-token-file'] !== undefined)
    return withoutBearer(await readSecretFile(values['access-token-file'], 'access token'));
  // A Google profile's secret is its service account's key.
  const keyFile = values['google-service-account'];
  if (keyFile !== undefined) {
    await readKeyFile(keyFile);
    return JSON.stringify(JSON.parse(await readBoundedText(keyFile, MAX_KEY_BYTES)));
  }
  // A certificate profile's secret is its key's passphrase.
  if (values['key-passphrase-env'] !== undefined)
    return readSecretEnv(values['key-passphrase-env'], 'key passphrase');
  return null;
}

/** `--profile NAME`: a saved profile (shared with the desktop app), its secret from the keychain. */
async function prepareProfile(values: Values, name: string): Promise<PreparedRun> {
  const fixed = ['mailbox', 'tenant', 'client-id', 'authority', 'cloud', 'scope', 'cert', 'key'] as const;
  const clash = fixed.find((f) => values[f] !== undefined);
  if (clash)
    throw new UsageError(
      `--profile sets the target itself; --${clash} does not go with it (edit the profile instead)`,
    );
  const { openProfileStore, findProfile } = await import('./profile-store');
  const { store, dir } = await openProfileStore();
  const profile = await findProfile(store, name, '--profile');
  const secret = (await secretFromFlags(values)) ?? (await store.secretOf(profile.id));
  const personSignsIn = profile.credential === 'oidc' ? profile.oidcFlow !== 'client-credentials' : false;
  if (
    secret === null &&
    !personSignsIn &&
    !['certificate', 'device-code', 'browser'].includes(profile.credential)
  )
    throw new UsageError(
      `profile "${profile.name}" has no stored secret (no keychain, or never saved): give it with --client-secret-env, --password-env or --access-token-env`,
    );
  // A saved profile runs as the app runs it: the app's extra CA files (Settings) are trusted too,
  // for the token endpoint and the mail servers alike, beside any --ca.
  const { SettingsStore } = await import('../engine/store/settings');
  // A --ca that cannot be read is the user's mistake now (exit 2); a Settings file that cannot is
  // a finding of the run, which goes on with the system's CAs, as in the app.
  const settingsCa = (await SettingsStore.open(dir)).get().extraCaFiles;
  const unreadableCaFiles: import('../../shared/report/model').UnreadableCaFile[] = [];
  const fromSettings = await Promise.all(
    settingsCa.map((path) =>
      readCertificateFile(path).catch((error: unknown) => {
        if (!(error instanceof FileProblem)) throw error;
        unreadableCaFiles.push({ source: 'Settings, extra CA files', path, problem: error.problem });
        return null;
      }),
    ),
  );
  const extraCa = [
    ...(await Promise.all((values.ca ?? []).map((f) => readPemFile(f, '--ca', 'certificate')))),
    ...fromSettings.filter((pem): pem is string => pem !== null),
  ];
  if (values['send-to'] !== undefined) check(addressError(values['send-to']), '--send-to');
  if (values.from !== undefined) check(addressError(values.from), '--from');
  const { profileRunInput } = await import('../engine/app/targets');
  const protocols = selectedProtocols(values);
  const kept = await store.loadKeptSignIn(profile);
  const sendTo = values['send-to'];
  const net = network(values, extraCa);
  // The profile's own proxy, unless the command line says otherwise (--proxy, --no-proxy).
  if (profile.proxy && values.proxy === undefined && !values['no-proxy'])
    net.proxy = profileProxyPlan(profile, await store.proxyPasswordOf(profile.id));
  const input = await profileRunInput(profile, secret, {
    // A kept sign-in (the user asked for it; keychain only) is tried before anyone is asked.
    deviceCode: { ...deviceCodeCredential(), ...(kept ? { kept } : {}) },
    browser: { ...browserCredential(), ...(kept ? { kept } : {}) },
    protocols,
    network: net,
    sendTest: sendTo
      ? { from: values.from ?? profile.testMessage.from ?? profile.mailbox, to: sendTo }
      : undefined,
  });
  // Given on the command line, it wins over what the profile records.
  Object.assign(input.target, exchangeRegistration(values, profile.clientId));
  if (unreadableCaFiles.length) input.target.unreadableCaFiles = unreadableCaFiles;
  return {
    input,
    label: `profile "${profile.name}"`,
    profile: { id: profile.id, name: profile.name },
    close: () => Promise.resolve(),
  };
}
