// `mailprobe inspect`: decode an access token locally and check its claims for each protocol.
import { parseArgs } from 'node:util';
import { MAIL_PROTOCOLS } from '../../shared/report/model';
import { inspectToken } from '../engine/identity/inspect';
import { EXIT, UsageError, argumentsError } from './usage-error';
import { printable } from './render';
import { readSecretEnv, readSecretFile, readSecretStdin, withoutBearer } from './secret-input';

const MARK = { pass: '✔', warn: '!', fail: '✘' } as const;

export async function inspectCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        'access-token-file': { type: 'string' },
        'access-token-env': { type: 'string' },
        tenant: { type: 'string' },
        'client-id': { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw argumentsError('inspect', error);
  }
  const { values, positionals } = parsed;
  const sources = [values['access-token-file'], values['access-token-env'], positionals[0]].filter(
    (s) => s !== undefined,
  );
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== '-'))
    throw new UsageError(
      'inspect: a token is never taken as an argument; use --access-token-file, --access-token-env or - (stdin)',
    );
  if (sources.length !== 1)
    throw new UsageError(
      'inspect: give exactly one of --access-token-file FILE, --access-token-env VAR or -',
    );
  const token =
    values['access-token-file'] !== undefined
      ? await readSecretFile(values['access-token-file'], 'access token')
      : values['access-token-env'] !== undefined
        ? readSecretEnv(values['access-token-env'], 'access token')
        : await readSecretStdin('access token');
  const section = inspectToken(withoutBearer(token), {
    protocols: [...MAIL_PROTOCOLS],
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(section, null, 2)}\n`);
  } else {
    const lines = ['Claims:'];
    for (const [key, value] of Object.entries(section.claims))
      lines.push(`  ${printable(key).padEnd(12)} ${printable(JSON.stringify(value))}`);
    lines.push('', 'Checks:');
    for (const c of section.checks)
      lines.push(
        `  ${MARK[c.status]} ${(c.protocol ?? 'all').padEnd(5)} ${c.id.padEnd(18)} ${printable(c.summary)}`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return section.checks.some((c) => c.status === 'fail') ? EXIT.fail : EXIT.pass;
}
