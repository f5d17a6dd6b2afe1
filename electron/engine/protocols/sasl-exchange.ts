// Drives one SASL exchange over any protocol's framing (IMAP "+", POP3 "+", SMTP "334"),
// including the two-step failure of the OAuth mechanisms: on a refused token the server first
// sends an error challenge (base64 JSON), the client answers with an empty response, and only
// then comes the final rejection.
import {
  fromBase64,
  initialResponse,
  toBase64,
  type ConcreteMechanism,
  type OAuthBearerContext,
  type SaslCredentials,
} from './sasl';

export type SaslTurn = { kind: 'challenge'; data: string } | { kind: 'done'; ok: boolean; line: string };

export interface SaslFraming {
  /** Sends the command that starts the exchange, with the initial response when given. */
  start(mechanism: ConcreteMechanism, initial: string | null): Promise<SaslTurn>;
  /** Sends one client response line. */
  respond(data: string): Promise<SaslTurn>;
}

export interface SaslOutcome {
  ok: boolean;
  /** The server's final line. */
  line: string;
  /** Decoded error challenges, e.g. {"status":"401","schemes":"bearer","scope":"mail"}. */
  errorChallenges: string[];
  usedInitialResponse: boolean;
}

const MAX_TURNS = 6;

export async function runSasl(
  framing: SaslFraming,
  mechanism: ConcreteMechanism,
  credentials: SaslCredentials,
  ctx: OAuthBearerContext,
  useInitialResponse: boolean,
): Promise<SaslOutcome> {
  const initial = initialResponse(mechanism, credentials, ctx);
  // LOGIN sends the user name in answer to the first prompt; its "initial response" is not standard.
  const inline = useInitialResponse && mechanism !== 'LOGIN';
  let sentInitial = inline;
  let sentSecret = mechanism !== 'LOGIN';
  let turn = await framing.start(mechanism, inline ? initial : null);
  const errorChallenges: string[] = [];
  for (let i = 0; i < MAX_TURNS && turn.kind === 'challenge'; i += 1) {
    const decoded = fromBase64(turn.data) ?? '';
    if (!sentInitial) {
      sentInitial = true;
      turn = await framing.respond(initial);
    } else if (mechanism === 'LOGIN' && !sentSecret) {
      // User name first (as the initial response above), then the password: the same order the
      // transcript's redaction assumes, whatever the (localised) prompts say.
      const secret = credentials.kind === 'password' ? credentials.password : credentials.token;
      sentSecret = true;
      turn = await framing.respond(toBase64(secret));
    } else {
      // A challenge after our credentials: the server refuses them and says why.
      errorChallenges.push(decoded || turn.data);
      turn = await framing.respond(mechanism === 'OAUTHBEARER' ? toBase64('\x01') : '');
    }
  }
  if (turn.kind === 'challenge') {
    return {
      ok: false,
      line: `(no final answer after ${MAX_TURNS} challenges)`,
      errorChallenges,
      usedInitialResponse: inline,
    };
  }
  return { ok: turn.ok, line: turn.line, errorChallenges, usedInitialResponse: inline };
}
