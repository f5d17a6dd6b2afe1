// The entry of the worker thread that runs heavy jobs (see heavy-jobs.ts): one job at a time,
// answered by id. Bundled as its own file next to the CLI and the Electron main bundles.
import { parentPort } from 'node:worker_threads';
import { HEAVY_JOBS, isHeavyJobName } from './heavy-jobs';

export interface JobRequest {
  id: number;
  job: string;
  input: unknown;
}

export type JobReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

function answer(request: JobRequest): JobReply {
  try {
    if (!isHeavyJobName(request.job)) return { id: request.id, ok: false, message: 'unknown job' };
    const run = HEAVY_JOBS[request.job] as (input: unknown) => unknown;
    return { id: request.id, ok: true, value: run(request.input) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { id: request.id, ok: false, message: message.split('\n')[0] ?? message };
  }
}

const port = parentPort;
if (port)
  port.on('message', (request: JobRequest) => {
    port.postMessage(answer(request));
  });
