// The lab's IMAP server: Exchange Online's IMAP4 service as a client sees it on
// outlook.office365.com:993 (implicit TLS), from the greeting to LOGOUT, with the sign-in
// outcomes of decide.ts and the folders of mailbox-store.ts.
import type { Socket } from 'node:net';
import type { MailContext } from './mail-context';
import type { MailWording } from './mail-wording';
import { SessionChannel } from './session-channel';
import { IMAP, throttleBackoffMs } from './exchange-wording';
import {
  ArgReader,
  ImapSyntaxError,
  imapMailboxName,
  inRanges,
  parseSequenceSet,
  readCommand,
  tagOf,
  type Token,
} from './imap-syntax';
import { fetchSetsSeen, flagList, parseFetchItems, renderFetch } from './imap-fetch';
import { parseSearch } from './imap-search';
import { FOLDERS, canonicalFolder, type StoredMessage } from './mailbox-store';
import { tokenExpired } from './decide';

type Stage = 'not-authenticated' | 'not-connected' | 'authenticated' | 'selected';

interface Selected {
  folder: string;
  readOnly: boolean;
  /** The session's numbering of the folder: sequence number n is view[n - 1]. */
  view: StoredMessage[];
}

/** What a handler tells the command loop: keep going, or the session is over. */
type Next = 'continue' | 'end';

type Handler = (tag: string, args: ArgReader) => Promise<Next> | Next;

/** Commands that touch the mailbox: the ones Exchange answers "Request is throttled" to. */
const MAILBOX_COMMANDS = new Set([
  'SELECT',
  'EXAMINE',
  'LIST',
  'LSUB',
  'STATUS',
  'APPEND',
  'FETCH',
  'UID FETCH',
  'SEARCH',
  'UID SEARCH',
  'STORE',
  'UID STORE',
  'COPY',
  'UID COPY',
  'MOVE',
  'UID MOVE',
  'EXPUNGE',
  'UID EXPUNGE',
]);

/** Sign-in attempts one connection may fail before it is closed. */
const MAX_FAILED_LOGINS = 3;

const PERMANENT_FLAGS = '(\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)';

export function startImapSession(socket: Socket, context: MailContext): void {
  const session = new ImapSession(socket, context);
  session.run().catch(() => {
    socket.destroy();
  });
}

class ImapSession {
  /** The words of the provider this lab server plays (Exchange Online, Gmail). */
  private get w(): MailWording['imap'] {
    return this.context.wording.imap;
  }

  private readonly channel: SessionChannel;
  private stage: Stage = 'not-authenticated';
  private mailbox = '';
  private expiresAtMs: number | null = null;
  private selected: Selected | null = null;
  private notConnectedAnswers = 0;
  private failedLogins = 0;
  private idling = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly stopWatching: () => void;
  private readonly handlers: Record<string, { stages: readonly Stage[]; run: Handler }>;

