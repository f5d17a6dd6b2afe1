// Runs heavy jobs off the main thread: a few worker threads, started when needed and stopped
// when idle, each job with a time limit. A job over its limit costs its worker (terminated, and
// a fresh one started for the next job), never the host: the requests of every other screen go
// on being answered meanwhile.
import { Worker } from 'node:worker_threads';
import { HEAVY_JOBS, type HeavyJobName, type HeavyJobs } from './heavy-jobs';
import type { JobReply, JobRequest } from './heavy-worker';

export class OffloadTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`stopped after ${Math.round(limitMs / 1000)} s`);
    this.name = 'OffloadTimeout';
  }
}

export class OffloadFailure extends Error {
  override name = 'OffloadFailure';
}

export interface Offload {
  run<J extends HeavyJobName>(
    job: J,
    input: HeavyJobs[J]['input'],
    options?: { timeLimitMs?: number },
  ): Promise<HeavyJobs[J]['output']>;
  close(): Promise<void>;
}

/** Where the worker's code is: the bundled file, or (from source) a loader and its workerData. */
export interface WorkerEntry {
  file: URL | string;
  workerData?: unknown;
}

export interface WorkerOffloadOptions {
  entry: WorkerEntry;
  /** A job's time limit unless the caller gives one. */
  timeLimitMs?: number;
  maxWorkers?: number;
  /** An idle worker is stopped after this long. */
  idleMs?: number;
  /** Heap bound of each worker: a job that needs more fails alone. */
  maxHeapMb?: number;
}

export const DEFAULT_TIME_LIMIT_MS = 20_000;

/** In this thread: for the CLI, which answers one request and exits. */
export function inlineOffload(): Offload {
  return {
    run(job, input) {
      const run = HEAVY_JOBS[job] as (input: unknown) => unknown;
      return Promise.resolve().then(() => run(input) as HeavyJobs[typeof job]['output']);
    },
    close: () => Promise.resolve(),
  };
}

interface Pending {
  request: JobRequest;
  limitMs: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Pending | null;
  timer: NodeJS.Timeout | null;
}

export function createWorkerOffload(options: WorkerOffloadOptions): Offload {
  const maxWorkers = options.maxWorkers ?? 2;
  const idleMs = options.idleMs ?? 30_000;
  const defaultLimit = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const retire = (slot: Slot): void => {
    if (!slots.delete(slot)) return;
    if (slot.timer) clearTimeout(slot.timer);
    void slot.worker.terminate();
  };

  const settle = (slot: Slot): Pending | null => {
    const job = slot.job;
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    return job;
  };

  const idle = (slot: Slot): void => {
    slot.worker.unref();
    slot.timer = setTimeout(() => {
      retire(slot);
    }, idleMs);
    slot.timer.unref();
  };

  const start = (): Slot => {
    const worker = new Worker(options.entry.file, {
      workerData: options.entry.workerData,
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, job: null, timer: null };
    worker.on('message', (reply: JobReply) => {
      if (slot.job?.request.id !== reply.id) return;
      const job = settle(slot);
      if (reply.ok) job?.resolve(reply.value);
      else job?.reject(new OffloadFailure(reply.message));
      idle(slot);
      pump();
    });
    const lost = (why: string): void => {
      const job = settle(slot);
      retire(slot);
      job?.reject(new OffloadFailure(why));
      pump();
    };
    worker.on('error', (error) => {
      lost(error.message.split('\n')[0] ?? 'the worker failed');
    });
    worker.on('exit', (code) => {
      lost(`the worker stopped (exit code ${code})`);
    });
    slots.add(slot);
    return slot;
  };

  const assign = (slot: Slot, job: Pending): void => {
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      settle(slot);
      retire(slot);
      job.reject(new OffloadTimeout(job.limitMs));
      pump();
    }, job.limitMs);
    try {
      slot.worker.postMessage(job.request);
    } catch (error) {
      settle(slot);
      idle(slot);
      job.reject(new OffloadFailure(error instanceof Error ? error.message : String(error)));
    }
  };

  function pump(): void {
    while (queue.length > 0 && !closed) {
      let free: Slot | undefined;
      for (const slot of slots)
        if (!slot.job) {
          free = slot;
          break;
        }
      if (!free && slots.size < maxWorkers) free = start();
      if (!free) return;
      const job = queue.shift();
      if (job) assign(free, job);
    }
  }

  return {
    run(job, input, runOptions) {
      if (closed) return Promise.reject(new OffloadFailure('the app is closing'));
      return new Promise((resolve, reject) => {
        queue.push({
          request: { id: nextId++, job, input },
          limitMs: runOptions?.timeLimitMs ?? defaultLimit,
          resolve: resolve,
          reject,
        });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new OffloadFailure('the app is closing'));
      const all = [...slots];
      for (const slot of all) settle(slot)?.reject(new OffloadFailure('the app is closing'));
      slots.clear();
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
