// Validation failures in the user's words, for the CLI and the forms alike: one sentence per field
// that names it, says what it got (missing, not a number, out of range...) and what is expected.
// A schema's own text ("Invalid input: expected string, received undefined") never reaches anyone.

/** How a person names a field and what goes in it. */
export interface FieldWords {
  /** "--imap-port" on the command line, "IMAP port" in a form. */
  name: string;
  /** A noun phrase: "a port number from 1 to 65535". */
  expected: string;
  /** What the CLI shows after the option when it is missing: "PORT". */
  metavar?: string;
  /** What a value of the right form is, for "... is not an email address". */
  kind?: string;
}

/** Phrases of the schema library that must never reach a person (the tests look for them). */
export const SCHEMA_PHRASES = [
  'Invalid input',
  'Invalid option',
  'Invalid string',
  'Invalid URL',
  'expected string',
  'expected number',
  'expected boolean',
  'expected object',
  'received',
  'Too small',
  'Too big',
  'Invalid enum',
  'Required',
] as const;

/** A value as a sentence quotes it: text in quotes (shortened), numbers as they are. */
export function quoted(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'object'
    ? 'a group of settings'
    : typeof value === 'undefined'
      ? 'nothing'
      : 'a value';
}

/** "NAME: WHAT IT GOT; expected WHAT IS EXPECTED". */
export function fieldProblem(words: FieldWords, got: string): string {
  return `${words.name}: ${got}; expected ${words.expected}`;
}

/**
 * A missing field: "profiles add needs --name NAME: the name to save the profile under" when a
 * command is named, else "Name is missing: expected ...".
 */