  constructor(
    socket: Socket,
    private readonly context: MailContext,
  ) {
    this.channel = new SessionChannel(socket, context.limits.idleMs, () => {
      this.channel.end(this.w.idleTimeoutBye);
    });
    this.stopWatching = context.store.onChange((mailbox, folder) => {
      if (this.idling && mailbox === this.mailbox && folder === this.selected?.folder) this.sync();
    });
    const any: Stage[] = ['not-authenticated', 'authenticated', 'selected'];
    const signedIn: Stage[] = ['authenticated', 'selected'];
    const selected: Stage[] = ['selected'];
    const notAuthenticated: Stage[] = ['not-authenticated'];
    this.handlers = {
      CAPABILITY: { stages: any, run: (tag) => this.capability(tag) },
      NOOP: { stages: any, run: (tag) => this.noop(tag) },
      LOGOUT: { stages: any, run: (tag) => this.logout(tag) },
      ID: { stages: any, run: (tag) => this.id(tag) },
      AUTHENTICATE: { stages: notAuthenticated, run: (tag, args) => this.authenticate(tag, args) },
      LOGIN: { stages: notAuthenticated, run: (tag, args) => this.login(tag, args) },
      SELECT: { stages: signedIn, run: (tag, args) => this.select(tag, args, false) },
      EXAMINE: { stages: signedIn, run: (tag, args) => this.select(tag, args, true) },
      LIST: { stages: signedIn, run: (tag, args) => this.list(tag, args, 'LIST') },
      LSUB: { stages: signedIn, run: (tag, args) => this.list(tag, args, 'LSUB') },
      NAMESPACE: { stages: signedIn, run: (tag) => this.namespace(tag) },
      STATUS: { stages: signedIn, run: (tag, args) => this.status(tag, args) },
      APPEND: { stages: signedIn, run: (tag, args) => this.append(tag, args) },
      IDLE: { stages: signedIn, run: (tag) => this.idle(tag) },
      SUBSCRIBE: { stages: signedIn, run: (tag, args) => this.acknowledge(tag, args, 'SUBSCRIBE') },
      UNSUBSCRIBE: { stages: signedIn, run: (tag, args) => this.acknowledge(tag, args, 'UNSUBSCRIBE') },
      CREATE: { stages: signedIn, run: (tag) => this.refuse(tag, 'CREATE') },
      DELETE: { stages: signedIn, run: (tag) => this.refuse(tag, 'DELETE') },
      RENAME: { stages: signedIn, run: (tag) => this.refuse(tag, 'RENAME') },
      FETCH: { stages: selected, run: (tag, args) => this.fetch(tag, args, false) },
      'UID FETCH': { stages: selected, run: (tag, args) => this.fetch(tag, args, true) },
      SEARCH: { stages: selected, run: (tag, args) => this.search(tag, args, false) },
      'UID SEARCH': { stages: selected, run: (tag, args) => this.search(tag, args, true) },
      STORE: { stages: selected, run: (tag, args) => this.store(tag, args, false) },
      'UID STORE': { stages: selected, run: (tag, args) => this.store(tag, args, true) },
      COPY: { stages: selected, run: (tag, args) => this.copy(tag, args, false, false) },
      'UID COPY': { stages: selected, run: (tag, args) => this.copy(tag, args, true, false) },
      MOVE: { stages: selected, run: (tag, args) => this.copy(tag, args, false, true) },
      'UID MOVE': { stages: selected, run: (tag, args) => this.copy(tag, args, true, true) },
      EXPUNGE: { stages: selected, run: (tag) => this.expunge(tag, null) },
      'UID EXPUNGE': { stages: selected, run: (tag, args) => this.uidExpunge(tag, args) },
      CHECK: { stages: selected, run: (tag) => this.done(tag, 'CHECK') },
      CLOSE: { stages: selected, run: (tag) => this.close(tag, true) },
      UNSELECT: { stages: selected, run: (tag) => this.close(tag, false) },
    };
  }

  async run(): Promise<void> {
    const { limits } = this.context;
    this.channel.write(this.w.greeting(this.context.names.backend));
    try {
      while (!this.channel.closed) {
        const read = await readCommand(
          this.channel,
          limits.imapCommandBytes,
          limits.literalBytes,
          this.w.literalContinuation,
        );
        if (read.kind === 'closed') return;
        if (read.kind !== 'command') {
          this.channel.write(`${tagOf(read.head) ?? '*'} BAD ${this.w.commandError}`);
          this.channel.end(this.w.tooLongBye);
          return;
        }
        if ((await this.dispatch(read.pieces)) === 'end') return;
      }
    } finally {
      this.stopWatching();
      this.clearExpiryTimer();
    }
  }

  private async dispatch(pieces: Array<string | Buffer>): Promise<Next> {
    const args = new ArgReader(pieces);
    let tag: string;
    let name: string;
    try {
      tag = args.atom();
      args.space();
      name = args.atom().toUpperCase();
      if (name === 'UID') {
        args.space();
        name = `UID ${args.atom().toUpperCase()}`;
      }
    } catch {
      const first = pieces[0];
      this.channel.write(
        `${tagOf(typeof first === 'string' ? first : '') ?? '*'} BAD ${this.w.invalidCommand}`,
      );
      return 'continue';
    }
    const signedIn = this.stage === 'authenticated' || this.stage === 'selected';
    if (signedIn && name !== 'LOGOUT' && tokenExpired(this.expiresAtMs, this.context.now())) {
      // Exchange ends the session at the first command after the token's exp.
      this.channel.end(this.w.tokenExpiredBye);
      return 'end';
    }
    if (this.stage === 'not-connected' && name !== 'CAPABILITY' && name !== 'LOGOUT')
      return this.refuseNotConnected(tag);
    const handler = this.handlers[name];
    if (!handler) {
      this.channel.write(`${tag} BAD ${this.w.invalidCommand}`);
      return 'continue';
    }
    const stage = this.stage === 'not-connected' ? 'authenticated' : this.stage;
    if (!handler.stages.includes(stage)) {
      this.channel.write(`${tag} BAD ${this.w.invalidState}`);
      return 'continue';
    }
    if (MAILBOX_COMMANDS.has(name) && this.context.state.throttled) {
      // Seen as BAD on ordinary commands and as NO on APPEND.
      const status = name === 'APPEND' ? 'NO' : 'BAD';
      this.channel.write(`${tag} ${status} ${this.w.throttled(throttleBackoffMs())}`);
      return 'continue';
    }
    try {
      return await handler.run(tag, args);
    } catch (error) {
      if (!(error instanceof ImapSyntaxError)) throw error;
      this.channel.write(`${tag} BAD ${this.w.argumentError}`);
      return 'continue';
    }
  }

