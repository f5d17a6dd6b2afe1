// Evidence -> findings: runs the rules, merges what several protocols say about one cause, ranks,
// sets a confidence that never overstates an ambiguous case, and fills in the fix.
import type { Finding, MailProtocol, Report } from '../../../shared/report/model';
import type { CauseId } from '../../../shared/diagnosis/catalog';
import type { Evidence } from './evidence';
import { evidenceFromReport } from './evidence';
import { causeText } from './causes';
import { RULES, TELL_APART, type Candidate } from './rules';

const MIN_SCORE = 0.2;
/**
 * Causes that differ per protocol (its own permission, its own endpoint). Every other cause is
 * one finding however many protocols show it.
 */
const PER_PROTOCOL =
  /^(account\.protocol_disabled|token\.missing_role|token\.missing_scope|tls\.|network\.(dns|connect|port|proxy))/;

interface Merged {
  cause: CauseId;
  protocols: Set<MailProtocol | null>;
  score: number;
  evidence: string[];
  ambiguous: Set<string>;
}

function key(c: Candidate): string {
  return PER_PROTOCOL.test(c.cause) ? `${c.cause}|${c.protocol ?? ''}` : c.cause;
}

function confidence(m: Merged): Finding['confidence'] {
  if (m.score >= 0.8 && m.ambiguous.size === 0) return 'high';
  if (m.score >= 0.5) return 'medium';
  return 'low';
}

export function diagnose(evidence: Evidence): Finding[] {
  const merged = new Map<string, Merged>();
  for (const rule of RULES) {
    for (const c of rule(evidence)) {
      if (c.score < MIN_SCORE) continue;
      const k = key(c);
      const m = merged.get(k) ?? {
        cause: c.cause,
        protocols: new Set(),
        score: 0,
        evidence: [],
        ambiguous: new Set(),
      };
      m.protocols.add(c.protocol);
      // A cause seen by several rules or protocols is more likely than by one.
      m.score = m.score === 0 ? c.score : Math.min(0.99, Math.max(m.score, c.score) + 0.02);
      for (const e of c.evidence) if (!m.evidence.includes(e)) m.evidence.push(e);
      if (c.ambiguous) m.ambiguous.add(c.ambiguous);
      merged.set(k, m);
    }
  }
  // A specific cause found for a protocol outranks the generic guesses for that same protocol.
  const specific = [...merged.values()].filter((m) => m.ambiguous.size === 0 && m.score >= 0.8);
  for (const m of merged.values()) {
    if (m.ambiguous.size === 0) continue;
    if (specific.some((s) => [...s.protocols].some((p) => p === null || m.protocols.has(p)))) m.score *= 0.5;
  }
  return [...merged.values()]
    .filter((m) => m.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score)
    .map((m) => toFinding(m, evidence));
}

function toFinding(m: Merged, evidence: Evidence): Finding {
  const protocols = [...m.protocols].filter((p): p is MailProtocol => p !== null);
  const protocol = protocols.length === 1 ? (protocols[0] ?? null) : null;
  const text = causeText(m.cause, evidence.context, protocol);
  const notes = [...m.ambiguous].map((a) => TELL_APART[a]).filter((n): n is string => Boolean(n));
  return {
    cause: m.cause,
    confidence: confidence(m),
    protocol,
    title: text.title,
    explanation: notes.length ? `${text.explanation} ${notes.join(' ')}` : text.explanation,
    evidence: m.evidence,
    fix: { steps: text.steps, commands: text.commands },
    docs: text.docs,
  };
}

export function diagnoseReport(report: Report): Finding[] {
  return diagnose(evidenceFromReport(report));
}
