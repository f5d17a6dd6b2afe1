// The labs of a batch: one tenant per distinct scenario, started the first time a row asks for it
// (the rows that ask meanwhile wait for the same start), shared by every row of that scenario, all
// closed at the end. A scenario is a preset of a tenant's state, which its identity endpoint and
// its mail servers all read, so each has its own servers; the key material (CA, server
// certificate, signing keys), most of a lab's start-up, is made once for the whole batch.
import type { Lab, LabKit } from '../../lab/lab';
import type { ScenarioId } from '../../lab/state';

export interface LabPool {
  get(scenario: ScenarioId): Promise<Lab>;
  /** How many labs were started. */
  readonly size: number;
  close(): Promise<void>;
}

export function createLabPool(
  start: (scenario: ScenarioId, kit?: LabKit) => Promise<Lab>,
  makeKit: () => Promise<LabKit> = async () => (await import('../../lab/lab')).createLabKit(),
): LabPool {
  const labs = new Map<ScenarioId, Promise<Lab>>();
  let kit: Promise<LabKit> | null = null;
  let closed = false;
  return {
    get(scenario) {
      if (closed) return Promise.reject(new Error('the batch is over: its labs are closed'));
      let lab = labs.get(scenario);
      if (!lab) {
        // The first lab's kit serves the others; a kit that failed is tried again by the next.
        const shared = (kit ??= makeKit().catch((error: unknown) => {
          kit = null;
          throw error;
        }));
        lab = shared.then((k) => start(scenario, k));
        labs.set(scenario, lab);
      }
      return lab;
    },
    get size() {
      return labs.size;
    },
    async close() {
      closed = true;
      // A lab that failed to start has nothing to close.
      await Promise.all(
        [...labs.values()].map((lab) =>
          lab.then(
            (started) => started.close(),
            () => undefined,
          ),
        ),
      );
    },
  };
}