  /** Signed in, but the mailbox cannot be opened: every command is refused, the second time with BYE. */
  private refuseNotConnected(tag: string): Next {
    this.channel.write(`${tag} BAD ${this.w.notConnected}`);
    this.notConnectedAnswers += 1;
    if (this.notConnectedAnswers < 2) return 'continue';
    this.channel.end(this.w.notConnectedBye);
    return 'end';
  }

  private capability(tag: string): Next {
    const after = this.stage !== 'not-authenticated';
    this.channel.write(
      `* CAPABILITY ${after ? this.w.capabilitiesAfterLogin : this.w.capabilitiesBeforeLogin}`,
    );
    return this.done(tag, 'CAPABILITY');
  }

  private noop(tag: string): Next {
    this.sync();
    return this.done(tag, 'NOOP');
  }

  private logout(tag: string): Next {
    this.channel.write(this.w.logoutBye);
    this.channel.end(`${tag} OK ${this.w.completed('LOGOUT')}`);
    return 'end';
  }

  private id(tag: string): Next {
    this.channel.write(this.w.idResponse);
    return this.done(tag, 'ID');
  }

  private done(tag: string, command: string): Next {
    this.channel.write(`${tag} OK ${this.w.completed(command)}`);
    return 'continue';
  }

  private async authenticate(tag: string, args: ArgReader): Promise<Next> {
    args.space();
    const mechanism = args.atom().toUpperCase();
    let payload: string | null = args.maybeSpace() ? args.rest().trim() : null;
    if (mechanism !== 'XOAUTH2' && mechanism !== 'PLAIN')
      return this.loginFailed(tag, this.w.authenticateFailed);
    if (payload === null) {
      this.channel.write(this.w.continuation);
      const line = await this.channel.readLine(this.context.limits.lineBytes);
      if (line.kind === 'closed') return 'end';
      if (line.kind === 'too-long') {
        this.channel.write(`${tag} BAD ${this.w.commandError}`);
        this.channel.end(this.w.tooLongBye);
        return 'end';
      }
      payload = line.text.trim();
    }
    if (payload === '*') {
      this.channel.write(`${tag} BAD ${this.w.argumentError}`);
      return 'continue';
    }
    // Basic authentication is off in Exchange Online: PLAIN always fails.
    if (mechanism === 'PLAIN') return this.loginFailed(tag, this.w.authenticateFailed);
    const { outcome } = await this.context.signIn('imap', payload);
    if (this.channel.closed) return 'end';
    switch (outcome.kind) {
      case 'signed-in':
        this.stage = 'authenticated';
        this.mailbox = outcome.mailbox;
        this.expiresAtMs = outcome.expiresAtMs;
        return this.done(tag, 'AUTHENTICATE');
      case 'signed-in-not-connected':
        this.stage = 'not-connected';
        this.mailbox = outcome.mailbox;
        return this.done(tag, 'AUTHENTICATE');
      case 'refused':
        if (outcome.challenge !== undefined && !(await this.errorChallenge(outcome.challenge))) return 'end';
        return this.loginFailed(tag, outcome.reply ?? this.w.authenticateFailed);
      case 'smtp-auth-disabled':
      case 'throttled':
        return this.loginFailed(tag, this.w.authenticateFailed);
    }
  }

  /** An error challenge, then the client's (empty) answer; false when the client went away. */
  private async errorChallenge(challenge: string): Promise<boolean> {
    this.channel.write(`+ ${challenge}`);
    const line = await this.channel.readLine(this.context.limits.lineBytes);
    return line.kind === 'line' && !this.channel.closed;
  }

