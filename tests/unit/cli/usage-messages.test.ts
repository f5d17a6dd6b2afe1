// Every option of the CLI, given without its value, with a value where none goes, and with a bad
// value: each refusal names the option, says what is expected, and none of the schema library's
// own words ("Invalid input: expected string, received undefined") reaches the user.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS, parseTargetArgs, prepareRun } from '../../../electron/cli/target-options';
import { profilesCommand } from '../../../electron/cli/profiles-command';
import { OPTION_WORDS } from '../../../electron/cli/option-words';
import { UsageError } from '../../../electron/cli/usage-error';
import { SCHEMA_PHRASES } from '../../../shared/config/messages';

const GUID = '11111111-2222-3333-4444-555555555555';
const BASE = ['--mailbox', 'alice@contoso.com', '--access-token-env', 'MP_WALK_TOKEN'];
const EXPECTS = /expected|needs|must|one of|give|go(es)? with|takes|is one scope/i;

const DIR = mkdtempSync(join(tmpdir(), 'mp-walk-'));
const CERT = join(DIR, 'c.pem');
const KEY = join(DIR, 'k.pem');

beforeAll(() => {
  process.env.MP_WALK_TOKEN = 'tok-value-1234';
  process.env.MAILPROBE_DATA_DIR = DIR;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      KEY,
      '-out',
      CERT,
      '-subj',
      '/CN=walk',
      '-days',
      '1',
    ],
    { stdio: 'ignore' },
  );
  delete process.env.MP_WALK_UNSET;
});

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    const prepared = await run();
    await (prepared as { close?: () => Promise<void> } | undefined)?.close?.();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('accepted; a refusal was expected');
}

const check = (args: string[]) => refusal(() => prepareRun(parseTargetArgs('check', args)));
const add = (args: string[]) => refusal(() => profilesCommand(['add', ...args]));

function inUserWords(message: string, flag: string): void {
  expect(message).toContain(flag);
  expect(message).toMatch(EXPECTS);
  for (const phrase of SCHEMA_PHRASES) expect(message).not.toContain(phrase);
  expect(message.split('\n')).toHaveLength(1);
}

