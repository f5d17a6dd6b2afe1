// Every option of the CLI as a person reads it: what goes after it and what it is. The words of a
// usage error come from here (a missing value, a value where none goes, a bad one).
import type { FieldWords } from '../../shared/config/messages';

type Words = Omit<FieldWords, 'name'>;

const w = (metavar: string | undefined, expected: string): Words =>
  metavar === undefined ? { expected } : { metavar, expected };

const PORT = 'a port number from 1 to 65535';
const HOST = 'a host name or IP address';
const SECURITY = 'tls, starttls or none';
const ADDRESS = 'an email address (name@domain)';
const MS = (what: string): string => `${what}, a whole number of milliseconds from 1 to 600000`;
const ENV = (what: string): string => `the name of the environment variable that holds ${what}`;

export const OPTION_WORDS: Readonly<Record<string, Words>> = {
  imap: w(undefined, 'the IMAP check, on its own (no value)'),
  pop3: w(undefined, 'the POP3 check, on its own (no value)'),
  smtp: w(undefined, 'the SMTP check, on its own (no value)'),
  graph: w(undefined, 'the Microsoft Graph check, on its own (no value)'),
  mailbox: w('ADDRESS', `the mailbox to sign in to, ${ADDRESS}`),
  cloud: w('CLOUD', 'global, usgov, usgov-dod or china'),
  tenant: w('ID|DOMAIN', 'the tenant id (a GUID) or a domain such as contoso.onmicrosoft.com'),
  'client-id': w('GUID', "the app registration's application (client) id"),
  authority: w('URL', 'another authority host, an https:// URL'),
  scope: w('SCOPE', 'one scope, such as https://outlook.office365.com/.default'),
  'exchange-sp-object-id': w(
    'GUID|none',
    'the ObjectId that Get-ServicePrincipal lists for the app, or none',
  ),
  'secret-expires': w('YYYY-MM-DD', "the client secret's end date"),
  'smtp-rbac': w('in-scope|out-of-scope|none', 'what Test-ServicePrincipalAuthorization says'),
  'access-token-file': w('FILE', 'the file that holds the access token'),
  'access-token-env': w('VAR', ENV('the access token')),
  'password-env': w('VAR', ENV('the password')),
  'client-secret-env': w('VAR', ENV('the client secret')),
  'client-secret-stdin': w(undefined, 'the client secret read from standard input (no value)'),
  cert: w('FILE', 'the PEM certificate file'),
  key: w('FILE', 'the PEM private key file'),
  'key-passphrase-env': w('VAR', ENV("the private key's passphrase")),
  'google-service-account': w('FILE', "the service account's JSON key file"),
  provider: w('microsoft|google|oidc', 'whose servers: microsoft, google or oidc'),
  issuer: w('URL', "the OpenID provider's issuer, an https:// URL"),
  resource: w('URI', "the mail server's resource indicator, an absolute URI (RFC 8707)"),
  hve: w(undefined, 'High Volume Email, on its own (no value)'),
  'acs-resource': w('NAME', 'the Communication Services resource name'),
  'acs-username': w('NAME', 'the whole ACS SMTP user name'),
  lab: w(undefined, 'the simulated tenants, on their own (no value)'),
  'device-code': w(undefined, 'a user signs in with a device code (no value)'),
  browser: w(undefined, 'a user signs in in a browser (no value)'),
  ropc: w(undefined, "the user's password sent for a token (no value)"),
  scenario: w('ID', 'a scenario of the lab (mailprobe --help lists them)'),
  profile: w('NAME', 'a saved profile (mailprobe profiles list)'),
  mech: w('MECH', 'auto, xoauth2, oauthbearer, plain or login'),
  ca: w('FILE', 'a PEM CA certificate file'),
  'min-tls': w('1.2|1.3', 'the lowest TLS version accepted, 1.2 or 1.3'),
  family: w('auto|ipv4|ipv6', 'the address family: auto, ipv4 or ipv6'),
  ipv4: w(undefined, 'IPv4 first (no value)'),
  ipv6: w(undefined, 'IPv6 first (no value)'),
  proxy: w('URL', 'a proxy URL such as http://proxy.example.com:3128 or socks5://host:1080'),
  'no-proxy': w(undefined, 'a direct connection (no value)'),
  'proxy-password-env': w('VAR', ENV('the proxy password')),
  'timeout-ms': w('N', MS('the connect, greeting and command timeouts')),
  'connect-timeout-ms': w('N', MS('the connect timeout')),
  'greeting-timeout-ms': w('N', MS('the greeting timeout')),
  'command-timeout-ms': w('N', MS('the command timeout')),
  'send-to': w('ADDRESS', `the test message's recipient, ${ADDRESS}`),
  from: w('ADDRESS', `the sender, ${ADDRESS}`),
  roundtrip: w(undefined, 'the round trip after --send-to (no value)'),
  'tls-probe': w(undefined, 'the TLS versions probe (no value)'),
  json: w(undefined, 'the report as JSON (no value)'),
  jsonl: w(undefined, 'a JSON line per row (no value)'),
  out: w('FILE', 'the file to write'),
  concurrency: w('N', 'how many rows at once, a whole number from 1 to 64'),
  port: w('N', `${PORT} for the app in a browser, or 0 for any free one`),
  'ca-out': w('FILE', "the file to write the lab's CA certificate to"),
  'google-key-out': w('FILE', "the file to write the lab's Google service-account key to"),
  name: w('NAME', 'the name to save the profile under'),
  credential: w('KIND', 'client-secret, certificate, password, access-token, device-code or browser'),
  'keep-sign-in': w(undefined, "keep a user's sign-in (no value)"),
  ...Object.fromEntries(
    (['imap', 'pop3', 'smtp'] as const).flatMap((p) => [
      [`${p}-host`, w('HOST', HOST)],
      [`${p}-port`, w('PORT', PORT)],
      [`${p}-security`, w(SECURITY.replace(', ', '|').replace(' or ', '|'), SECURITY)],
    ]),
  ),
};

/** An option's words, named as typed: "--imap-port". */
export function optionWords(flag: string): FieldWords {
  const bare = flag.replace(/^--?/, '');
  return { name: `--${bare}`, ...(OPTION_WORDS[bare] ?? { expected: 'see mailprobe --help' }) };
}
