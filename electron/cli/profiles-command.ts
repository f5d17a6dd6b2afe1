// `mailprobe profiles list|show|add|remove|import|export`: the profiles the desktop app uses, from
// the same data folder (MAILPROBE_DATA_DIR overrides it), secrets in the same keychain.
import { writeFile } from 'node:fs/promises';
import { FileProblem, readBoundedText } from '../engine/files/bounded-file';
import { ChosenFileError, checkChosenFiles, importedFiles, profileFiles } from '../engine/files/chosen-files';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CredentialKind, ProfileProxy } from '../../shared/api/contract';
import { parseProxyUrl } from '../../shared/config/proxy';
import { REQUEST_SCHEMAS } from '../../shared/api/schemas';
import { firstProblem, PROFILE_OPTION_WORDS } from '../../shared/config/messages';
import { hostError, portError } from '../../shared/config/validate';
import { CLOUDS, GMAIL_ENDPOINTS, isCloudId } from '../../shared/config/clouds';
import {
  MAX_KEY_BYTES,
  readServiceAccountKeyFile,
  type ServiceAccountKey,
} from '../engine/identity/google-key';
import { MAIL_PROTOCOLS, type SecurityMode } from '../../shared/report/model';
import { EXIT, UsageError, argumentsError, optionError } from './usage-error';
import { readSecretEnv, readSecretStdin, readStdinText, withoutBearer } from './secret-input';
import { findProfile, openProfileStore } from './profile-store';
import { printable } from './render';
import { sendingPathEndpoint } from './sending-path-options';

const USAGE =
  'profiles list|show NAME|add --name NAME ...|remove NAME|forget NAME|import FILE|-|export [NAME...] [--out FILE]';

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse<T extends Options>(args: string[], options: T, command = 'profiles') {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw argumentsError(command, error);
  }
}

export async function profilesCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'list':
      return list(rest);
    case 'show':
      return show(rest);
    case 'add':
      return add(rest);
    case 'remove':
      return remove(rest);
    case 'forget':
      return forget(rest);
    case 'import':
      return importProfiles(rest);
    case 'export':
      return exportProfiles(rest);
    default:
      throw new UsageError(`usage: mailprobe ${USAGE}`);
  }
}