export function missingProblem(words: FieldWords, command?: string): string {
  if (command !== undefined)
    return `${command} needs ${words.name}${words.metavar ? ` ${words.metavar}` : ''}: ${words.expected}`;
  return `${words.name} is missing; expected ${words.expected}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'not text',
  number: 'not a number',
  int: 'not a whole number',
  boolean: 'not yes or no',
  object: 'not a group of settings',
  array: 'not a list',
};

/** The parts of a schema issue read here (zod's, without depending on it). */
export interface SchemaIssue {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  values?: readonly unknown[];
  format?: string;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** What the field got, in words, from the issue and the value that was given. */
export function gotWords(issue: SchemaIssue, value: unknown, words?: FieldWords): string {
  const shown = quoted(value);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'missing';
      if (value === null || value === '') return 'empty';
      if (issue.expected === 'int' && typeof value === 'number' && Number.isNaN(value)) return 'not a number';
      return `${shown} is ${TYPE_WORDS[issue.expected ?? ''] ?? 'not of the right kind'}`;
    case 'too_small':
      if (typeof value === 'string')
        return value === '' ? 'empty' : `${shown} is too short (${value.length} characters)`;
      if (Array.isArray(value)) return `${value.length} given, too few`;
      return `${shown} is out of range (at least ${String(issue.minimum)})`;
    case 'too_big':
      if (typeof value === 'string')
        return `too long (${value.length} characters, at most ${String(issue.maximum)})`;
      if (Array.isArray(value)) return `${value.length} given, at most ${String(issue.maximum)}`;
      return `${shown} is out of range (at most ${String(issue.maximum)})`;
    case 'invalid_value':
      return `${shown} is not one of the choices`;
    case 'invalid_format':
      return `${shown} is not ${words?.kind ?? 'of that form'}`;
    case 'unrecognized_keys':
      return 'a setting it does not know';
    default:
      return shown === 'undefined' ? 'missing' : `${shown} does not fit`;
  }
}

/** A schema's own default text (zod's), as opposed to a message written for people. */
export function isSchemaText(message: string): boolean {
  return SCHEMA_PHRASES.some((p) => message.includes(p)) || /^Invalid\b/.test(message);
}

/**
 * One issue as a sentence. A refinement's message written for people (custom issues) is kept: it
 * says the problem; the field's words say the rest.
 */
export function issueProblem(
  issue: SchemaIssue,
  input: unknown,
  words: FieldWords,
  command?: string,
): string {
  const value = valueAt(input, issue.path);
  if (issue.code === 'custom' && !isSchemaText(issue.message)) {
    // A refinement names either what is expected ("a GUID (Microsoft)...") or the problem itself.
    return /^(a|an|the|one|at least)\b/i.test(issue.message)
      ? fieldProblem(
          { ...words, expected: issue.message },
          value === undefined ? 'missing' : `${quoted(value)} does not fit`,
        )
      : fieldProblem(words, issue.message);
  }
  if (value === undefined && command !== undefined) return missingProblem(words, command);
  const expected =
    issue.code === 'invalid_value' && issue.values && !words.expected.includes(String(issue.values[0]))
      ? `${words.expected} (one of ${issue.values.map(String).join(', ')})`
      : words.expected;
  return fieldProblem({ ...words, expected }, gotWords(issue, value, words));
}

/** The words of the field an issue is about: the table's, else the path itself. */
export function wordsFor(
  table: Readonly<Record<string, FieldWords>>,
  path: ReadonlyArray<PropertyKey>,
): FieldWords {
  const key = path.map(String).join('.');
  // A field inside an endpoint or a group is named by its own entry, else by its parent's.
  for (let n = path.length; n > 0; n--) {
    const words = table[path.slice(0, n).map(String).join('.')];
    if (words) return words;
  }
  return { name: key || 'the input', expected: 'a valid value' };
}

/** The first issue of a failed parse as a sentence (what a person fixes first). */
export function firstProblem(
  issues: readonly SchemaIssue[],
  input: unknown,
  table: Readonly<Record<string, FieldWords>>,
  command?: string,
): string {
  const issue = issues[0];
  if (!issue) return `${command ?? 'the input'}: something is not as expected`;
  return issueProblem(issue, input, wordsFor(table, issue.path), command);
}

const PORT = 'a port number from 1 to 65535';
const HOST = 'a host name or IP address, such as outlook.office365.com';
const SECURITY = 'tls, starttls or none';
const ADDRESS = 'an email address (name@domain)';
const TIMEOUT = 'a whole number of milliseconds from 100 to 600000';

function endpointWords(
  p: 'imap' | 'pop3' | 'smtp',
  label: string,
  flag: boolean,
): Record<string, FieldWords> {
  return {
    [p]: { name: flag ? `--${p}-host` : `${label} server`, expected: HOST, metavar: 'HOST' },
    [`${p}.host`]: {
      name: flag ? `--${p}-host` : `${label} host`,
      expected: HOST,
      metavar: 'HOST',
      kind: 'a host name or IP address',
    },
    [`${p}.port`]: { name: flag ? `--${p}-port` : `${label} port`, expected: PORT, metavar: 'PORT' },
    [`${p}.security`]: {
      name: flag ? `--${p}-security` : `${label} security`,
      expected: SECURITY,
      metavar: SECURITY.replace(' or ', '|').replace(', ', '|'),
    },
  };
}

function profileWords(flag: boolean): Record<string, FieldWords> {
  const f = (cli: string, label: string, expected: string, metavar?: string, kind?: string): FieldWords => ({
    name: flag ? cli : label,
    expected,
    ...(flag && metavar ? { metavar } : {}),
    ...(kind ? { kind } : {}),
  });
  return {
    id: f('the profile id', 'Profile id', 'letters, digits, - and _ (as profiles list shows it)'),
    name: f('--name', 'Name', 'the name to save the profile under (1 to 100 characters)', 'NAME'),
    cloud: f('--cloud', 'Cloud', 'global, usgov, usgov-dod, china or custom', 'CLOUD'),
    tenant: f(
      '--tenant',
      'Tenant',
      'the tenant id (a GUID) or a domain such as contoso.onmicrosoft.com',
      'ID|DOMAIN',
    ),
    clientId: f(
      '--client-id',
      'Client id',
      "the application (client) id: a GUID (Microsoft), or the service account's numeric client id (Google)",
      'ID',
    ),
    mailbox: f(
      '--mailbox',
      'Mailbox',
      `the mailbox to sign in to, ${ADDRESS}`,
      'ADDRESS',
      'an email address',
    ),
    credential: f(
      '--credential',
      'Credential',
      'client-secret, certificate, password, access-token, device-code or browser',
      'KIND',
    ),
    certificatePath: f('--cert', 'Certificate', 'the path of the PEM certificate', 'FILE'),
    keyPath: f('--key', 'Private key', 'the path of the PEM private key', 'FILE'),
    authority: f('--authority', 'Authority', 'the authority as an https:// URL', 'URL', 'an https:// URL'),
    scope: f('--scope', 'Scope', 'one scope, such as https://outlook.office365.com/.default', 'SCOPE'),
    exchangeServicePrincipalId: f(
      '--exchange-sp-object-id',
      'Service principal ObjectId',
      'the ObjectId that Get-ServicePrincipal lists for the app, a GUID',
      'GUID',
      'a GUID',
    ),
    secretExpiresAt: f(
      '--secret-expires',
      'Secret expires',
      "the secret's end date as YYYY-MM-DD",
      'DATE',
      'a date',
    ),
    acsResource: f(
      '--acs-resource',
      'Communication Services resource',
      'the resource name (or the whole SMTP user name), without spaces',
      'NAME',
    ),
    issuer: f(
      '--issuer',
      'Issuer',
      "the OpenID provider's issuer as an https:// URL",
      'URL',
      'an https:// URL',
    ),
    oidcFlow: f('--issuer with a credential', 'Flow', 'client-credentials, device-code or browser'),
    keepSignIn: f('--keep-sign-in', 'Keep the sign-in', 'on or off'),
    proxy: f('--proxy', 'Proxy', 'a proxy URL such as http://proxy.example.com:3128', 'URL'),
    'proxy.url': f('--proxy', 'Proxy URL', 'a proxy URL such as http://proxy.example.com:3128', 'URL'),
    'proxy.mode': f('--proxy', 'Proxy', 'the proxy of Settings, none, or one of its own'),
    'proxy.bypass': f('--proxy', 'Proxy bypass', 'host names separated by commas'),
    proxyPassword: f('--proxy-password-env', 'Proxy password', 'the password on one line', 'VAR'),
    resource: f('--resource', 'Resource', 'an absolute URI (RFC 8707), without spaces', 'URI'),
    mechanism: f('--mech', 'Mechanism', 'auto, xoauth2, oauthbearer, plain or login', 'MECH'),
    ...endpointWords('imap', 'IMAP', flag),
    ...endpointWords('pop3', 'POP3', flag),
    ...endpointWords('smtp', 'SMTP', flag),
    testMessage: f('--from', 'Test message', 'the test message addresses'),
    'testMessage.from': f('--from', 'Test message from', ADDRESS, 'ADDRESS', 'an email address'),
    'testMessage.to': f('--send-to', 'Test message to', ADDRESS, 'ADDRESS', 'an email address'),
    secret: f('the secret (--client-secret-env VAR)', 'Secret', 'the secret on one line, at most 64 KiB'),
  };
}

/** A profile's fields as the command line names them (mailprobe profiles add). */
export const PROFILE_OPTION_WORDS: Readonly<Record<string, FieldWords>> = profileWords(true);

/** A profile's fields as the profile editor labels them. */
export const PROFILE_FIELD_WORDS: Readonly<Record<string, FieldWords>> = profileWords(false);

/** The settings' fields as the settings screen labels them. */
export const SETTINGS_FIELD_WORDS: Readonly<Record<string, FieldWords>> = {
  timeouts: { name: 'Timeouts', expected: TIMEOUT },
  'timeouts.connectMs': { name: 'Connect timeout', expected: TIMEOUT },
  'timeouts.greetingMs': { name: 'Greeting timeout', expected: TIMEOUT },
  'timeouts.commandMs': { name: 'Command timeout', expected: TIMEOUT },
  minTls: { name: 'Minimum TLS version', expected: '1.2 or 1.3' },
  extraCaFiles: { name: 'Extra CA files', expected: 'at most 20 paths of PEM CA certificates' },
  proxy: { name: 'Proxy', expected: 'the system proxy, none, or a proxy URL' },
  'proxy.mode': { name: 'Proxy', expected: 'system, manual or direct' },
  'proxy.url': { name: 'Proxy URL', expected: 'a proxy URL such as http://proxy.example.com:3128' },
  'proxy.bypass': { name: 'Proxy bypass', expected: 'host names separated by commas' },
  proxyPassword: { name: 'Proxy password', expected: 'the password on one line' },
};

/** The fields of the app's other requests (a run, a pasted token or text, a path to check). */
export const REQUEST_FIELD_WORDS: Readonly<Record<string, FieldWords>> = {
  token: { name: 'Access token', expected: 'the access token, pasted whole (at most 64 KiB)' },
  text: { name: 'Text to explain', expected: 'the error or transcript, pasted (at most 2 MiB)' },
  json: { name: 'Profiles file', expected: 'the JSON text of an export of profiles (at most 5 MiB)' },
  path: { name: 'File', expected: 'the path of the file' },
  protocols: { name: 'Checks', expected: 'at least one of IMAP, POP3, SMTP or Graph' },
  scenario: { name: 'Scenario', expected: 'a scenario of the Demo tenant' },
  'sendTest.from': { name: 'Test message from', expected: ADDRESS, kind: 'an email address' },
  'sendTest.to': { name: 'Test message to', expected: ADDRESS, kind: 'an email address' },
  'sendTest.subject': { name: 'Subject', expected: 'one line of at most 200 characters' },
  'sendTest.body': { name: 'Message text', expected: 'at most 64 KiB of text' },
  id: { name: 'Profile', expected: 'the id of a saved profile' },
  profileId: { name: 'Profile', expected: 'the id of a saved profile' },
  runId: { name: 'Run', expected: 'the id of a kept run' },
  baselineId: { name: 'Run to compare with', expected: 'the id of a kept run' },
  ids: { name: 'Profiles', expected: 'at most 1000 saved profiles' },
};
