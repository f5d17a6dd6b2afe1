// A finding's explanation. In a short window it is cut to a few lines so that the fix below it
// stays in view; a button then reads it whole. The cut is the stylesheet's (a media query), so the
// button is offered only where the text was really cut.
import { useLayoutEffect, useRef, useState } from 'react';

export function FindingExplanation({ text, id }: { text: string; id: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [open, setOpen] = useState(false);
  const [cut, setCut] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || open) return;
    const measure = (): void => setCut(el.scrollHeight > el.clientHeight + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [open, text]);
  return (
    <>
      <p ref={ref} id={id} className={`finding-explanation${open ? ' open' : ''}`}>
        {text}
      </p>
      {cut && !open ? (
        <button
          type="button"
          className="finding-explanation-more"
          aria-controls={id}
          aria-expanded={false}
          data-testid="explanation-more"
          onClick={() => setOpen(true)}
        >
          Read the whole explanation
        </button>
      ) : null}
    </>
  );
}
