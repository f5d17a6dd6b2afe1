// `mailprobe token`: acquire a token (or take the one given) and inspect it, without any mail
// connection. Prints claims, checks, expiry and the service principal object id; never the token.
import { EXIT, UsageError } from './usage-error';
import { parseTargetArgs, prepareRun } from './target-options';
import { renderTokenSection } from './render';

export async function tokenCommand(args: string[]): Promise<number> {
  const values = parseTargetArgs('token', args);
  if (values['password-env'] !== undefined)
    throw new UsageError('token: a password is not a token; use check --password-env');
  const prepared = await prepareRun(values);
  try {
    const { runChecks } = await import('../engine/checks/run');
    const report = await runChecks({ ...prepared.input, tokenOnly: true });
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderTokenSection(report, { color: process.stdout.isTTY }));
    return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    await prepared.close();
  }
}
