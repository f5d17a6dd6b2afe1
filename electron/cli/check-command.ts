// `mailprobe check`: flags -> a validated run input -> the run -> human output or JSON.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { EndpointTarget, MailProtocol, SaslMechanism, SecurityMode } from '../../shared/report/model';
import { MAIL_PROTOCOLS } from '../../shared/report/model';
import { CLOUDS, isCloudId } from '../../shared/config/clouds';
import {
  addressError,
  guidError,
  hostError,
  portError,
  positiveIntError,
  tenantError,
} from '../../shared/config/validate';
import type { RunInput } from '../engine/checks/run';
import type { SaslCredentials } from '../engine/protocols/sasl';
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS, type Timeouts } from '../engine/wire/limits';
import { EXIT, UsageError } from './usage-error';
import { readSecretEnv, readSecretFile } from './secret-input';
import { createProgress, renderReport } from './render';

const OPTIONS = {
  imap: { type: 'boolean' },
  pop3: { type: 'boolean' },
  smtp: { type: 'boolean' },
  mailbox: { type: 'string' },
  cloud: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  'access-token-file': { type: 'string' },
  'access-token-env': { type: 'string' },
  'password-env': { type: 'string' },
  'client-secret-env': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  cert: { type: 'string' },
  key: { type: 'string' },
  authority: { type: 'string' },
  lab: { type: 'boolean' },
  scenario: { type: 'string' },
  profile: { type: 'string' },
  mech: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'min-tls': { type: 'string' },
  family: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'connect-timeout-ms': { type: 'string' },
  'greeting-timeout-ms': { type: 'string' },
  'command-timeout-ms': { type: 'string' },
  'send-to': { type: 'string' },
  from: { type: 'string' },
  roundtrip: { type: 'boolean' },
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

type Values = ReturnType<typeof parseCheckArgs>;

export function parseCheckArgs(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`check: ${message ?? 'bad arguments'}`);
  }
}

