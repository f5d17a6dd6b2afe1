// What a lab mail server says depends on whose server it plays: the same sessions speak Exchange
// Online's words (exchange-wording.ts) or Gmail's (gmail-wording.ts). Both fill this one shape, so
// a text that one provider lacks is a compile error, not a silent gap.
import { IMAP, POP3, SMTP } from './exchange-wording';

/** The shape of a wording table, with its texts widened from literals to strings. */
type Widened<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => string
    ? (...args: A) => string
    : T[K] extends readonly string[]
      ? readonly string[]
      : string;
};

export interface MailWording {
  imap: Widened<typeof IMAP>;
  pop3: Widened<typeof POP3>;
  smtp: Widened<typeof SMTP>;
}

export const EXCHANGE_WORDING: MailWording = { imap: IMAP, pop3: POP3, smtp: SMTP };
