// The browser host under a heavy request: how long `profiles:list` takes alone, and while a
// 2 MB paste is read in the heavy-job worker (the bundled file, as `mailprobe serve` runs it).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService } from '../../electron/compose/app-service';
import { createWorkerOffload } from '../../electron/engine/offload/worker-pool';
import { SessionVault } from '../../electron/engine/store/vault';
import { startHost } from '../../electron/host/server';
import { ApiClient } from '../integration/support/api-socket';

const PASTE = 'x'.repeat(2 * 1024 * 1024 - 16);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function hostLatency(rounds: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mailprobe-bench-host-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html>');
  const service = await createAppService({
    dataDir: join(dir, 'data'),
    version: 'bench',
    vault: new SessionVault({ kind: 'session', reason: 'bench' }),
    offload: createWorkerOffload({
      entry: { file: new URL('../../dist/cli/heavy-worker.js', import.meta.url) },
      timeLimitMs: 2_000,
    }),
  });
  const host = await startHost({ service, rendererDir });
  const client = await ApiClient.open(host);
  const list = async (): Promise<number> => {
    const start = performance.now();
    const result = await client.call('profiles:list', undefined);
    if (!result.ok) throw new Error(result.error.message);
    return performance.now() - start;
  };
  try {
    await list();
    const alone: number[] = [];
    for (let i = 0; i < rounds; i += 1) alone.push(await list());
    const beside: number[] = [];
    const pastes: number[] = [];
    for (let i = 0; i < Math.min(rounds, 5); i += 1) {
      const started = performance.now();
      const paste = client.call('explain:text', { text: PASTE }).then(() => performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
      beside.push(await list());
      pastes.push(await paste);
    }
    return [
      `profiles:list over the browser host: alone ${median(alone).toFixed(1)} ms; beside a 2 MB explain ${median(beside).toFixed(1)} ms (budget: a fraction of a second)`,
      `  the 2 MB explain itself: ${median(pastes).toFixed(0)} ms (answered or stopped at the worker's 2 s limit)`,
    ];
  } finally {
    client.close();
    await host.close();
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}