  private login(tag: string, args: ArgReader): Next {
    args.space();
    args.string();
    args.space();
    args.string();
    return this.loginFailed(tag, this.w.loginFailed);
  }

  private loginFailed(tag: string, text: string): Next {
    this.failedLogins += 1;
    this.channel.write(`${tag} NO ${text}`);
    if (this.failedLogins < MAX_FAILED_LOGINS) return 'continue';
    this.channel.end(this.w.tooManyFailuresBye);
    return 'end';
  }

  private select(tag: string, args: ArgReader, readOnly: boolean): Next {
    args.space();
    const folder = canonicalFolder(args.string());
    this.selected = null;
    this.stage = 'authenticated';
    if (!folder) {
      this.channel.write(`${tag} NO ${this.w.noSuchFolder}`);
      return 'continue';
    }
    const view = [...this.context.store.list(this.mailbox, folder)];
    const status = this.context.store.status(this.mailbox, folder);
    this.selected = { folder, readOnly, view };
    this.stage = 'selected';
    const firstUnseen = view.findIndex((m) => !m.flags.has('\\Seen'));
    this.channel.write(`* ${view.length} EXISTS`);
    this.channel.write('* 0 RECENT');
    this.channel.write(`* FLAGS ${PERMANENT_FLAGS}`);
    this.channel.write(`* OK [PERMANENTFLAGS ${readOnly ? '()' : PERMANENT_FLAGS}] Permanent flags`);
    if (firstUnseen >= 0) this.channel.write(`* OK [UNSEEN ${firstUnseen + 1}] Is the first unseen message`);
    this.channel.write(`* OK [UIDVALIDITY ${status?.uidValidity ?? 14}] UIDVALIDITY value`);
    this.channel.write(`* OK [UIDNEXT ${status?.uidNext ?? 1}] The next unique identifier value`);
    const mode = readOnly ? '[READ-ONLY] EXAMINE' : '[READ-WRITE] SELECT';
    return this.done(tag, mode);
  }

  private list(tag: string, args: ArgReader, command: 'LIST' | 'LSUB'): Next {
    args.space();
    const reference = args.string();
    args.space();
    const pattern = args.string();
    if (pattern === '' && command === 'LIST') {
      this.channel.write('* LIST (\\Noselect) "/" ""');
      return this.done(tag, command);
    }
    const matcher = listPattern(reference + pattern);
    for (const folder of FOLDERS) {
      if (!matcher(folder.name)) continue;
      const attributes = ['\\HasNoChildren', ...(folder.specialUse ? [folder.specialUse] : [])].join(' ');
      this.channel.write(`* ${command} (${attributes}) "/" ${imapMailboxName(folder.name)}`);
    }
    return this.done(tag, command);
  }

  private namespace(tag: string): Next {
    this.channel.write(this.w.namespace);
    return this.done(tag, 'NAMESPACE');
  }

  private status(tag: string, args: ArgReader): Next {
    args.space();
    const name = args.string();
    args.space();
    const wanted = args.list().map((t) => (t.kind === 'list' ? '' : t.value.toUpperCase()));
    const folder = canonicalFolder(name);
    const status = folder ? this.context.store.status(this.mailbox, folder) : null;
    if (!folder || !status) {
      this.channel.write(`${tag} NO ${this.w.noSuchFolder}`);
      return 'continue';
    }
    const messages = this.context.store.list(this.mailbox, folder);
    const values: Record<string, number> = {
      MESSAGES: messages.length,
      RECENT: 0,
      UIDNEXT: status.uidNext,
      UIDVALIDITY: status.uidValidity,
      UNSEEN: messages.filter((m) => !m.flags.has('\\Seen')).length,
    };
    const items = wanted.filter((w) => w in values).map((w) => `${w} ${values[w] ?? 0}`);
    this.channel.write(`* STATUS ${imapMailboxName(folder)} (${items.join(' ')})`);
    return this.done(tag, 'STATUS');
  }