async function list(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } }, 'profiles list');
  const { store, vault, dir } = await openProfileStore();
  const profiles = await store.list();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(profiles, null, 2)}\n`);
    return EXIT.pass;
  }
  if (profiles.length === 0)
    process.stdout.write(`No saved profiles in ${dir} (mailprobe profiles add, or the desktop app).\n`);
  for (const p of profiles)
    process.stdout.write(
      `${printable(p.name).padEnd(28)} ${p.mailbox.padEnd(32)} ${p.cloud.padEnd(9)} ${p.credential.padEnd(14)} ${p.hasSecret ? 'secret stored' : 'no secret'}  ${p.id}\n`,
    );
  // Entries that did not pass the schema: kept in the file, listed with why.
  for (const q of await store.quarantined())
    process.stdout.write(`set aside (not loaded): ${printable(q.reason)}\n`);
  if (vault.status.kind === 'session')
    process.stderr.write(`mailprobe: ${vault.status.reason ?? 'no keychain'}\n`);
  return EXIT.pass;
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 'profiles show');
  const name = positionals[0];
  if (!name) throw new UsageError('profiles show NAME');
  const { store } = await openProfileStore();
  const profile = await findProfile(store, name);
  if (values.json) process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
  else
    for (const [key, value] of Object.entries(profile))
      process.stdout.write(
        `${key.padEnd(16)} ${printable(typeof value === 'string' ? value : JSON.stringify(value))}\n`,
      );
  return EXIT.pass;
}

const ADD_OPTIONS = {
  name: { type: 'string' },
  cloud: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  mailbox: { type: 'string' },
  authority: { type: 'string' },
  scope: { type: 'string' },
  'exchange-sp-object-id': { type: 'string' },
  'secret-expires': { type: 'string' },
  mech: { type: 'string' },
  credential: { type: 'string' },
  'client-secret-env': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  'password-env': { type: 'string' },
  'access-token-env': { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'key-passphrase-env': { type: 'string' },
  'google-service-account': { type: 'string' },
  hve: { type: 'boolean' },
  'acs-resource': { type: 'string' },
  issuer: { type: 'string' },
  resource: { type: 'string' },
  'keep-sign-in': { type: 'boolean' },
  proxy: { type: 'string' },
  'proxy-password-env': { type: 'string' },
  'no-proxy': { type: 'boolean' },
  from: { type: 'string' },
  'send-to': { type: 'string' },
  ...Object.fromEntries(
    MAIL_PROTOCOLS.flatMap((p) => [
      [`${p}-host`, { type: 'string' }],
      [`${p}-port`, { type: 'string' }],
      [`${p}-security`, { type: 'string' }],
    ]),
  ),
} as const;

function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

async function add(args: string[]): Promise<number> {
  const { values } = parse(args, ADD_OPTIONS, 'profiles add');
  const str = (k: string): string | undefined => {
    const v = (values as Record<string, unknown>)[k];
    return typeof v === 'string' ? v : undefined;
  };
  const cloudName = str('cloud') ?? 'global';
  if (!isCloudId(cloudName))
    throw optionError(
      '--cloud',
      `"${cloudName}" is not a cloud MailProbe knows (${Object.keys(CLOUDS).join(', ')})`,
    );
  const cloud = CLOUDS[cloudName];
  let credential: CredentialKind;
  let secret: string | undefined;
  let google: ServiceAccountKey | null = null;
  const keyFile = str('google-service-account');
  if (keyFile) {
    // The key is checked now and kept as one line of JSON, in the keychain only.
    try {
      google = await readServiceAccountKeyFile(keyFile);
    } catch (error) {
      if (error instanceof FileProblem)
        throw optionError('--google-service-account', `file ${error.message}`);
      throw error;
    }
    credential = 'google-service-account';
    secret = JSON.stringify(JSON.parse(await readBoundedText(keyFile, MAX_KEY_BYTES)));
  } else if (str('client-secret-env'))
    [credential, secret] = ['client-secret', readSecretEnv(str('client-secret-env') ?? '', 'client secret')];
  else if (values['client-secret-stdin'])
    [credential, secret] = ['client-secret', await readSecretStdin('client secret')];
  else if (str('password-env'))
    [credential, secret] = ['password', readSecretEnv(str('password-env') ?? '', 'password')];
  else if (str('access-token-env'))
    [credential, secret] = [
      'access-token',
      withoutBearer(readSecretEnv(str('access-token-env') ?? '', 'access token')),
    ];
  else if (str('cert'))
    [credential, secret] = [
      'certificate',
      str('key-passphrase-env')
        ? readSecretEnv(str('key-passphrase-env') ?? '', 'key passphrase')
        : undefined,
    ];
  else {
    const kind = str('credential') ?? 'client-secret';
    if (
      !['client-secret', 'certificate', 'password', 'access-token', 'device-code', 'browser'].includes(kind)
    )
      throw new UsageError(
        '--credential must be client-secret, certificate, password, access-token, device-code or browser (the last two: a user signs in when the check runs)',
      );
    credential = kind as CredentialKind;
  }
  // HVE and ACS: the app's client secret, SMTP only, on the service's own host.
  const acsResource = str('acs-resource');
  const service = values.hve ? 'hve' : acsResource !== undefined ? 'acs' : null;
  if (service) {
    if (values.hve && acsResource !== undefined)
      throw new UsageError('profiles add: --hve and --acs-resource are two sending paths: give one');
    if (credential !== 'client-secret')
      throw new UsageError(
        `profiles add: ${service === 'hve' ? '--hve' : '--acs-resource'} takes the app's client secret (--client-secret-env VAR or --client-secret-stdin)`,
      );
    credential = service;
  }
  // Another OpenID provider: the app's secret (client credentials) or a person's sign-in.
  const issuer = str('issuer');
  let oidcFlow: 'client-credentials' | 'device-code' | 'browser' | null = null;
  if (issuer !== undefined) {
    if (service || google)
      throw new UsageError('profiles add: --issuer is for another OpenID provider, not HVE, ACS or Google');
    if (credential === 'client-secret' && secret !== undefined) oidcFlow = 'client-credentials';
    else if (credential === 'device-code' || credential === 'browser') oidcFlow = credential;
    else
      throw new UsageError(
        'profiles add: --issuer takes --client-secret-env VAR (client credentials) or --credential device-code|browser',
      );
    credential = 'oidc';
    const missing = MAIL_PROTOCOLS.find((p) => str(`${p}-host`) === undefined);
    if (missing)
      throw new UsageError(
        `profiles add: an OpenID profile's mail servers are the customer's own: give --${missing}-host (and --imap-host, --pop3-host, --smtp-host for the others)`,
      );
  }
  const defaults = google
    ? GMAIL_ENDPOINTS
    : service
      ? { ...cloud.endpoints, smtp: sendingPathEndpoint(service) }
      : cloud.endpoints;
  for (const p of MAIL_PROTOCOLS) {
    const host = str(`${p}-host`);
    const port = str(`${p}-port`);
    const security = str(`${p}-security`);
    const hostProblem = host === undefined ? null : hostError(host);
    if (hostProblem) throw optionError(`--${p}-host`, hostProblem);
    const portProblem = port === undefined ? null : portError(port);
    if (portProblem) throw optionError(`--${p}-port`, portProblem);
    if (security !== undefined && !['tls', 'starttls', 'none'].includes(security))
      throw optionError(`--${p}-security`, `"${security}" is not a security mode`);
  }
  const endpoint = (p: (typeof MAIL_PROTOCOLS)[number]) => ({
    host: str(`${p}-host`) ?? defaults[p].host,
    port: str(`${p}-port`) ? Number(str(`${p}-port`)) : defaults[p].port,
    security: (str(`${p}-security`) ?? defaults[p].security) as SecurityMode,
  });
  const input = {
    name: str('name'),
    cloud: cloudName,
    // Google: the Workspace domain is the mailbox's, the client id the key's; an OpenID
    // provider's issuer host stands in for a tenant.
    tenant:
      str('tenant') ??
      (google ? str('mailbox')?.split('@')[1] : issuer !== undefined ? hostOfUrl(issuer) : undefined),
    clientId: str('client-id') ?? google?.clientId,
    mailbox: str('mailbox'),
    credential,
    ...(str('cert')
      ? { certificatePath: resolve(str('cert') ?? ''), keyPath: resolve(str('key') ?? '') }
      : {}),
    ...(str('authority') ? { authority: str('authority') } : {}),
    ...(str('scope') ? { scope: str('scope') } : {}),
    ...exchangeIdOf(str('exchange-sp-object-id')),
    ...(str('secret-expires') ? { secretExpiresAt: str('secret-expires') } : {}),
    ...(acsResource !== undefined ? { acsResource } : {}),
    ...(issuer !== undefined && oidcFlow
      ? {
          issuer,
          oidcFlow,
          ...(str('resource') ? { resource: str('resource') } : {}),
        }
      : {}),
    ...(values['keep-sign-in'] ? { keepSignIn: true } : {}),
    ...profileProxyOf(values),
    mechanism: str('mech') ?? 'auto',
    imap: endpoint('imap'),
    pop3: endpoint('pop3'),
    smtp: endpoint('smtp'),
    testMessage: {
      ...(str('from') ? { from: str('from') } : {}),
      ...(str('send-to') ? { to: str('send-to') } : {}),
    },
    ...(secret !== undefined ? { secret } : {}),
  };
  const parsed = REQUEST_SCHEMAS['profiles:save'].safeParse(input);
  if (!parsed.success)
    throw new UsageError(firstProblem(parsed.error.issues, input, PROFILE_OPTION_WORDS, 'profiles add'));
  try {
    await checkChosenFiles(profileFiles(parsed.data));
  } catch (error) {
    if (error instanceof ChosenFileError)
      throw new UsageError(
        `profiles add: --${error.file.field === 'keyPath' ? 'key' : 'cert'} file ${error.file.path} ${error.problem}`,
      );
    throw error;
  }
  const { store, vault } = await openProfileStore();
  const saved = await store.save(parsed.data);
  process.stdout.write(`Saved profile "${saved.name}" (${saved.id})\n`);
  if (secret !== undefined && vault.status.kind === 'session')
    process.stderr.write(
      `mailprobe: ${vault.status.reason ?? ''}; give the secret again with check --profile\n`,
    );
  return EXIT.pass;
}

