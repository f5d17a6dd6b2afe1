// The little the engine still reads without the knowledge files: which words make a bare refusal
// (left to the ranking rules, which weigh it against everything else known), AADSTS codes wherever
// they stand, and the two codes the knowledge does not document. Every text that names a cause is
// a knowledge entry (knowledge/*.json), with its source.
import type { CauseId } from '../../../shared/diagnosis/catalog';

/** A bare "authentication failed": not a cause, a signal for the ranking rules. */
export const GENERIC_REJECTION =
  /AUTHENTICATE failed|535 5\.7\.3|Authentication unsuccessful|-ERR Authentication failure|unknown user name or bad password|\[AUTHENTICATIONFAILED\]|Invalid credentials|Authentication failed|LOGIN failed|AUTH(ENTICATE)? command failed/i;

/** AADSTS codes in any text: "AADSTS7000215", "error_codes":[7000215]. */
export function aadstsCodes(text: string): number[] {
  const codes = new Set<number>();
  for (const m of text.matchAll(/AADSTS(\d{4,7})/g)) codes.add(Number(m[1]));
  for (const m of text.matchAll(/"error_codes"\s{0,20}:\s{0,20}\[([\d,\s]{1,200})\]/g))
    for (const c of (m[1] ?? '').split(',')) if (c.trim()) codes.add(Number(c.trim()));
  return [...codes];
}

/**
 * AADSTS codes the knowledge files do not document yet (every other code is read from there, with
 * its entry's confidence, fix and source).
 */
export const AADSTS_CAUSES: Record<number, CauseId> = {
  53005: 'token.conditional_access',
  530003: 'token.conditional_access',
};