/** A bad value for each option of check (and the options it needs beside it). */
const BAD: Record<string, string[]> = {
  mailbox: ['--mailbox', 'alice', '--access-token-env', 'MP_WALK_TOKEN'],
  cloud: [...BASE, '--cloud', 'mars'],
  tenant: [...BASE, '--tenant', 'contoso'],
  'client-id': [...BASE, '--client-id', 'not-a-guid'],
  authority: [
    ...BASE.slice(0, 2),
    '--client-secret-env',
    'MP_WALK_TOKEN',
    '--authority',
    'not a url',
    '--tenant',
    'contoso.onmicrosoft.com',
    '--client-id',
    GUID,
  ],
  scope: [...BASE, '--scope', 'two scopes'],
  'exchange-sp-object-id': [...BASE, '--exchange-sp-object-id', 'xyz'],
  'secret-expires': [...BASE, '--secret-expires', '31/12/2027'],
  'smtp-rbac': [...BASE, '--smtp-rbac', 'maybe'],
  'access-token-file': ['--mailbox', 'alice@contoso.com', '--access-token-file', '/nonexistent/token.txt'],
  'access-token-env': ['--mailbox', 'alice@contoso.com', '--access-token-env', 'MP_WALK_UNSET'],
  'password-env': ['--mailbox', 'alice@contoso.com', '--password-env', 'not a var'],
  'client-secret-env': [
    '--mailbox',
    'alice@contoso.com',
    '--tenant',
    'contoso.onmicrosoft.com',
    '--client-id',
    GUID,
    '--client-secret-env',
    'MP_WALK_UNSET',
  ],
  cert: [
    '--mailbox',
    'alice@contoso.com',
    '--tenant',
    'contoso.onmicrosoft.com',
    '--client-id',
    GUID,
    '--cert',
    '/nonexistent/c.pem',
    '--key',
    '/nonexistent/k.pem',
  ],
  key: [
    '--mailbox',
    'alice@contoso.com',
    '--key',
    '/nonexistent/k.pem',
    '--access-token-env',
    'MP_WALK_TOKEN',
  ],
  'key-passphrase-env': [
    '--mailbox',
    'alice@contoso.com',
    '--tenant',
    'contoso.onmicrosoft.com',
    '--client-id',
    GUID,
    '--cert',
    CERT,
    '--key',
    KEY,
    '--key-passphrase-env',
    'not a var',
  ],
  'google-service-account': [
    '--mailbox',
    'alice@example.com',
    '--google-service-account',
    '/nonexistent/key.json',
  ],
  provider: [...BASE, '--provider', 'yahoo'],
  issuer: [
    '--mailbox',
    'alice@example.com',
    '--provider',
    'oidc',
    '--issuer',
    'http://sso.example.com',
    '--client-id',
    'x',
    '--client-secret-env',
    'MP_WALK_TOKEN',
    '--imap',
    '--imap-host',
    'mail.example.com',
  ],
  resource: [...BASE, '--resource', 'urn:x'],
  'acs-resource': [
    ...BASE.slice(0, 2),
    '--acs-resource',
    'bad name!',
    '--client-secret-env',
    'MP_WALK_TOKEN',
  ],
  'acs-username': [...BASE.slice(0, 2), '--acs-username', ' ', '--client-secret-env', 'MP_WALK_TOKEN'],
  scenario: ['--lab', '--scenario', 'no-such-scenario'],
  profile: ['--profile', 'no-such-profile'],
  mech: [...BASE, '--mech', 'cram-md5'],
  ca: [...BASE, '--ca', '/nonexistent/ca.pem'],
  'min-tls': [...BASE, '--min-tls', '1.0'],
  family: [...BASE, '--family', 'ipv5'],
  proxy: [...BASE, '--proxy', 'ftp://proxy.example.com:21'],
  'proxy-password-env': [
    ...BASE,
    '--proxy',
    'http://u@proxy.example.com:3128',
    '--proxy-password-env',
    'MP_WALK_UNSET',
  ],
  'timeout-ms': [...BASE, '--timeout-ms', 'soon'],
  'connect-timeout-ms': [...BASE, '--connect-timeout-ms', '-5'],
  'greeting-timeout-ms': [...BASE, '--greeting-timeout-ms', '1.5'],
  'command-timeout-ms': [...BASE, '--command-timeout-ms', '9999999'],
  'send-to': [...BASE, '--send-to', 'ops'],
  from: [...BASE, '--from', 'not-an-address'],
  out: [...BASE, '--out', 'report.txt'],
  'imap-host': [...BASE, '--imap', '--imap-host', 'bad host'],
  'imap-port': [...BASE, '--imap', '--imap-port', 'abc'],
  'imap-security': [...BASE, '--imap', '--imap-security', 'ssl'],
  'pop3-host': [...BASE, '--pop3', '--pop3-host', 'bad_host!'],
  'pop3-port': [...BASE, '--pop3', '--pop3-port', '0'],
  'pop3-security': [...BASE, '--pop3', '--pop3-security', 'tls1.2'],
  'smtp-host': [...BASE, '--smtp', '--smtp-host', '-x-'],
  'smtp-port': [...BASE, '--smtp', '--smtp-port', '65536'],
  'smtp-security': [...BASE, '--smtp', '--smtp-security', 'yes'],
};

const flags = Object.entries(OPTIONS) as Array<[string, { type: 'string' | 'boolean' }]>;

