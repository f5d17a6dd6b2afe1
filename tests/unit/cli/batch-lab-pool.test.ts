import { describe, expect, it } from 'vitest';
import type { Lab } from '../../../electron/lab/lab';
import type { ScenarioId } from '../../../electron/lab/state';
import { createLabPool } from '../../../electron/cli/batch/lab-pool';

function fakeStarts() {
  const started: ScenarioId[] = [];
  const closed: ScenarioId[] = [];
  const start = async (scenario: ScenarioId): Promise<Lab> => {
    started.push(scenario);
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
  return { start, started, closed };
}

describe('the labs of a batch', () => {
  it('starts one lab per scenario, however many rows ask at once, and closes each once', async () => {
    const fake = fakeStarts();
    const pool = createLabPool(fake.start);
    const asks: ScenarioId[] = ['healthy', 'secret-invalid', 'healthy', 'healthy', 'secret-invalid'];
    const labs = await Promise.all(asks.map((s) => pool.get(s)));
    expect(fake.started).toEqual(['healthy', 'secret-invalid']);
    expect(labs[0]).toBe(labs[2]);
    expect(labs[1]).toBe(labs[4]);
    expect(pool.size).toBe(2);
    await pool.close();
    expect(fake.closed.sort()).toEqual(['healthy', 'secret-invalid']);
  });

  it('gives every row of a scenario whose lab failed to start the same failure, and still closes the others', async () => {
    const fake = fakeStarts();
    const pool = createLabPool(fake.start);
    await expect(pool.get('throttled')).rejects.toThrow('could not start');
    await expect(pool.get('throttled')).rejects.toThrow('could not start');
    await pool.get('healthy');
    expect(fake.started).toEqual(['throttled', 'healthy']);
    await pool.close();
    expect(fake.closed).toEqual(['healthy']);
    await expect(pool.get('healthy')).rejects.toThrow(/closed/);
  });
});
