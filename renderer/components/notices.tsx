import { useEffect, useRef } from 'react';
import { useAppState, useDispatch } from '../app/app-context';

const INFO_MS = 4000;

/** Transient messages (saved, imported, errors); info ones go after a few seconds, errors stay. */
export function Notices() {
  const notices = useAppState((s) => s.notices);
  const dispatch = useDispatch();
  // One timer per info notice, started when it first shows (a newer notice does not restart it).
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const live = timers.current;
    for (const n of notices) {
      if (n.kind !== 'info' || live.has(n.id)) continue;
      live.set(
        n.id,
        setTimeout(() => {
          live.delete(n.id);
          dispatch({ type: 'dismiss', id: n.id });
        }, INFO_MS),
      );
    }
  }, [notices, dispatch]);
  useEffect(() => {
    const live = timers.current;
    return () => {
      for (const t of live.values()) clearTimeout(t);
      live.clear();
    };
  }, []);
  if (notices.length === 0) return null;
  return (
    <div className="notices" data-testid="notices">
      {notices.map((n) => (
        <div
          key={n.id}
          className={`notice notice-${n.kind}`}
          role={n.kind === 'error' ? 'alert' : 'status'}
          data-testid={n.kind === 'error' ? 'error-notice' : 'info-notice'}
        >
          <span>{n.text}</span>
          <button
            type="button"
            className="btn btn-small btn-quiet"
            aria-label="Dismiss"
            onClick={() => {
              dispatch({ type: 'dismiss', id: n.id });
            }}
          >
            {'\u2715'}
          </button>
        </div>
      ))}
    </div>
  );
}
