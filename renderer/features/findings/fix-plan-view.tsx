// A finding's fix as a person runs it: numbered steps, each with its own command and copy button;
// alternatives as "choose one" with the recommended option first; a destructive step marked, its
// copy button asking for a second click, after the check that must be read first. "Copy all"
// copies the one path the plan names.
import type { Finding, FixPlan, FixStep, FixStepKind } from '../../../shared/report/model';
import { CopyButton } from '../../components/copy-button';

const KIND_LABEL: Record<FixStepKind, string> = { setup: 'Connect', check: 'Check', action: 'Change' };

interface Props {
  finding: Finding;
  plan: FixPlan;
}

/** The number of the first step (or choice) of the plan that copy all leaves out, when one is. */
function stopsBefore(plan: FixPlan): { number: number; destructive: boolean } | null {
  const copied = new Set(plan.copyAll);
  for (const [i, s] of plan.steps.entries()) {
    const path = s.kind === 'choice' ? (s.options[0]?.steps ?? []) : [s];
    for (const x of path) if (x.destructive) return { number: i + 1, destructive: true };
    if (s.kind !== 'choice' && s.command && !copied.has(s.command))
      return { number: i + 1, destructive: false };
  }
  return null;
}

/** The check step a destructive step waits for: the last check before it. */
function checkBefore(steps: readonly FixStep[], index: number): number | null {
  for (let i = index - 1; i >= 0; i -= 1) if (steps[i]?.kind === 'check') return i + 1;
  return null;
}

function StepBody({ step, name, checkNumber }: { step: FixStep; name: string; checkNumber: string | null }) {
  return (
    <>
      <div className="fix-step-head">
        <span className={`badge fix-kind fix-kind-${step.kind}`}>{KIND_LABEL[step.kind]}</span>
        {step.destructive ? (
          <span className="badge fix-destructive" data-testid="destructive-badge">
            Destructive
          </span>
        ) : null}
        {step.text ? <span className="fix-step-text">{step.text}</span> : null}
      </div>
      {step.destructive && checkNumber ? (
        <p className="fix-after-check">Only after reading the output of step {checkNumber}.</p>
      ) : null}
      {step.command ? (
        <div className="command">
          <pre>
            <code>{step.command}</code>
          </pre>
          <CopyButton
            label={`Copy ${name}: ${step.command}`}
            text={step.command}
            testId="copy-command"
            {...(step.destructive
              ? {
                  confirm: checkNumber
                    ? `Destructive: read step ${checkNumber}'s output first.`
                    : 'Destructive: check first.',
                }
              : {})}
          />
        </div>
      ) : null}
    </>
  );
}

export function FixPlanView({ finding, plan }: Props) {
  const stop = stopsBefore(plan);
  const commands = finding.fix.commands.length;
  // The plan's own steps, a choice standing as a step that is no check.
  const topSteps: FixStep[] = plan.steps.map((x) => (x.kind === 'choice' ? { kind: 'action', text: '' } : x));
  return (
    <div className="finding-block fix-plan" data-testid="fix-plan">
      <div className="block-head">
        <h4>Fix</h4>
        {plan.copyAll.length > 0 && commands > 1 ? (
          <CopyButton
            label={`Copy all commands of "${finding.title}"${stop ? `, up to step ${stop.number}` : ''}`}
            text={plan.copyAll.join('\n')}
            testId="copy-all-commands"
          >
            {stop?.destructive && stop.number > 1 ? `Copy all (steps 1 to ${stop.number - 1})` : 'Copy all'}
          </CopyButton>
        ) : null}
      </div>
      {stop && plan.copyAll.length > 0 && commands > 1 ? (
        <p className="fix-copy-note" data-testid="copy-all-note">
          {stop.destructive
            ? `Copies the recommended path up to step ${stop.number}, which is destructive: run it by itself once the check before it says so.`
            : `Copies the recommended path in one shell: step ${stop.number} is for another shell and has its own button.`}
        </p>
      ) : null}
      <ol className="fix-steps">
        {plan.steps.map((s, i) => {
          const number = `${i + 1}`;
          if (s.kind !== 'choice') {
            const check = checkBefore(topSteps, i);
            return (
              <li
                key={i}
                className={`fix-step${s.destructive ? ' is-destructive' : ''}`}
                data-testid="fix-step"
                data-kind={s.kind}
                data-destructive={s.destructive ? 'true' : undefined}
              >
                <StepBody step={s} name={`step ${number}`} checkNumber={check === null ? null : `${check}`} />
              </li>
            );
          }
          return (
            <li key={i} className="fix-step fix-choice" data-testid="fix-choice">
              <p className="fix-choice-text">{s.text}</p>
              <ul className="fix-options">
                {s.options.map((o, j) => {
                  const letter = String.fromCharCode(65 + j);
                  return (
                    <li
                      key={j}
                      className={`fix-option${o.recommended ? ' is-recommended' : ''}`}
                      data-testid="fix-option"
                      data-recommended={o.recommended ? 'true' : 'false'}
                    >
                      <div className="fix-option-head">
                        <span className="fix-option-letter">Option {letter}</span>
                        {o.recommended ? <span className="badge fix-recommended">Recommended</span> : null}
                        <span className="fix-option-label">{o.label}</span>
                      </div>
                      <ol className="fix-option-steps">
                        {o.steps.map((x, k) => {
                          const inner = checkBefore(o.steps, k);
                          const outer = checkBefore(topSteps, i);
                          const check =
                            inner !== null
                              ? `${number}${letter}.${inner}`
                              : outer !== null
                                ? `${outer}`
                                : null;
                          return (
                            <li
                              key={k}
                              className={`fix-step${x.destructive ? ' is-destructive' : ''}`}
                              data-testid="fix-step"
                              data-kind={x.kind}
                              data-destructive={x.destructive ? 'true' : undefined}
                            >
                              <StepBody
                                step={x}
                                name={`step ${number}, option ${letter}, ${k + 1}`}
                                checkNumber={check}
                              />
                            </li>
                          );
                        })}
                      </ol>
                    </li>
                  );
                })}
              </ul>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
