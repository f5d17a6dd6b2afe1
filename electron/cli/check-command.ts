// `mailprobe check`: options -> a prepared run -> the run -> human output or JSON.
import { EXIT } from './usage-error';
import { parseTargetArgs, prepareRun } from './target-options';
import { createProgress, renderReport } from './render';

export async function checkCommand(args: string[]): Promise<number> {
  const values = parseTargetArgs('check', args);
  const prepared = await prepareRun(values);
  const controller = new AbortController();
  const onSignal = (): void => {
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    const { runChecks } = await import('../engine/checks/run');
    const progress = values.json ? null : createProgress(process.stderr, prepared.input, prepared.label);
    const report = await runChecks(prepared.input, progress?.events ?? {}, controller.signal);
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(renderReport(report, { color: process.stdout.isTTY }));
    return report.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    process.off('SIGINT', onSignal);
    await prepared.close();
  }
}