function check(error: string | null): void {
  if (error) throw new UsageError(error);
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

async function readCaFiles(files: string[]): Promise<string[]> {
  return Promise.all(
    files.map(async (file) => {
      let pem: string;
      try {
        pem = await readFile(file, 'utf8');
      } catch (error) {
        const code =
          error && typeof error === 'object' && 'code' in error ? String(error.code) : String(error);
        throw new UsageError(`cannot read --ca file ${file} (${code})`);
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----'))
        throw new UsageError(`--ca file ${file} holds no PEM certificate`);
      return pem;
    }),
  );
}

function timeouts(values: Values): Timeouts {
  const read = (flag: keyof Values, fallback: number): number => {
    const raw = values[flag];
    if (typeof raw !== 'string') return fallback;
    check(positiveIntError(raw, `--${flag}`));
    return Number(raw);
  };
  const all = read('timeout-ms', 0);
  return {
    connectMs: read('connect-timeout-ms', all || DEFAULT_TIMEOUTS.connectMs),
    greetingMs: read('greeting-timeout-ms', all || DEFAULT_TIMEOUTS.greetingMs),
    commandMs: read('command-timeout-ms', all || DEFAULT_TIMEOUTS.commandMs),
  };
}

async function credentials(
  values: Values,
  mailbox: string,
): Promise<{ creds: SaslCredentials; source: string; kind: 'access-token' | 'password' }> {
  const given = (['access-token-file', 'access-token-env', 'password-env'] as const).filter(
    (f) => values[f] !== undefined,
  );
  const acquiring = (['client-secret-env', 'client-secret-stdin', 'cert', 'key'] as const).filter(
    (f) => values[f] !== undefined,
  );
  if (acquiring.length > 0)
    throw new UsageError(
      `--${acquiring[0] ?? ''}: acquiring a token from Microsoft Entra ID is not available in this version; pass a token with --access-token-file or --access-token-env`,
    );
  if (given.length === 0)
    throw new UsageError(
      'no credential: give --access-token-file FILE, --access-token-env VAR or --password-env VAR',
    );
  if (given.length > 1)
    throw new UsageError(`give one credential, not ${given.map((g) => `--${g}`).join(' and ')}`);
  const fileName = values['access-token-file'];
  if (fileName !== undefined)
    return {
      creds: { kind: 'token', user: mailbox, token: await readSecretFile(fileName, 'access token') },
      source: `access token from file ${fileName}`,
      kind: 'access-token',
    };
  const tokenEnv = values['access-token-env'];
  if (tokenEnv !== undefined)
    return {
      creds: { kind: 'token', user: mailbox, token: readSecretEnv(tokenEnv, 'access token') },
      source: `access token from $${tokenEnv}`,
      kind: 'access-token',
    };
  const passEnv = values['password-env'] ?? '';
  return {
    creds: { kind: 'password', user: mailbox, password: readSecretEnv(passEnv, 'password') },
    source: `password from $${passEnv}`,
    kind: 'password',
  };
}

export async function buildRunInput(values: Values): Promise<RunInput> {
  if (values.lab || values.scenario !== undefined)
    throw new UsageError(
      '--lab: the built-in simulated tenant is not available in this version; give an explicit target',
    );
  if (values.profile !== undefined)
    throw new UsageError(
      '--profile: saved profiles are not available in this version; give an explicit target',
    );
  if (values.roundtrip) throw new UsageError('--roundtrip is not available in this version');
  if (values.out !== undefined)
    throw new UsageError('--out: the diagnostic bundle is not available in this version');
  if (values.authority !== undefined)
    throw new UsageError('--authority goes with token acquisition, which is not available in this version');

  const mailbox = values.mailbox;
  if (mailbox === undefined)
    throw new UsageError('--mailbox ADDRESS is required (the mailbox to sign in to)');
  check(addressError(mailbox));
  if (values.tenant !== undefined) check(tenantError(values.tenant));
  if (values['client-id'] !== undefined) check(guidError(values['client-id']));
  const cloudName = values.cloud ?? 'global';
  if (!isCloudId(cloudName))
    throw new UsageError(`--cloud must be one of ${Object.keys(CLOUDS).join(', ')}, not "${cloudName}"`);
  const cloud = CLOUDS[cloudName];

  const chosen = MAIL_PROTOCOLS.filter((p) => values[p]);
  const protocols = chosen.length > 0 ? chosen : [...MAIL_PROTOCOLS];
  const endpoints: Partial<Record<MailProtocol, EndpointTarget>> = {};
  for (const p of protocols) {
    const host = values[`${p}-host`] ?? cloud.endpoints[p].host;
    check(hostError(host));
    const portText = values[`${p}-port`];
    if (portText !== undefined) check(portError(portText));
    const security = oneOf(values[`${p}-security`], SECURITY, `--${p}-security`, cloud.endpoints[p].security);
    endpoints[p] = {
      host,
      port: portText !== undefined ? Number(portText) : cloud.endpoints[p].port,
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
  const minTls = oneOf(values['min-tls'], ['1.2', '1.3'] as const, '--min-tls', '1.2');
  const family = oneOf(values.family, ['auto', 'ipv4', 'ipv6'] as const, '--family', 'auto');
  if (values['send-to'] !== undefined) check(addressError(values['send-to']));
  if (values.from !== undefined) check(addressError(values.from));
  if (values['send-to'] !== undefined && !protocols.includes('smtp'))
    throw new UsageError('--send-to needs the smtp check');
  const network = {
    timeouts: timeouts(values),
    tls: {
      extraCaPem: await readCaFiles(values.ca ?? []),
      minVersion: minTls === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    },
    limits: DEFAULT_LIMITS,
    family,
  } as const;
  const { creds, source, kind } = await credentials(values, mailbox);
  if (kind === 'password' && (mechanism === 'xoauth2' || mechanism === 'oauthbearer'))
    throw new UsageError(`--mech ${mechanism} needs an access token, not a password`);
  if (kind === 'access-token' && (mechanism === 'plain' || mechanism === 'login'))
    throw new UsageError(`--mech ${mechanism} needs a password, not an access token`);
  const from = values.from ?? mailbox;
  const sendTo = values['send-to'];
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const token = randomBytes(4).toString('hex').toUpperCase();
  return {
    protocols,
    endpoints,
    credentials: creds,
    credentialSource: source,
    mechanism,
    network: { ...network, tls: { ...network.tls } },
    smtp: {
      from,
      ...(sendTo
        ? {
            message: {
              from,
              to: sendTo,
              subject: `MailProbe test ${stamp}-${token}`,
              text: `This is a test message sent by MailProbe to check that ${from} can send mail.\nToken: ${stamp}-${token}\n`,
            },
          }
        : {}),
    },
    target: {
      mailbox,
      credential: kind,
      mechanism,
      cloud: cloudName,
      ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
      ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
      ...endpoints,
    },
  };
}

export async function checkCommand(args: string[]): Promise<number> {
  const values = parseCheckArgs(args);
  const input = await buildRunInput(values);
  const { runChecks } = await import('../engine/checks/run');
  const progress = values.json ? null : createProgress(process.stderr, input);
  const controller = new AbortController();
  const onSignal = (): void => {
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    const report = await runChecks(input, progress?.events ?? {}, controller.signal);
    progress?.done();
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderReport(report, { color: process.stdout.isTTY }));
    return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