  private append(tag: string, args: ArgReader): Next {
    args.space();
    const name = args.string();
    args.space();
    let flags: string[] = [];
    if (args.peek() === '(') {
      flags = args.list().flatMap((t) => (t.kind === 'list' ? [] : [t.value]));
      args.space();
    }
    if (args.peek() === '"') {
      args.string();
      args.space();
    }
    const message = args.string();
    const folder = canonicalFolder(name);
    const stored = folder ? this.context.store.append(this.mailbox, folder, message, flags) : null;
    const status = folder ? this.context.store.status(this.mailbox, folder) : null;
    if (!stored || !status) {
      this.channel.write(`${tag} NO [TRYCREATE] ${this.w.noSuchFolder}`);
      return 'continue';
    }
    return this.done(tag, `[APPENDUID ${status.uidValidity} ${stored.uid}] APPEND`);
  }

  private acknowledge(tag: string, args: ArgReader, command: string): Next {
    args.space();
    args.string();
    return this.done(tag, command);
  }

  private refuse(tag: string, command: string): Next {
    this.channel.write(`${tag} NO ${this.w.failed(command)}`);
    return 'continue';
  }

  private async idle(tag: string): Promise<Next> {
    this.channel.write(this.w.idleContinuation);
    this.idling = true;
    this.armExpiryTimer();
    try {
      this.sync();
      for (;;) {
        const line = await this.channel.readLine(this.context.limits.lineBytes);
        if (line.kind !== 'line') return 'end';
        if (line.text.trim().toUpperCase() === 'DONE') return this.done(tag, 'IDLE');
        this.channel.write(`* BAD ${this.w.invalidCommand}`);
      }
    } finally {
      this.idling = false;
      this.clearExpiryTimer();
    }
  }

  /** During IDLE nothing comes from the client, so the token's end is watched with a timer. */
  private armExpiryTimer(): void {
    if (this.expiresAtMs === null) return;
    const wait = Math.max(0, this.expiresAtMs - this.context.now());
    this.expiryTimer = setTimeout(() => {
      this.channel.end(this.w.tokenExpiredBye);
    }, wait);
    this.expiryTimer.unref();
  }

