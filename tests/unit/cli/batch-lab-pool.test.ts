import { describe, expect, it } from 'vitest';
import type { Lab, LabKit } from '../../../electron/lab/lab';
import type { ScenarioId } from '../../../electron/lab/state';
import { createLabPool } from '../../../electron/cli/batch/lab-pool';

function fakeStarts() {
  const started: ScenarioId[] = [];
  const closed: ScenarioId[] = [];
  const kits: LabKit[] = [];
  const given: Array<LabKit | undefined> = [];
  const makeKit = (): Promise<LabKit> => {
    const kit = { pki: { caPem: `ca ${kits.length}` } } as unknown as LabKit;
    kits.push(kit);
    return Promise.resolve(kit);
  };
  const start = async (scenario: ScenarioId, kit?: LabKit): Promise<Lab> => {
    started.push(scenario);
    given.push(kit);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (scenario === 'throttled') throw new Error('could not start');
    return {
      scenario,
      close: () => {
        closed.push(scenario);
        return Promise.resolve();
      },
    } as unknown as Lab;
  };
  return { start, makeKit, started, closed, kits, given };
}

describe('the labs of a batch', () => {
  it('starts one lab per scenario, however many rows ask at once, and closes each once', async () => {
    const fake = fakeStarts();
    const pool = createLabPool(fake.start, fake.makeKit);
    const asks: ScenarioId[] = ['healthy', 'secret-invalid', 'healthy', 'healthy', 'secret-invalid'];
    const labs = await Promise.all(asks.map((s) => pool.get(s)));
    expect(fake.started).toEqual(['healthy', 'secret-invalid']);
    expect(labs[0]).toBe(labs[2]);
    expect(labs[1]).toBe(labs[4]);
    expect(pool.size).toBe(2);
    // One kit (CA, certificates, signing keys) for the whole batch, given to every lab.
    expect(fake.kits).toHaveLength(1);
    expect(fake.given).toEqual([fake.kits[0], fake.kits[0]]);
    await pool.close();
    expect(fake.closed.sort()).toEqual(['healthy', 'secret-invalid']);
  });

  it('gives every row of a scenario whose lab failed to start the same failure, and still closes the others', async () => {
    const fake = fakeStarts();
    const pool = createLabPool(fake.start, fake.makeKit);
    await expect(pool.get('throttled')).rejects.toThrow('could not start');
    await expect(pool.get('throttled')).rejects.toThrow('could not start');
    await pool.get('healthy');
    expect(fake.started).toEqual(['throttled', 'healthy']);
    await pool.close();
    expect(fake.closed).toEqual(['healthy']);
    await expect(pool.get('healthy')).rejects.toThrow(/closed/);
  });

  it('tries the kit again for the next lab when making it failed', async () => {
    const fake = fakeStarts();
    let calls = 0;
    const pool = createLabPool(fake.start, () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('no entropy')) : fake.makeKit();
    });
    await expect(pool.get('healthy')).rejects.toThrow('no entropy');
    await pool.get('secret-invalid');
    expect(calls).toBe(2);
    expect(fake.started).toEqual(['secret-invalid']);
    await pool.close();
  });
});
