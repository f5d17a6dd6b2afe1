import type {
  CheckResult,
  Detail,
  MailProtocol,
  StepId,
  StepResult,
  StepStatus,
} from '../../../shared/report/model';
import type { Transcript } from '../wire/transcript';
import { stepResult } from '../wire/step';
import { STEP_ORDER } from '../../../shared/report/model';

/**
 * Collects a check's step results. Steps that a library drives (imapflow's login, say) are timed
 * by watching the transcript move from step to step; steps we run ourselves pass their own time.
 */
export class StepLog {
  private readonly results = new Map<StepId, StepResult>();
  private readonly spent = new Map<StepId, number>();
  private current: { id: StepId; since: number };
  private readonly startedAt: number;

  constructor(private readonly transcript: Transcript) {
    this.startedAt = transcript.now();
    this.current = { id: transcript.step, since: this.startedAt };
    transcript.onStep((id, at) => {
      this.account(at);
      this.current = { id, since: at };
    });
  }

  private account(at: number): void {
    const { id, since } = this.current;
    this.spent.set(id, (this.spent.get(id) ?? 0) + (at - since));
    this.current.since = at;
  }

  /** Time the transcript spent in this step so far. */
  timeIn(id: StepId): number {
    this.account(this.transcript.now());
    return this.spent.get(id) ?? 0;
  }

  /**
   * Records a step. Its summary and detail carry server words, which may echo a credential: they
   * are scrubbed of every known secret and bounded in size here, where the step is created.
   */
  add(result: StepResult): StepResult {
    const { secrets } = this.transcript;
    const clean: StepResult = {
      ...result,
      summary: bound(secrets.scrub(result.summary)),
      detail: boundDeep(secrets.scrubDeep(result.detail)),
    };
    this.results.set(clean.id, clean);
    return clean;
  }

  /** Records a step timed by the transcript. */
  record(id: StepId, status: StepStatus, summary: string, detail: Detail = {}): StepResult {
    return this.add(stepResult(id, status, this.timeIn(id), summary, detail));
  }

  has(id: StepId): boolean {
    return this.results.has(id);
  }

  get failed(): StepResult | undefined {
    return [...this.results.values()].find((r) => r.status === 'fail');
  }

  /**
   * The steps in pipeline order. `expected` lists the steps this check would have run; those not
   * reached because an earlier one failed are reported as skipped.
   */
  build(protocol: MailProtocol, expected: StepId[]): CheckResult {
    const failed = this.failed;
    const steps: StepResult[] = [];
    for (const id of STEP_ORDER) {
      const result = this.results.get(id);
      if (result) steps.push(result);
      else if (expected.includes(id) && failed)
        steps.push(stepResult(id, 'skipped', 0, `Not run: the ${failed.id} step failed`));
    }
    const verdict: StepStatus = steps.some((s) => s.status === 'fail')
      ? 'fail'
      : steps.some((s) => s.status === 'warn')
        ? 'warn'
        : 'pass';
    return {
      protocol,
      verdict,
      durationMs: Math.round((this.transcript.now() - this.startedAt) * 10) / 10,
      steps,
      transcript: this.transcript.entries,
    };
  }
}

const MAX_TEXT = 2_000;
const MAX_ITEMS = 200;

function bound(text: string): string {
  return text.length > MAX_TEXT
    ? `${text.slice(0, MAX_TEXT)} [... ${text.length - MAX_TEXT} more characters not shown]`
    : text;
}

/** Bounds every string and list in a step detail: a hostile server cannot bloat the report. */
function boundDeep<T>(value: T): T {
  if (typeof value === 'string') return bound(value) as T;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v: unknown) => boundDeep(v));
    if (value.length > MAX_ITEMS) items.push(`[... ${value.length - MAX_ITEMS} more items not shown]`);
    return items as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = boundDeep(v);
    return out as T;
  }
  return value;
}
