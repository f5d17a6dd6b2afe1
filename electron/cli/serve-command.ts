// `mailprobe serve [--port N]`: the app in a browser (browser mode), for machines without a
// display; the same engine, store and behaviour as the desktop app.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { portError } from '../../shared/config/validate';
import { EXIT, UsageError, argumentsError, optionError } from './usage-error';
import { VERSION } from './help';

export async function serveCommand(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: { port: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    throw argumentsError('serve', error);
  }
  if (values.port !== undefined && values.port !== '0') {
    const problem = portError(values.port);
    if (problem) throw optionError('--port', problem);
  }
  const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (!existsSync(`${rendererDir}index.html`))
    throw new UsageError('serve: the app is not built yet; run `npm run build` first');
  const [{ createAppService }, { startHost }, { dataDir }, { createWorkerOffload }] = await Promise.all([
    import('../compose/app-service'),
    import('../host/server'),
    import('../engine/app/data-dir'),
    import('../engine/offload/worker-pool'),
  ]);
  const service = await createAppService({
    dataDir: dataDir(),
    version: VERSION,
    // Heavy requests run in worker threads: one large paste cannot freeze the other screens.
    offload: createWorkerOffload({ entry: { file: new URL('./heavy-worker.js', import.meta.url) } }),
  });
  const host = await startHost({ service, rendererDir, port: Number(values.port ?? 0) });
  // Listen for the stop signal before saying where we are: whoever reads the endpoints may stop
  // us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(`MailProbe is at ${host.url}\n`);
  await stopped;
  await host.close();
  await service.close();
  return EXIT.pass;
}
