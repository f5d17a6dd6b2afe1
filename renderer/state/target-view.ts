// What the run header says about the target: the provider, tenant, client id, mailbox, each
// endpoint with its security mode in full, and where the secret is kept. Pure: unit-tested.
import type { Profile, ProfileSummary, VaultStatus } from '../../shared/api/contract';
import { CLOUDS } from '../../shared/config/clouds';
import type { EndpointTarget, Protocol, ReportTarget } from '../../shared/report/model';
import { PROTOCOL_LABEL } from '../../shared/report/model';
import { SECURITY_NAME, endpointText } from './run-state';

export interface TargetFact {
  id: 'provider' | 'tenant' | 'client' | 'mailbox' | 'secret';
  label: string;
  value: string;
  /** A fact that needs doing something about (no secret stored, secrets lost at quit). */
  warn?: boolean;
}

export interface TargetEndpoint {
  protocol: Protocol;
  label: string;
  text: string;
}

export interface TargetView {
  facts: TargetFact[];
  endpoints: TargetEndpoint[];
  /** Said under the endpoints (the Demo tenant's ports are the lab's own, picked when it starts). */
  endpointsNote: string | null;
}

interface TargetInput {
  summary: ProfileSummary;
  /** The profile in full, once loaded. */
  profile: Profile | null;
  /** The target of the run shown, when it has a report: what was really checked. */
  reported: ReportTarget | null;
  /** The Demo tenant's scenario (google-* is the Google Workspace lab). */
  scenario: string | null;
  vault: VaultStatus | null;
}

const GOOGLE = new Set(['google-service-account', 'google-user']);

function providerOf(input: TargetInput): string {
  const { summary, reported } = input;
  if (summary.demo) {
    const google = reported ? reported.provider === 'google' : (input.scenario ?? '').startsWith('google-');
    return google ? 'Google Workspace (simulated, the lab)' : 'Microsoft 365 (simulated, the lab)';
  }
  if (GOOGLE.has(summary.credential))
    return summary.credential === 'google-user' ? 'Gmail (a user signs in)' : 'Google Workspace';
  if (summary.credential === 'oidc') return 'OpenID provider';
  if (summary.credential === 'acs') return 'Azure Communication Services (SMTP)';
  const cloud =
    summary.cloud === 'custom'
      ? 'Microsoft 365, custom endpoints'
      : summary.cloud === 'global'
        ? 'Microsoft 365'
        : `Microsoft 365, ${CLOUDS[summary.cloud].label}`;
  return summary.credential === 'hve' ? `${cloud}: High Volume Email` : cloud;
}

function secretOf(input: TargetInput): TargetFact {
  const { summary, profile, vault } = input;
  const fact = (value: string, warn = false): TargetFact => ({ id: 'secret', label: 'Secret', value, warn });
  if (summary.demo) return fact("the lab's own (nothing stored)");
  const where =
    vault?.kind === 'session'
      ? `kept for this session only, lost when the app quits${vault.reason ? ` (${vault.reason})` : ''}`
      : 'stored in the OS keychain';
  switch (summary.credential) {
    case 'device-code':
    case 'browser':
      return fact(
        profile?.keptSignIn
          ? `a person signs in; the sign-in is kept (${vault?.kind === 'session' ? 'this session only' : 'OS keychain'})`
          : 'a person signs in at each run (nothing stored)',
      );
    case 'certificate':
      return {
        id: 'secret',
        label: 'Certificate',
        value: profile?.certificatePath
          ? `${profile.certificatePath}${profile.keyPath ? `, key ${profile.keyPath}` : ''}`
          : 'a certificate file',
      };
    default:
      return summary.hasSecret
        ? fact(where, vault?.kind === 'session')
        : fact('none stored: edit the profile to enter it', true);
  }
}

export function targetView(input: TargetInput): TargetView {
  const { summary, profile, reported } = input;
  const credential = summary.credential;
  const tenantLabel = credential === 'oidc' ? 'Issuer' : GOOGLE.has(credential) ? 'Domain' : 'Tenant';
  const tenant =
    credential === 'oidc'
      ? (reported?.issuer ?? profile?.issuer ?? profile?.tenant ?? null)
      : (reported?.tenant ?? profile?.tenant ?? null);
  const clientId = reported?.clientId ?? profile?.clientId ?? null;
  const facts: TargetFact[] = [{ id: 'provider', label: 'Provider', value: providerOf(input) }];
  if (tenant) facts.push({ id: 'tenant', label: tenantLabel, value: tenant });
  if (clientId) facts.push({ id: 'client', label: 'Client id', value: clientId });
  facts.push({ id: 'mailbox', label: 'Mailbox', value: reported?.mailbox ?? summary.mailbox });
  facts.push(secretOf(input));

  const endpoints: TargetEndpoint[] = [];
  const add = (protocol: Protocol, endpoint: EndpointTarget | undefined, text?: string): void => {
    if (endpoint)
      endpoints.push({ protocol, label: PROTOCOL_LABEL[protocol], text: text ?? endpointText(endpoint) });
  };
  let endpointsNote: string | null = null;
  if (reported) {
    for (const p of ['imap', 'pop3', 'smtp', 'graph'] as const) add(p, reported[p]);
  } else if (profile) {
    for (const p of ['imap', 'pop3', 'smtp'] as const) {
      const e = profile[p];
      add(p, e, summary.demo ? `${e.host} · ${SECURITY_NAME[e.security]}` : undefined);
    }
    if (summary.demo) endpointsNote = 'Ports: the lab picks its own when it starts; the run shows them';
  }
  return { facts, endpoints, endpointsNote };
}
