// The labs of a batch: one per distinct scenario, started the first time a row asks for it (the
// rows that ask meanwhile wait for the same start), shared by every row of that scenario, all
// closed at the end. One lab cannot serve several scenarios: a lab is one tenant state that its
// identity endpoint and its mail servers all read, and a scenario is a preset of that state.
import type { Lab } from '../../lab/lab';
import type { ScenarioId } from '../../lab/state';

export interface LabPool {
  get(scenario: ScenarioId): Promise<Lab>;
  /** How many labs were started. */
  readonly size: number;
  close(): Promise<void>;
}

export function createLabPool(start: (scenario: ScenarioId) => Promise<Lab>): LabPool {
  const labs = new Map<ScenarioId, Promise<Lab>>();
  let closed = false;
  return {
    get(scenario) {
      if (closed) return Promise.reject(new Error('the batch is over: its labs are closed'));
      let lab = labs.get(scenario);
      if (!lab) {
        lab = start(scenario);
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
