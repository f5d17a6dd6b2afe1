// The lab's mail: per mailbox, the folders an Exchange Online mailbox shows over IMAP, each a
// bounded list of messages with UIDs. SMTP delivers into INBOX; IMAP and POP3 read from it.
import type { LabMessage } from './types';

export interface StoredMessage {
  uid: number;
  raw: string;
  /** Octets of `raw` (RFC822.SIZE, POP3 sizes). */
  size: number;
  receivedAt: number;
  flags: Set<string>;
  messageId: string;
  from: string;
  to: string[];
}

export interface FolderInfo {
  name: string;
  /** IMAP LIST attributes besides \HasNoChildren, e.g. \Sent. */
  specialUse: string | null;
}

/** The folders of a new Exchange Online mailbox as IMAP lists them. */
export const FOLDERS: readonly FolderInfo[] = [
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Deleted Items', specialUse: '\\Trash' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'INBOX', specialUse: null },
  { name: 'Junk Email', specialUse: '\\Junk' },
  { name: 'Outbox', specialUse: null },
  { name: 'Sent Items', specialUse: '\\Sent' },
];

interface Folder {
  uidValidity: number;
  uidNext: number;
  messages: StoredMessage[];
}

export function canonicalFolder(name: string): string | null {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  return FOLDERS.find((f) => f.name === name)?.name ?? null;
}

export class MailboxStore {
  private readonly mailboxes = new Map<string, Map<string, Folder>>();
  /** What SMTP delivered, per mailbox, whatever clients later delete (bounded like a folder). */
  private readonly deliveries = new Map<string, LabMessage[]>();
  private readonly listeners = new Set<(mailbox: string, folder: string) => void>();

  constructor(private readonly messagesPerFolder: number) {}

  /** Delivery by SMTP: into the INBOX of a lab mailbox. */
  deliver(mailbox: string, message: LabMessage): StoredMessage {
    const key = mailbox.toLowerCase();
    const log = this.deliveries.get(key) ?? [];
    log.push({ ...message, to: [...message.to] });
    if (log.length > this.messagesPerFolder) log.splice(0, log.length - this.messagesPerFolder);
    this.deliveries.set(key, log);
    return this.add(mailbox, 'INBOX', message.raw, [], message);
  }

  /** IMAP APPEND (or COPY): null when the folder does not exist. */
  append(mailbox: string, folderName: string, raw: string, flags: readonly string[]): StoredMessage | null {
    const folder = canonicalFolder(folderName);
    if (!folder) return null;
    return this.add(mailbox, folder, raw, flags, null);
  }

  /** The messages of a folder, oldest first; the objects are shared, so flag changes stick. */
  list(mailbox: string, folderName: string): readonly StoredMessage[] {
    const folder = canonicalFolder(folderName);
    return folder ? this.folder(mailbox, folder).messages : [];
  }

  status(mailbox: string, folderName: string): { uidValidity: number; uidNext: number } | null {
    const name = canonicalFolder(folderName);
    if (!name) return null;
    const folder = this.folder(mailbox, name);
    return { uidValidity: folder.uidValidity, uidNext: folder.uidNext };
  }

  remove(mailbox: string, folderName: string, uids: ReadonlySet<number>): void {
    const name = canonicalFolder(folderName);
    if (!name || uids.size === 0) return;
    const folder = this.folder(mailbox, name);
    folder.messages = folder.messages.filter((m) => !uids.has(m.uid));
    this.changed(mailbox, name);
  }

  /** What SMTP delivered to a mailbox, oldest first (copies, so callers cannot alter the log). */
  delivered(mailbox: string): LabMessage[] {
    return (this.deliveries.get(mailbox.toLowerCase()) ?? []).map((m) => ({ ...m, to: [...m.to] }));
  }

  /** Called after every change to a folder (IDLE and NOOP report new messages from it). */
  onChange(listener: (mailbox: string, folder: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private add(
    mailbox: string,
    folderName: string,
    raw: string,
    flags: readonly string[],
    envelope: LabMessage | null,
  ): StoredMessage {
    const folder = this.folder(mailbox, folderName);
    const stored: StoredMessage = {
      uid: folder.uidNext,
      raw,
      size: Buffer.byteLength(raw, 'utf8'),
      receivedAt: envelope?.receivedAt ?? Date.now(),
      flags: new Set(flags),
      messageId: envelope?.messageId ?? '',
      from: envelope?.from ?? '',
      to: envelope ? [...envelope.to] : [],
    };
    folder.uidNext += 1;
    folder.messages.push(stored);
    if (folder.messages.length > this.messagesPerFolder)
      folder.messages.splice(0, folder.messages.length - this.messagesPerFolder);
    this.changed(mailbox, folderName);
    return stored;
  }

  private folder(mailbox: string, name: string): Folder {
    const key = mailbox.toLowerCase();
    let folders = this.mailboxes.get(key);
    if (!folders) {
      folders = new Map();
      this.mailboxes.set(key, folders);
    }
    let folder = folders.get(name);
    if (!folder) {
      // Exchange's INBOX commonly reports UIDVALIDITY 14; the other folders get their own values.
      const uidValidity = name === 'INBOX' ? 14 : 100 + FOLDERS.findIndex((f) => f.name === name);
      folder = { uidValidity, uidNext: 1, messages: [] };
      folders.set(name, folder);
    }
    return folder;
  }

  private changed(mailbox: string, folder: string): void {
    for (const listener of this.listeners) listener(mailbox.toLowerCase(), folder);
  }
}
