// Heavy jobs in worker threads: the same answers as in this thread, a time limit that stops a
// job without stopping the others, a fresh worker after one was lost.
import { afterEach, describe, expect, it } from 'vitest';
import { explain } from '../../../../electron/engine/diagnosis/explain';
import {
  inlineOffload,
  OffloadFailure,
  OffloadTimeout,
  type Offload,
} from '../../../../electron/engine/offload/worker-pool';
import { sourceOffload } from '../../../support/source-offload';
import { SLOW_PASTE } from '../../../support/slow-paste';

const SAMPLE =
  '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.';
/** Text that keeps the first wave's reader busy for minutes: one long run of address characters. */
const SLOW = SLOW_PASTE;

let pool: Offload | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('worker offload', () => {
  it('answers as the engine does in this thread', async () => {
    pool = sourceOffload();
    const findings = await pool.run('explain', { text: SAMPLE });
    expect(findings).toEqual(explain(SAMPLE));
    expect(findings[0]?.cause).toBe('account.smtp_auth_disabled_tenant');
    expect(await inlineOffload().run('explain', { text: SAMPLE })).toEqual(findings);
  });

  it('stops a job over its limit and goes on with the next one in a fresh worker', async () => {
    pool = sourceOffload({ maxWorkers: 1 });
    const slow = pool.run('explain', { text: SLOW }, { timeLimitMs: 50 });
    // Queued behind the slow job on the only worker: it runs once the slow one is stopped.
    const next = pool.run('explain', { text: SAMPLE });
    const error = await slow.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OffloadTimeout);
    expect((error as OffloadTimeout).limitMs).toBe(50);
    expect((await next)[0]?.cause).toBe('account.smtp_auth_disabled_tenant');
  });

  it('runs a short job beside a long one when a second worker is free', async () => {
    pool = sourceOffload({ maxWorkers: 2 });
    const order: string[] = [];
    const slow = pool
      .run('explain', { text: SLOW }, { timeLimitMs: 3_000 })
      .catch(() => undefined)
      .then(() => order.push('slow'));
    const quick = pool.run('explain', { text: SAMPLE }).then(() => order.push('quick'));
    await Promise.all([slow, quick]);
    expect(order).toEqual(['quick', 'slow']);
  });

  it('reports a job that throws as a failure, not a crash', async () => {
    pool = sourceOffload();
    const broken = { schema: 'mailprobe.run/1' } as never;
    await expect(pool.run('compare', { run: broken, baseline: broken })).rejects.toBeInstanceOf(
      OffloadFailure,
    );
    expect((await pool.run('explain', { text: SAMPLE })).length).toBeGreaterThan(0);
  });

  it('refuses work once closed and rejects what was waiting', async () => {
    pool = sourceOffload({ maxWorkers: 1 });
    const running = pool.run('explain', { text: SLOW }, { timeLimitMs: 60_000 }).catch((e: unknown) => e);
    const waiting = pool.run('explain', { text: SAMPLE }).catch((e: unknown) => e);
    await pool.close();
    expect(String(await running)).toMatch(/closing/);
    expect(String(await waiting)).toMatch(/closing/);
    await expect(pool.run('explain', { text: SAMPLE })).rejects.toThrow(/closing/);
  });
});
