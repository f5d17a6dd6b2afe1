// `mailprobe explain [TEXT | -] [--json]`: ranked causes for a pasted error or transcript.
import { parseArgs } from 'node:util';
import { EXIT, UsageError, argumentsError } from './usage-error';
import { readStdinText } from './secret-input';

/** A pasted transcript or log can be long; explain reads at most this much of it. */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;
import { renderFindings } from './render';

export async function explainCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw argumentsError('explain', error);
  }
  const { values, positionals } = parsed;
  const text =
    positionals.length === 0 || (positionals.length === 1 && positionals[0] === '-')
      ? await readStdinText('text to explain', MAX_TEXT_BYTES)
      : positionals.join(' ');
  if (!text.trim()) throw new UsageError('explain: no text given');
  const { explain, whatWasRead } = await import('../engine/diagnosis/explain');
  const findings = explain(text);
  if (values.json) process.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
  else if (findings.length > 0)
    process.stdout.write(renderFindings(findings, { color: process.stdout.isTTY }));
  if (findings.length === 0) {
    const read = whatWasRead(text);
    const looked =
      read.failureLines.length > 0
        ? `; the lines that look like failures are not known errors:\n${read.failureLines.map((l) => `  ${l}`).join('\n')}\n`
        : '; none of them looks like a failure.\n';
    process.stderr.write(
      `mailprobe: no known cause in this text. Read ${read.lines} line${read.lines === 1 ? '' : 's'} (${read.characters} characters)${looked}` +
        "Paste the server's reply lines (NO/BAD, -ERR, 5xx), the token-endpoint error or the client's exception, or run `mailprobe check` to test the setup directly.\n",
    );
  }
  return EXIT.pass;
}