async function remove(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 'profiles remove');
  const name = positionals[0];
  if (!name) throw new UsageError('profiles remove NAME');
  const { store } = await openProfileStore();
  const profile = await findProfile(store, name);
  await store.remove(profile.id);
  const [{ RunHistory }, { dataDir }] = await Promise.all([
    import('../engine/store/run-history'),
    import('../engine/app/data-dir'),
  ]);
  await RunHistory.at(dataDir()).removeProfile(profile.id);
  process.stdout.write(`Removed profile "${profile.name}", its stored secret and its run history\n`);
  return EXIT.pass;
}

/** `profiles forget NAME`: the kept sign-in (refresh token) leaves the keychain; the profile stays. */
async function forget(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 'profiles forget');
  const name = positionals[0];
  if (!name) throw new UsageError('profiles forget NAME');
  const { store } = await openProfileStore();
  const profile = await findProfile(store, name);
  const had = profile.keptSignIn === true;
  await store.forgetSignIn(profile.id);
  process.stdout.write(
    had
      ? `Forgot the kept sign-in of "${profile.name}": the next run asks the user to sign in\n`
      : `"${profile.name}" kept no sign-in; nothing to forget\n`,
  );
  return EXIT.pass;
}

/** The same bound as the app's import: a profiles export of a thousand profiles is far smaller. */
const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

