// Protocol-aware views of the lines on the wire: which step a client command belongs to, how a
// client line is redacted before it is recorded (passwords, SASL payloads), and what a server
// challenge decodes to. Stateful: one observer per connection.
import type { StepId } from '../../../shared/report/model';
import { describeSecret } from '../wire/secrets';
import { describeChallenge, describeSaslMessage, fromBase64 } from './sasl';

export interface LineObserver {
  /** The step a client line starts, or null when it continues the current one. */
  stepOf(line: string): StepId | null;
  /** The text recorded for a client line, with every secret redacted. */
  client(line: string): string;
  /** Extra info lines to record after a server line (decoded challenges). */
  server(line: string): string[];
  /**
   * The text recorded for a server line, or null to leave it out (other people's mail headers
   * that a POP3 round trip reads to find its message). Lines are recorded as they are without it.
   */
  shown?(line: string): string | null;
}

interface SaslState {
  mech: string;
  index: number;
  lastChallenge: string | null;
}

/** Shared bookkeeping for the SASL exchange inside AUTHENTICATE / AUTH. */
class SaslTracker {
  state: SaslState | null = null;

  start(mech: string, initial: string | undefined): string {
    this.state = { mech, index: 0, lastChallenge: null };
    if (initial === undefined) return '';
    return ` ${this.next(initial)}`;
  }

  next(line: string): string {
    const s = this.state;
    if (!s) return line;
    const shown = describeSaslMessage(s.mech, s.index, line, s.lastChallenge);
    s.index += 1;
    return shown;
  }

  challenge(base64: string): string[] {
    if (!this.state) return [];
    this.state.lastChallenge = fromBase64(base64);
    const note = describeChallenge(base64);
    return note ? [note] : [];
  }

  end(): void {
    this.state = null;
  }
}

const IMAP_STEPS: Record<string, StepId> = {
  CAPABILITY: 'capabilities',
  STARTTLS: 'starttls',
  AUTHENTICATE: 'auth',
  LOGIN: 'auth',
  LIST: 'mailbox',
  EXAMINE: 'mailbox',
  SELECT: 'mailbox',
  STATUS: 'mailbox',
  // SEARCH, UID and FETCH leave the step as it is: the round trip searches after the mailbox step.
  LOGOUT: 'logout',
};

/**
 * What a client runs right after the sign-in (imapflow asks CAPABILITY again, then NAMESPACE,
 * ENABLE, ID) is the opening of the session: the mailbox step, where the check records a refusal
 * of any of them, not the capabilities step of before the sign-in.
 */
const AFTER_SIGN_IN = new Set(['CAPABILITY', 'NAMESPACE', 'ENABLE', 'ID', 'COMPRESS']);

export function createImapObserver(): LineObserver {
  const sasl = new SaslTracker();
  let saslTag: string | null = null;
  let loginTag: string | null = null;
  /** The tag of the sign-in command (AUTHENTICATE or LOGIN), until it is answered. */
  let signInTag: string | null = null;
  let signedIn = false;
  return {
    stepOf(line) {
      if (saslTag || loginTag) return null;
      const command = /^\S+ (\S+)/.exec(line)?.[1]?.toUpperCase();
      if (!command) return null;
      if (signedIn && AFTER_SIGN_IN.has(command)) return 'mailbox';
      return IMAP_STEPS[command] ?? null;
    },
    client(line) {
      if (saslTag) return sasl.next(line);
      if (loginTag) return describeSecret('literal', line);
      const auth = /^(\S+) (AUTHENTICATE) (\S+)(?: (\S+))?$/i.exec(line);
      if (auth) {
        saslTag = auth[1] ?? '';
        signInTag = saslTag;
        return `${auth[1] ?? ''} ${auth[2] ?? ''} ${auth[3] ?? ''}${sasl.start(auth[3] ?? '', auth[4])}`;
      }
      const login = /^(\S+) (LOGIN) (.*)$/i.exec(line);
      if (login) {
        const args = login[3] ?? '';
        const user = /^("(?:[^"\\]|\\.)*"|[^\s{]+) /.exec(args)?.[1];
        // A literal ({n} or {n+}) means the next client lines carry the argument bytes.
        if (/\{\d+\+?\}$/.test(args)) loginTag = login[1] ?? '';
        signInTag = login[1] ?? '';
        return `${login[1] ?? ''} ${login[2] ?? ''} ${user ?? '<literal>'} ${describeSecret('password', args)}`;
      }
      return line;
    },
    server(line) {
      if (line.startsWith('+')) return sasl.challenge(line.slice(1).trim());
      const answer = /^(\S+) (OK|NO|BAD)\b/i.exec(line);
      const tag = answer?.[1];
      if (answer && tag === signInTag) {
        signedIn = (answer[2] ?? '').toUpperCase() === 'OK';
        signInTag = null;
      }
      if (tag && tag === saslTag) {
        saslTag = null;
        sasl.end();
      }
      if (tag && tag === loginTag) loginTag = null;
      return [];
    },
  };
}