describe('every option of check', () => {
  it('has words: what goes after it and what it is', () => {
    for (const [flag] of flags) expect(OPTION_WORDS[flag]?.expected, flag).toMatch(/\S/);
  });

  it.each(flags.filter(([, o]) => o.type === 'string').map(([f]) => f))(
    '--%s without its value says what goes there',
    async (flag) => {
      const message = await check([...BASE, `--${flag}`]);
      inUserWords(message, `--${flag}`);
      expect(message).toContain(OPTION_WORDS[flag]?.expected ?? '(no words)');
    },
  );

  it.each(flags.filter(([, o]) => o.type === 'boolean').map(([f]) => f))(
    '--%s=yes says it takes no value',
    async (flag) => {
      const message = await check([...BASE, `--${flag}=yes`]);
      inUserWords(message, `--${flag}`);
      expect(message).toMatch(new RegExp(`--${flag} takes no value`));
    },
  );

  it.each(flags.filter(([, o]) => o.type === 'string').map(([f]) => f))(
    '--%s with a bad value names it and says what is expected',
    async (flag) => {
      const args = BAD[flag];
      expect(args, `a bad value for --${flag} in this test`).toBeDefined();
      const message = await check(args ?? []);
      inUserWords(message, `--${flag}`);
    },
  );

  it('an unknown option and a stray argument are said in words', async () => {
    inUserWords(await check([...BASE, '--password', 'x']), '--password');
    inUserWords(await check([...BASE, 'stray']), 'stray');
  });
});

const ADD_BASE = [
  '--name',
  'Contoso',
  '--tenant',
  'contoso.onmicrosoft.com',
  '--client-id',
  GUID,
  '--mailbox',
  'alice@contoso.com',
  '--credential',
  'device-code',
];

const ADD_BAD: Array<[string, string[]]> = [
  ['--name', ['--name', 'x'.repeat(101), ...ADD_BASE.slice(2)]],
  ['--cloud', [...ADD_BASE, '--cloud', 'mars']],
  [
    '--tenant',
    [
      '--name',
      'C',
      '--tenant',
      '',
      '--client-id',
      GUID,
      '--mailbox',
      'alice@contoso.com',
      '--credential',
      'device-code',
    ],
  ],
  ['--client-id', [...ADD_BASE.slice(0, 4), '--client-id', 'not-a-guid', ...ADD_BASE.slice(6)]],
  ['--mailbox', [...ADD_BASE.slice(0, 6), '--mailbox', 'alice', ...ADD_BASE.slice(8)]],
  ['--authority', [...ADD_BASE, '--authority', 'not a url']],
  ['--exchange-sp-object-id', [...ADD_BASE, '--exchange-sp-object-id', 'xyz']],
  ['--secret-expires', [...ADD_BASE, '--secret-expires', '2027-13-45']],
  ['--mech', [...ADD_BASE, '--mech', 'cram-md5']],
  ['--credential', [...ADD_BASE.slice(0, 8), '--credential', 'magic']],
  ['--client-secret-env', [...ADD_BASE.slice(0, 8), '--client-secret-env', 'MP_WALK_UNSET']],
  ['--password-env', [...ADD_BASE.slice(0, 8), '--password-env', 'not a var']],
  ['--access-token-env', [...ADD_BASE.slice(0, 8), '--access-token-env', 'MP_WALK_UNSET']],
  [
    '--google-service-account',
    [...ADD_BASE.slice(0, 8), '--google-service-account', '/nonexistent/key.json'],
  ],
  ['--proxy', [...ADD_BASE, '--proxy', 'ftp://proxy.example.com:21']],
  ['--from', [...ADD_BASE, '--from', 'nobody']],
  ['--send-to', [...ADD_BASE, '--send-to', 'nobody']],
  ['--imap-host', [...ADD_BASE, '--imap-host', 'bad host']],
  ['--imap-port', [...ADD_BASE, '--imap-port', 'abc']],
  ['--pop3-port', [...ADD_BASE, '--pop3-port', '70000']],
  ['--smtp-security', [...ADD_BASE, '--smtp-security', 'ssl']],
  ['--scope', [...ADD_BASE, '--scope', 'x'.repeat(600)]],
];

