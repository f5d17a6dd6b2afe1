import type { SaslMechanism } from '../../../shared/report/model';
import type { ConcreteMechanism, SaslCredentials } from './sasl';

export interface MechanismChoice {
  mechanism: ConcreteMechanism;
  /** Why it was chosen, for the step detail. */
  reason: string;
  /** True when the server did not advertise it and we try it anyway. */
  unadvertised: boolean;
}

const BY_NAME: Record<Exclude<SaslMechanism, 'auto'>, ConcreteMechanism> = {
  xoauth2: 'XOAUTH2',
  oauthbearer: 'OAUTHBEARER',
  plain: 'PLAIN',
  login: 'LOGIN',
};

/**
 * Picks the SASL mechanism. `auto` prefers XOAUTH2 for a token (what Microsoft 365 offers), then
 * OAUTHBEARER; for a password PLAIN, then LOGIN.
 */
export function chooseMechanism(
  wanted: SaslMechanism,
  offered: readonly string[],
  credentials: SaslCredentials,
): MechanismChoice {
  const upper = new Set(offered.map((m) => m.toUpperCase()));
  if (wanted !== 'auto') {
    const mechanism = BY_NAME[wanted];
    const unadvertised = !upper.has(mechanism);
    return {
      mechanism,
      reason: unadvertised
        ? `${mechanism} was asked for but the server does not advertise it`
        : `${mechanism} was asked for`,
      unadvertised,
    };
  }
  const preference: ConcreteMechanism[] =
    credentials.kind === 'token' ? ['XOAUTH2', 'OAUTHBEARER'] : ['PLAIN', 'LOGIN'];
  const found = preference.find((m) => upper.has(m));
  if (found) return { mechanism: found, reason: `${found} is offered by the server`, unadvertised: false };
  const fallback = preference[0] ?? 'XOAUTH2';
  return {
    mechanism: fallback,
    reason: `The server advertises none of ${preference.join(', ')} (offers: ${[...upper].join(' ') || 'nothing'}); trying ${fallback}`,
    unadvertised: true,
  };
}
