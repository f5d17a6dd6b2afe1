// The heavy-job workers as the shells start them, but from source: the tests run the engine
// unbundled.
import {
  createWorkerOffload,
  type Offload,
  type WorkerOffloadOptions,
} from '../../electron/engine/offload/worker-pool';

export const SOURCE_WORKER = {
  file: new URL('./ts-worker.mjs', import.meta.url),
  workerData: { entry: new URL('../../electron/engine/offload/heavy-worker.ts', import.meta.url).href },
};

export function sourceOffload(options: Omit<WorkerOffloadOptions, 'entry'> = {}): Offload {
  return createWorkerOffload({ entry: SOURCE_WORKER, ...options });
}
