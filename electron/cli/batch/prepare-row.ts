// A planned row as a prepared run. Profile and explicit rows go through check's own parser and
// target building (parseTargetArgs, prepareRun), so a batch row means what the same flags mean
// to `mailprobe check`. Lab rows take their scenario's lab from the batch's pool instead of
// starting one each, as `check --lab` would. A row's mistake is data (RowProblem), not a throw.
import { isScenarioId, SCENARIOS } from '../../lab/state';
import type { Lab } from '../../lab/lab';
import { labRunInput } from '../../compose/lab-targets';
import type { TlsSettings } from '../../engine/wire/tls';
import type { RunInput } from '../../engine/checks/run';
import { DEFAULT_LIMITS, type Timeouts } from '../../engine/wire/limits';
import { DIRECT } from '../../engine/wire/proxy';
import { addressError } from '../../../shared/config/validate';
import { MAIL_PROTOCOLS, type MailProtocol, type SaslMechanism } from '../../../shared/report/model';
import { parseTargetArgs, prepareRun, timeoutsOf, type PreparedRun, type Values } from '../target-options';
import { UsageError } from '../usage-error';
import type { LabPool } from './lab-pool';
import type { RowPlan } from './row-plan';

/** The row cannot run as written: the reason, in check's words. */
export class RowProblem extends Error {
  override readonly name = 'RowProblem';
}

function problem(text: string | null): void {
  if (text) throw new RowProblem(text);
}

const MECHANISMS: readonly SaslMechanism[] = ['auto', 'xoauth2', 'oauthbearer', 'plain', 'login'];

function labTimeouts(values: Values): Timeouts {
  return timeoutsOf(values, problem, (flag) => flag.replace(/-/g, '_'));
}

// The TLS settings of a lab's rows, one object per lab and settings: the engine builds one secure
// context (the public roots and the lab's CA, milliseconds of CPU) per settings object, so the
// rows of a lab share one instead of each building its own.
const labTls = new WeakMap<Lab, Map<string, TlsSettings>>();

function sharedTls(lab: Lab, tls: TlsSettings): TlsSettings {
  const key = JSON.stringify(tls);
  let known = labTls.get(lab);
  if (!known) {
    known = new Map();
    labTls.set(lab, known);
  }
  const shared = known.get(key) ?? tls;
  known.set(key, shared);
  return shared;
}

async function prepareLabRow(plan: RowPlan, scenario: string, labs: LabPool): Promise<PreparedRun> {
  if (!isScenarioId(scenario))
    throw new RowProblem(
      `no lab scenario "${scenario}" (mailprobe --help lists them; e.g. lab:${SCENARIOS[0]})`,
    );
  const values = parseTargetArgs('batch', plan.args);
  const mechanism = values.mech ?? 'auto';
  if (!(MECHANISMS as readonly string[]).includes(mechanism))
    throw new RowProblem(`mech is one of ${MECHANISMS.join(', ')}, not "${mechanism}"`);
  const minTls = values['min-tls'] ?? '1.2';
  if (minTls !== '1.2' && minTls !== '1.3') throw new RowProblem(`min_tls is 1.2 or 1.3, not "${minTls}"`);
  if (values['send-to'] !== undefined) problem(addressError(values['send-to']));
  if (values.from !== undefined) problem(addressError(values.from));
  const timeouts = labTimeouts(values);
  const chosen = MAIL_PROTOCOLS.filter((p) => values[p]);
  const lab = await labs.get(scenario);
  // As check --lab: a Graph scenario checks Graph unless mail checks are named; --graph adds it.
  const graph = values.graph === true || (lab.client.graph && chosen.length === 0);
  const protocols: MailProtocol[] = chosen.length > 0 ? chosen : graph ? [] : [...MAIL_PROTOCOLS];
  if (lab.client.delegated)
    throw new RowProblem(
      `scenario ${scenario} has a user sign in (device code); a batch runs unattended: try it with mailprobe check --lab --scenario ${scenario}`,
    );
  if (lab.client.service && (values.imap || values.pop3))
    throw new RowProblem(`scenario ${scenario} checks SMTP submission only: leave imap and pop3 out`);
  const network: RunInput['network'] = {
    timeouts,
    tls: { extraCaPem: [], minVersion: minTls === '1.3' ? 'TLSv1.3' : 'TLSv1.2' },
    limits: DEFAULT_LIMITS,
    family: 'auto',
    // The lab is on this machine's loopback: a company proxy from the environment cannot reach it.
    proxy: DIRECT,
  };
  const input = labRunInput(lab, {
    protocols,
    graph,
    mechanism: mechanism as SaslMechanism,
    network,
    sendTo: values['send-to'],
    from: values.from,
  });
  input.network.tls = sharedTls(lab, input.network.tls);
  // The lab is the pool's: the batch closes it once every row is done.
  return { input, label: `the lab (scenario ${scenario})`, scenario, close: () => Promise.resolve() };
}

/** The prepared run of a row, or a RowProblem saying why it cannot run. */
export async function prepareRow(plan: RowPlan, labs: LabPool): Promise<PreparedRun> {
  try {
    const { target } = plan;
    switch (target.kind) {
      case 'lab':
        return await prepareLabRow(plan, target.scenario, labs);
      case 'profile':
        return await prepareRun(parseTargetArgs('batch', ['--profile', target.name, ...plan.args]));
      case 'explicit':
        return await prepareRun(parseTargetArgs('batch', plan.args));
    }
  } catch (error) {
    if (error instanceof UsageError) throw new RowProblem(asColumns(error.message));
    // A profile whose saved fields cannot make a run (engine/app/targets' TargetError).
    if (error instanceof Error && (error as { code?: unknown }).code === 'TARGET')
      throw new RowProblem(error.message);
    throw error;
  }
}

/** check's words name its flags (--imap-port); a batch row has columns (imap_port). */
export function asColumns(message: string): string {
  return message
    .replace(/^batch: /, '')
    .replace(/--([a-z0-9]+(?:-[a-z0-9]+)*)/g, (_, flag: string) => flag.replace(/-/g, '_'));
}