  private clearExpiryTimer(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private get view(): StoredMessage[] {
    return this.selected?.view ?? [];
  }

  /** The messages a sequence set names, with their sequence numbers. */
  private pick(set: string, byUid: boolean): Array<[number, StoredMessage]> {
    const view = this.view;
    const star = byUid ? (view.at(-1)?.uid ?? 0) : view.length;
    const ranges = parseSequenceSet(set, star);
    const picked: Array<[number, StoredMessage]> = [];
    view.forEach((message, index) => {
      if (inRanges(byUid ? message.uid : index + 1, ranges)) picked.push([index + 1, message]);
    });
    return picked;
  }

  private fetch(tag: string, args: ArgReader, byUid: boolean): Next {
    args.space();
    const set = args.atom();
    args.space();
    const items = parseFetchItems(args.token());
    const marksSeen = fetchSetsSeen(items) && !this.selected?.readOnly;
    for (const [seq, message] of this.pick(set, byUid)) {
      const addFlags = marksSeen && !message.flags.has('\\Seen');
      if (addFlags) message.flags.add('\\Seen');
      const shown =
        addFlags && !items.some((i) => i.kind === 'FLAGS') ? [...items, { kind: 'FLAGS' as const }] : items;
      this.channel.writeRaw(`* ${seq} FETCH ${renderFetch(message, shown, byUid)}\r\n`);
    }
    return this.done(tag, 'FETCH');
  }

  private search(tag: string, args: ArgReader, byUid: boolean): Next {
    args.space();
    const view = this.view;
    const matches = parseSearch(args, view.length, view.at(-1)?.uid ?? 0);
    const found: number[] = [];
    view.forEach((message, index) => {
      if (matches(message, index + 1)) found.push(byUid ? message.uid : index + 1);
    });
    this.channel.write(`* SEARCH${found.map((n) => ` ${n}`).join('')}`);
    return this.done(tag, 'SEARCH');
  }

  private store(tag: string, args: ArgReader, byUid: boolean): Next {
    args.space();
    const set = args.atom();
    args.space();
    const operation = args.atom().toUpperCase();
    args.space();
    const flags = flagsOf(args.token());
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(operation);
    if (!m) throw new ImapSyntaxError(`bad STORE operation ${operation}`);
    if (this.selected?.readOnly) return this.refuse(tag, 'STORE');
    for (const [seq, message] of this.pick(set, byUid)) {
      if (m[1] === '') message.flags.clear();
      for (const flag of flags) {
        if (m[1] === '-') message.flags.delete(flag);
        else message.flags.add(flag);
      }
      if (!m[2])
        this.channel.write(
          `* ${seq} FETCH (FLAGS ${flagList(message.flags)}${byUid ? ` UID ${message.uid}` : ''})`,
        );
    }
    return this.done(tag, 'STORE');
  }

  private copy(tag: string, args: ArgReader, byUid: boolean, move: boolean): Next {
    args.space();
    const set = args.atom();
    args.space();
    const target = canonicalFolder(args.string());
    if (!target) {
      this.channel.write(`${tag} NO [TRYCREATE] ${this.w.noSuchFolder}`);
      return 'continue';
    }
    const picked = this.pick(set, byUid);
    const copied = picked.map(([, message]) =>
      this.context.store.append(this.mailbox, target, message.raw, [...message.flags]),
    );
    const status = this.context.store.status(this.mailbox, target);
    const code =
      picked.length > 0 && status
        ? `[COPYUID ${status.uidValidity} ${picked.map(([, m]) => m.uid).join(',')} ${copied
            .map((m) => m?.uid ?? 0)
            .join(',')}] `
        : '';
    if (!move) return this.done(tag, `${code}COPY`);
    if (code) this.channel.write(`* OK ${code.trim()}`);
    this.removeFromView(new Set(picked.map(([, m]) => m.uid)));
    return this.done(tag, 'MOVE');
  }

  private expunge(tag: string, only: ReadonlySet<number> | null): Next {
    if (this.selected?.readOnly) return this.done(tag, 'EXPUNGE');
    const doomed = new Set(
      this.view.filter((m) => m.flags.has('\\Deleted') && (!only || only.has(m.uid))).map((m) => m.uid),
    );
    this.removeFromView(doomed);
    return this.done(tag, 'EXPUNGE');
  }

  private uidExpunge(tag: string, args: ArgReader): Next {
    args.space();
    const uids = new Set(this.pick(args.atom(), true).map(([, m]) => m.uid));
    return this.expunge(tag, uids);
  }

  /** Removes messages from the folder and tells the client, highest sequence number first. */
  private removeFromView(uids: ReadonlySet<number>): void {
    const selected = this.selected;
    if (!selected || uids.size === 0) return;
    for (let index = selected.view.length - 1; index >= 0; index -= 1) {
      const message = selected.view[index];
      if (message && uids.has(message.uid)) {
        selected.view.splice(index, 1);
        this.channel.write(`* ${index + 1} EXPUNGE`);
      }
    }
    this.context.store.remove(this.mailbox, selected.folder, uids);
  }

  private close(tag: string, expunge: boolean): Next {
    const selected = this.selected;
    if (expunge && selected && !selected.readOnly) {
      const doomed = new Set(selected.view.filter((m) => m.flags.has('\\Deleted')).map((m) => m.uid));
      this.context.store.remove(this.mailbox, selected.folder, doomed);
    }
    this.selected = null;
    this.stage = 'authenticated';
    return this.done(tag, expunge ? 'CLOSE' : 'UNSELECT');
  }

  /** Tells the client what changed in the selected folder since it last looked. */
  private sync(): void {
    const selected = this.selected;
    if (!selected) return;
    const current = this.context.store.list(this.mailbox, selected.folder);
    const present = new Set(current.map((m) => m.uid));
    for (let index = selected.view.length - 1; index >= 0; index -= 1) {
      const message = selected.view[index];
      if (message && !present.has(message.uid)) {
        selected.view.splice(index, 1);
        this.channel.write(`* ${index + 1} EXPUNGE`);
      }
    }
    const newest = selected.view.at(-1)?.uid ?? 0;
    const added = current.filter((m) => m.uid > newest);
    if (added.length === 0) return;
    selected.view.push(...added);
    this.channel.write(`* ${selected.view.length} EXISTS`);
  }
}

function flagsOf(token: Token): string[] {
  if (token.kind === 'list') return token.items.flatMap((t) => (t.kind === 'list' ? [] : [t.value]));
  return [token.value];
}

/** LIST wildcards: * matches anything, % anything but the "/" delimiter; INBOX in any case. */
function listPattern(pattern: string): (name: string) => boolean {
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  const inbox = new RegExp(`^${source}$`, 'i');
  return (name) => (name === 'INBOX' ? inbox.test(name) : regex.test(name));
}

export function refuseImapSession(socket: Socket): void {
  socket.end(`${IMAP.tooManySessions}\r\n`);
}