const POP3_STEPS: Record<string, StepId> = {
  CAPA: 'capabilities',
  STLS: 'starttls',
  USER: 'auth',
  PASS: 'auth',
  APOP: 'auth',
  AUTH: 'auth',
  STAT: 'mailbox',
  LIST: 'mailbox',
  UIDL: 'mailbox',
  TOP: 'mailbox',
  RETR: 'mailbox',
  QUIT: 'logout',
};

export function createPop3Observer(): LineObserver {
  const sasl = new SaslTracker();
  // TOP answers carry the headers of messages in the mailbox: not ours to record.
  let top: 'none' | 'status' | 'headers' = 'none';
  let withheld = 0;
  return {
    shown(line) {
      if (top === 'status') {
        top = line.startsWith('+OK') ? 'headers' : 'none';
        withheld = 0;
        return line;
      }
      if (top === 'headers') {
        if (line !== '.') {
          withheld += 1;
          return null;
        }
        top = 'none';
        return `. [${withheld} header line${withheld === 1 ? '' : 's'} of the message not recorded]`;
      }
      return line;
    },
    stepOf(line) {
      if (sasl.state) return null;
      const command = /^(\S+)/.exec(line)?.[1]?.toUpperCase();
      return command ? (POP3_STEPS[command] ?? null) : null;
    },
    client(line) {
      if (sasl.state) return sasl.next(line);
      const pass = /^(PASS) (.*)$/i.exec(line);
      if (pass) return `${pass[1] ?? ''} ${describeSecret('password', pass[2] ?? '')}`;
      const apop = /^(APOP) (\S+) (\S+)$/i.exec(line);
      if (apop) return `${apop[1] ?? ''} ${apop[2] ?? ''} ${describeSecret('digest', apop[3] ?? '')}`;
      const auth = /^(AUTH) (\S+)(?: (\S+))?$/i.exec(line);
      if (auth) return `${auth[1] ?? ''} ${auth[2] ?? ''}${sasl.start(auth[2] ?? '', auth[3])}`;
      if (/^TOP\s/i.test(line)) top = 'status';
      return line;
    },
    server(line) {
      if (line.startsWith('+ ') || line === '+') return sasl.challenge(line.slice(1).trim());
      if (/^[+-](OK|ERR)\b/.test(line)) sasl.end();
      return [];
    },
  };
}

const SMTP_STEPS: Record<string, StepId> = {
  EHLO: 'capabilities',
  HELO: 'capabilities',
  STARTTLS: 'starttls',
  AUTH: 'auth',
  MAIL: 'mailbox',
  RCPT: 'mailbox',
  RSET: 'mailbox',
  DATA: 'send',
  QUIT: 'logout',
};

export function createSmtpObserver(): LineObserver {
  const sasl = new SaslTracker();
  let inData = false;
  return {
    stepOf(line) {
      if (sasl.state || inData) return null;
      const command = /^(\S+)/.exec(line)?.[1]?.toUpperCase();
      return command ? (SMTP_STEPS[command] ?? null) : null;
    },
    client(line) {
      if (sasl.state) return sasl.next(line);
      if (inData) {
        if (line === '.') inData = false;
        return line;
      }
      const auth = /^(AUTH) (\S+)(?: (\S+))?$/i.exec(line);
      if (auth) return `${auth[1] ?? ''} ${auth[2] ?? ''}${sasl.start(auth[2] ?? '', auth[3])}`;
      return line;
    },
    server(line) {
      const code = /^(\d{3})[ -]?(.*)$/.exec(line);
      if (!code) return [];
      if (code[1] === '334') return sasl.challenge(code[2] ?? '');
      if (code[1] === '354') inData = true;
      if (line.charAt(3) !== '-') sasl.end();
      return [];
    },
  };
}