describe('profiles add', () => {
  it.each([
    ['--name', []],
    ['--tenant', ['--name', 'C']],
    ['--client-id', ['--name', 'C', '--tenant', 'contoso.onmicrosoft.com']],
    ['--mailbox', ['--name', 'C', '--tenant', 'contoso.onmicrosoft.com', '--client-id', GUID]],
  ])('without %s says it needs it and what it is', async (flag, args) => {
    const message = await add([...args, '--credential', 'device-code']);
    inUserWords(message, flag);
    expect(message).toMatch(new RegExp(`^profiles add needs ${flag} [A-Z|]+: `));
  });

  it('without --name reads as a sentence, not the schema', async () => {
    expect(await add(['--credential', 'device-code'])).toBe(
      'profiles add needs --name NAME: the name to save the profile under (1 to 100 characters)',
    );
  });

  it.each(ADD_BAD)('%s with a bad value names it and says what is expected', async (flag, args) => {
    inUserWords(await add(args), flag);
  });

  it.each(['name', 'tenant', 'client-id', 'mailbox', 'cloud', 'imap-port', 'proxy', 'secret-expires'])(
    '--%s without its value says what goes there',
    async (flag) => {
      const message = await add([...ADD_BASE, `--${flag}`]);
      inUserWords(message, `--${flag}`);
      expect(message).toMatch(/^profiles add needs a value after/);
    },
  );

  it('--hve=1 says it takes no value', async () => {
    inUserWords(await add([...ADD_BASE, '--hve=1']), '--hve');
  });
});

describe("the other commands' options", () => {
  const COMMANDS: Record<
    string,
    { run: (args: string[]) => Promise<unknown>; strings: string[]; booleans: string[] }
  > = {
    inspect: {
      run: async (args) => (await import('../../../electron/cli/inspect-command')).inspectCommand(args),
      strings: ['access-token-file', 'access-token-env', 'tenant', 'client-id'],
      booleans: ['json'],
    },
    explain: {
      run: async (args) => (await import('../../../electron/cli/explain-command')).explainCommand(args),
      strings: [],
      booleans: ['json'],
    },
    lab: {
      run: async (args) => (await import('../../../electron/cli/lab-command')).labCommand(args),
      strings: ['scenario', 'ca-out', 'google-key-out'],
      booleans: ['json'],
    },
    serve: {
      run: async (args) => (await import('../../../electron/cli/serve-command')).serveCommand(args),
      strings: ['port'],
      booleans: [],
    },
    batch: {
      run: async (args) => (await import('../../../electron/cli/batch-command')).batchCommand(args),
      strings: ['concurrency', 'out'],
      booleans: ['json', 'jsonl'],
    },
  };

  for (const [command, { run, strings, booleans }] of Object.entries(COMMANDS)) {
    it.each(strings)(`${command} --%s without its value says what goes there`, async (flag) => {
      const message = await refusal(() => run([`--${flag}`]));
      inUserWords(message, `--${flag}`);
      expect(message).toMatch(new RegExp(`^${command} needs a value after --${flag}`));
      expect(message).toContain(OPTION_WORDS[flag]?.expected ?? '(no words)');
    });

    it.each(booleans)(`${command} --%s=yes says it takes no value`, async (flag) => {
      inUserWords(await refusal(() => run([`--${flag}=yes`])), `--${flag}`);
    });

    it(`${command} --frobnicate is said to be no option of ${command}`, async () => {
      const message = await refusal(() => run(['--frobnicate']));
      inUserWords(message, '--frobnicate');
      expect(message).toContain(`not an option of ${command}`);
    });
  }

  it('bad values of their own: a port, a concurrency, a scenario', async () => {
    const serve = (await import('../../../electron/cli/serve-command')).serveCommand;
    inUserWords(await refusal(() => serve(['--port', 'abc'])), '--port');
    const batch = (await import('../../../electron/cli/batch-command')).batchCommand;
    inUserWords(await refusal(() => batch(['--concurrency', '500', 'rows.csv'])), '--concurrency');
    const lab = (await import('../../../electron/cli/lab-command')).labCommand;
    inUserWords(await refusal(() => lab(['--scenario', 'nope'])), '--scenario');
  });
});
