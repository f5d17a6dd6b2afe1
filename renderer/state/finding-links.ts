// Links a finding's evidence lines to the transcript rows they quote, so the findings panel can
// scroll the transcript to the server's own words. Evidence reads "<protocol> <step>: <text>"
// ("smtp auth: 535 5.7.3 Authentication unsuccessful [...]"), "token endpoint: <text>" or is
// free text; the quoted text is looked up in the rows, preferring the same protocol and step.
import type { Finding, Protocol, StepId } from '../../shared/report/model';
import type { TranscriptRow } from './transcript-rows';
import { STEP_ORDER } from './run-state';

export interface ParsedEvidence {
  protocol: Protocol | null;
  step: StepId | null;
  /** The quoted text to look for in the transcript. */
  needle: string;
}

export interface EvidenceLink {
  text: string;
  /** The transcript row it quotes, or null when none matches. */
  rowId: number | null;
}

const PROTOCOLS: readonly string[] = ['token', 'imap', 'pop3', 'smtp', 'graph'];
const PREFIX = /^(token|imap|pop3|smtp|graph|mail)(?: ([a-z]+))?: (.+)$/s;
/** Shorter quotes match too much to be worth a link. */
const MIN_NEEDLE = 6;
/** Long evidence is matched on its start: the rest may be cut or reworded. */
const MAX_NEEDLE = 120;

export function parseEvidence(evidence: string): ParsedEvidence {
  const m = PREFIX.exec(evidence.trim());
  if (!m) return { protocol: null, step: null, needle: evidence.trim() };
  const [, who = '', where, rest = ''] = m;
  const protocol = PROTOCOLS.includes(who) ? (who as Protocol) : null;
  const step =
    where !== undefined && (STEP_ORDER as readonly string[]).includes(where) ? (where as StepId) : null;
  // "token endpoint: ..." names the token check's acquire step.
  if (who === 'token' && where === 'endpoint')
    return { protocol: 'token', step: 'acquire', needle: rest.trim() };
  return { protocol, step, needle: rest.trim() };
}

function score(row: TranscriptRow, parsed: ParsedEvidence): number {
  let s = 0;
  if (parsed.protocol !== null && row.protocol === parsed.protocol) s += 2;
  if (parsed.step !== null && row.step === parsed.step) s += 1;
  // The server's words are the better quote than our own info line repeating them.
  if (row.dir === 's') s += 0.5;
  return s;
}

/** The row that best matches one evidence line, or null. */
export function findEvidenceRow(rows: readonly TranscriptRow[], evidence: string): number | null {
  const parsed = parseEvidence(evidence);
  const needle = parsed.needle.slice(0, MAX_NEEDLE).toLowerCase();
  if (needle.length < MIN_NEEDLE) return null;
  let best: TranscriptRow | null = null;
  let bestScore = -1;
  for (const row of rows) {
    if (!row.text.toLowerCase().includes(needle)) continue;
    const s = score(row, parsed);
    if (s > bestScore) {
      best = row;
      bestScore = s;
      if (s >= 3.5) break;
    }
  }
  return best?.id ?? null;
}

export function linkEvidence(rows: readonly TranscriptRow[], evidence: readonly string[]): EvidenceLink[] {
  return evidence.map((text) => ({ text, rowId: findEvidenceRow(rows, text) }));
}

/** Every finding's evidence linked, keyed by the finding's position. */
export function linkFindings(rows: readonly TranscriptRow[], findings: readonly Finding[]): EvidenceLink[][] {
  return findings.map((f) => linkEvidence(rows, f.evidence));
}
