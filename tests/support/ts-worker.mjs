// Starts a worker thread from TypeScript source for the tests: registers tsx in the worker, then
// loads the entry named in workerData. The app itself runs the bundled worker file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
