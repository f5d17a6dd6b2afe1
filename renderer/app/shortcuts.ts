// Keyboard shortcuts: Ctrl/Cmd+Enter runs, Escape cancels, Ctrl/Cmd+F searches the transcript.
export type Command = 'run' | 'cancel' | 'search';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export function commandFor(e: KeyLike): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey && e.key === 'Enter') return 'run';
  if (mod && !e.altKey && !e.shiftKey && (e.key === 'f' || e.key === 'F')) return 'search';
  if (!mod && !e.altKey && e.key === 'Escape') return 'cancel';
  return null;
}