async function importProfiles(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 'profiles import');
  const source = positionals[0];
  if (!source) throw new UsageError('profiles import FILE|-');
  const json =
    source === '-'
      ? await readStdinText('profiles JSON', MAX_IMPORT_BYTES)
      : await readBoundedText(source, MAX_IMPORT_BYTES).catch((error: unknown) => {
          throw error instanceof FileProblem ? new UsageError(`profiles import: ${error.message}`) : error;
        });
  const { store } = await openProfileStore();
  try {
    // The files the imported profiles name, shown before any run reads them.
    const named = (await importedFiles(store.parseImport(json))).profiles.filter((p) => p.files.length > 0);
    const added = await store.import(json);
    process.stdout.write(
      `Imported ${added.length} profile(s): ${added.map((p) => p.name).join(', ')} (secrets are never exported: add them again)\n`,
    );
    if (named.length > 0) {
      process.stdout.write('Files these profiles name (read when a run of the profile starts):\n');
      for (const p of named)
        for (const f of p.files)
          process.stdout.write(`  ${p.name}: ${f.label} ${f.path}${f.problem ? ` (${f.problem})` : ''}\n`);
    }
  } catch (error) {
    throw new UsageError(`profiles import: ${error instanceof Error ? error.message : String(error)}`);
  }
  return EXIT.pass;
}

async function exportProfiles(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' } }, 'profiles export');
  const { store } = await openProfileStore();
  const ids = await Promise.all(positionals.map(async (n) => (await findProfile(store, n)).id));
  const json = `${store.export(ids)}\n`;
  if (values.out) await writeFile(values.out, json, { mode: 0o600 });
  else process.stdout.write(json);
  return EXIT.pass;
}

/** A profile records the ObjectId Exchange has; "none" is for one run (check), not for keeps. */
function exchangeIdOf(value: string | undefined): { exchangeServicePrincipalId?: string } {
  if (value === undefined) return {};
  if (value.toLowerCase() === 'none')
    throw new UsageError(
      'profiles add: --exchange-sp-object-id: a profile keeps the ObjectId Exchange has registered; leave it out while Exchange has none',
    );
  return { exchangeServicePrincipalId: value.toLowerCase() };
}

/** --proxy URL [--proxy-password-env VAR] gives the profile a proxy of its own; --no-proxy none. */
function profileProxyOf(values: Record<string, unknown>): { proxy?: ProfileProxy; proxyPassword?: string } {
  const url = typeof values.proxy === 'string' ? values.proxy : undefined;
  const passwordVar =
    typeof values['proxy-password-env'] === 'string' ? values['proxy-password-env'] : undefined;
  if (values['no-proxy'] === true) {
    if (url !== undefined || passwordVar !== undefined)
      throw new UsageError('--no-proxy goes without --proxy and --proxy-password-env');
    return { proxy: { mode: 'direct', url: '', bypass: '' } };
  }
  if (url === undefined) {
    if (passwordVar !== undefined) throw new UsageError('--proxy-password-env needs --proxy URL');
    return {};
  }
  const parsed = parseProxyUrl(url);
  if (!parsed.ok) throw optionError('--proxy', parsed.error);
  if (parsed.password !== null)
    throw new UsageError(
      '--proxy: a password is never taken from the command line; give the user in the URL and the password with --proxy-password-env VAR',
    );
  return {
    proxy: { mode: 'manual', url, bypass: '' },
    ...(passwordVar !== undefined ? { proxyPassword: readSecretEnv(passwordVar, 'proxy password') } : {}),
  };
}
