// The lab as the app's Demo tenant: the engine's DemoTenant filled from electron/lab. One lab per
// scenario, started at its first run and shared by the runs after it, all closed together.
import type { DemoTenant } from '../engine/app/demo-tenant';
import { TargetError } from '../engine/app/targets';
import type { Lab } from '../lab/lab';
import { DEMO } from '../lab/scenarios';
import { SCENARIOS, isScenarioId, type ScenarioId } from '../lab/state';
import { labRunInput } from './lab-targets';

export function labDemoTenant(): DemoTenant {
  const labs = new Map<ScenarioId, Promise<Lab>>();
  const labFor = (scenario: ScenarioId): Promise<Lab> => {
    let lab = labs.get(scenario);
    if (!lab) {
      lab = import('../lab/lab').then(({ startLab }) => startLab(scenario));
      labs.set(scenario, lab);
      lab.catch(() => labs.delete(scenario));
    }
    return lab;
  };
  return {
    identity: { tenantId: DEMO.tenantId, clientId: DEMO.clientId, mailbox: DEMO.mailbox },
    scenarios: SCENARIOS,
    async runInput({ scenario, onDeviceCode, ...options }) {
      if (!isScenarioId(scenario)) throw new TargetError(`Unknown scenario "${scenario}"`);
      const lab = await labFor(scenario);
      return labRunInput(lab, {
        ...options,
        // A delegated scenario: a person signs in on the lab's page as one of its demo users.
        ...(lab.client.delegated
          ? {
              deviceCode: {
                kind: 'device-code' as const,
                onCode: (prompt) => {
                  onDeviceCode(
                    prompt,
                    lab.state.users.map((u) => ({ address: u.address, password: u.password })),
                  );
                },
              },
            }
          : {}),
      });
    },
    async close() {
      const started = [...labs.values()];
      labs.clear();
      await Promise.all(started.map(async (lab) => (await lab.catch(() => null))?.close()));
    },
  };
}
