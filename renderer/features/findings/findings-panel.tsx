// Findings: what is wrong (title, confidence), why we think so (evidence, linked into the
// transcript where it quotes a line), what to do (the fix's plan: numbered steps, each command
// with its copy button, alternatives as a choice, destructive steps marked; docs). A report stored
// before plans existed shows its steps and commands as lists.
import type { Confidence, Finding } from '../../../shared/report/model';
import { CopyButton } from '../../components/copy-button';
import { FindingExplanation } from './finding-explanation';
import { FixPlanView } from './fix-plan-view';
import type { EvidenceLink } from '../../state/finding-links';
import { PROTOCOL_LABEL } from '../../state/run-state';
import './findings.css';

const CONFIDENCE_LABEL: Record<Confidence, string> = {
  high: 'High confidence',
  medium: 'Medium confidence',
  low: 'Low confidence',
};

interface Props {
  findings: readonly Finding[];
  /** Evidence linked to transcript rows, per finding (same order); absent: no transcript. */
  links?: readonly EvidenceLink[][];
  onReveal?: (rowId: number) => void;
  /** Shown when there is nothing to say. */
  empty: string;
}

function isWebLink(url: string): boolean {
  return /^https:\/\/[^\s]+$/.test(url);
}

export function FindingsPanel({ findings, links, onReveal, empty }: Props) {
  if (findings.length === 0) {
    return (
      <section className="findings findings-empty" data-testid="findings" aria-label="Findings">
        <p>{empty}</p>
      </section>
    );
  }
  const ranked = findings.length > 1;
  return (
    <section className="findings" data-testid="findings" aria-label="Findings">
      {ranked ? (
        <p className="findings-intro">
          {findings.length} possible causes, the most likely first. Check them in this order.
        </p>
      ) : null}
      <ol className="finding-list">
        {findings.map((f, i) => {
          const headingId = `finding-${i}-title`;
          const evidence = links?.[i] ?? f.evidence.map((text) => ({ text, rowId: null }));
          return (
            <li key={`${f.cause}-${i}`}>
              <article
                className={`finding confidence-${f.confidence}`}
                data-testid={`finding-${f.cause}`}
                data-confidence={f.confidence}
                aria-labelledby={headingId}
              >
                <header className="finding-head">
                  {ranked ? <span className="finding-rank">{i + 1}</span> : null}
                  <h3 id={headingId}>{f.title}</h3>
                  <span className={`badge badge-confidence-${f.confidence}`}>
                    {CONFIDENCE_LABEL[f.confidence]}
                  </span>
                </header>
                <div className="finding-meta">
                  <code className="finding-cause">{f.cause}</code>
                  {f.protocol ? (
                    <span className="badge badge-quiet">{PROTOCOL_LABEL[f.protocol]}</span>
                  ) : null}
                </div>
                <FindingExplanation text={f.explanation} id={`finding-${i}-explanation`} />

                {f.fix.plan ? (
                  <FixPlanView finding={f} plan={f.fix.plan} />
                ) : (
                  <>
                    {f.fix.steps.length > 0 ? (
                      <div className="finding-block">
                        <h4>Fix</h4>
                        <ol className="fix-steps">
                          {f.fix.steps.map((s, j) => (
                            <li key={j}>{s}</li>
                          ))}
                        </ol>
                      </div>
                    ) : null}

                    {f.fix.commands.length > 0 ? (
                      <div className="finding-block">
                        <div className="block-head">
                          <h4>PowerShell</h4>
                          {f.fix.commands.length > 1 ? (
                            <CopyButton
                              label={`Copy all commands of "${f.title}"`}
                              text={f.fix.commands.join('\n')}
                              testId="copy-all-commands"
                            >
                              Copy all
                            </CopyButton>
                          ) : null}
                        </div>
                        <ul className="command-list">
                          {f.fix.commands.map((c, j) => (
                            <li key={j} className="command">
                              <pre>
                                <code>{c}</code>
                              </pre>
                              <CopyButton
                                label={`Copy command ${j + 1}: ${c}`}
                                text={c}
                                testId="copy-command"
                              />
                            </li>
                          ))}
                        </ul>
                      </div>
                    ) : null}
                  </>
                )}

                {/* The fix before its evidence: what to do is in view first. */}
                {evidence.length > 0 ? (
                  <div className="finding-block">
                    <h4>Evidence</h4>
                    <ul className="evidence-list">
                      {evidence.map((e, j) => (
                        <li key={j}>
                          {e.rowId !== null && onReveal ? (
                            <button
                              type="button"
                              className="evidence-link"
                              data-testid="evidence-link"
                              title="Show this line in the transcript"
                              onClick={() => {
                                if (e.rowId !== null) onReveal(e.rowId);
                              }}
                            >
                              <code>{e.text}</code>
                              <span className="evidence-go" aria-hidden="true">
                                {'\u21AA'} transcript
                              </span>
                            </button>
                          ) : (
                            <code className="evidence-text">{e.text}</code>
                          )}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}

                {f.docs.length > 0 ? (
                  <div className="finding-block">
                    <h4>Documentation</h4>
                    <ul className="doc-list">
                      {f.docs.map((url) => (
                        <li key={url}>
                          {isWebLink(url) ? (
                            <a href={url} target="_blank" rel="noopener noreferrer">
                              {url}
                            </a>
                          ) : (
                            <span>{url}</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}
              </article>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
