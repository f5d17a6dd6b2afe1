import type { Direction, StepId, TranscriptEntry } from '../../../shared/report/model';
import { DEFAULT_LIMITS, type WireLimits } from './limits';
import { SecretSet } from './secrets';

export type TranscriptListener = (entry: TranscriptEntry) => void;

/**
 * The transcript of one check. Every entry is scrubbed of known secrets and bounded in size
 * when it is added; nothing is redacted later.
 */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private current: StepId = 'dns';
  private pinned = false;
  private readonly stepListeners: Array<(step: StepId, at: number) => void> = [];
  private truncated = false;
  private readonly listeners: TranscriptListener[] = [];

  constructor(
    private readonly clock: () => number,
    readonly secrets: SecretSet = new SecretSet(),
    private readonly limits: Pick<WireLimits, 'maxTranscriptEntries' | 'maxEntryChars'> = DEFAULT_LIMITS,
  ) {}

  /** The step that new entries belong to unless they name one. */
  get step(): StepId {
    return this.current;
  }

  set step(step: StepId) {
    if (this.pinned || step === this.current) return;
    this.current = step;
    const at = this.now();
    for (const listener of this.stepListeners) listener(step, at);
  }

  /**
   * Moves to `step` and keeps every later entry there, whatever step the code running sets, until
   * unpinned: a step that opens sessions of its own (the POP3 round trip) keeps their lines.
   */
  pin(step: StepId): void {
    this.pinned = false;
    this.step = step;
    this.pinned = true;
  }

  unpin(): void {
    this.pinned = false;
  }

  onStep(listener: (step: StepId, at: number) => void): void {
    this.stepListeners.push(listener);
  }

  onEntry(listener: TranscriptListener): void {
    this.listeners.push(listener);
  }

  now(): number {
    return this.clock();
  }

  add(dir: Direction, text: string, step: StepId = this.step): void {
    if (this.truncated) return;
    if (this.entries.length >= this.limits.maxTranscriptEntries - 1) {
      this.truncated = true;
      this.push({
        t: this.now(),
        dir: 'e',
        step,
        text: `[transcript truncated: more than ${this.limits.maxTranscriptEntries} lines; later lines were not recorded]`,
      });
      return;
    }
    let clean = this.secrets.scrub(text);
    const max = this.limits.maxEntryChars;
    if (clean.length > max) {
      clean = `${clean.slice(0, max)} [... ${clean.length - max} more characters not shown]`;
    }
    this.push({ t: this.now(), dir, step, text: clean });
  }

  info(text: string, step?: StepId): void {
    this.add('i', text, step);
  }

  error(text: string, step?: StepId): void {
    this.add('e', text, step);
  }

  private push(entry: TranscriptEntry): void {
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
  }
}

/** Milliseconds since `origin` (a performance.now() reading), to one decimal. */
export function clockFrom(origin: number): () => number {
  return () => Math.round((performance.now() - origin) * 10) / 10;
}
