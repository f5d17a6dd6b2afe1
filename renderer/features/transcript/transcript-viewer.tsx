// The raw protocol transcript: virtualised (only the visible rows are in the DOM, so 100,000
// lines stay fluid), filterable by protocol, direction and step, searchable, copyable.
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import type { Direction, Protocol, StepId } from '../../../shared/report/model';
import { copyText } from '../../components/clipboard';
import { CopyButton } from '../../components/copy-button';
import { plural } from '../../state/format';
import { PROTOCOL_LABEL, PROTOCOL_ORDER, STEP_ORDER } from '../../state/run-state';
import {
  DIRECTION_LABEL,
  describeFilter,
  DIRECTION_MARK,
  NO_FILTER,
  filterTranscript,
  formatOffset,
  formatRow,
  formatRows,
  isFiltering,
  passesFilter,
  searchTranscript,
  stepMatch,
  STEP_NAME,
  stepsPresent,
  toggleInFilter,
  type TranscriptFilter,
} from '../../state/transcript-filter';
import type { TranscriptRow } from '../../state/transcript-rows';
import './transcript.css';

const ROW_HEIGHT = 20;
const DIRECTIONS: readonly Direction[] = ['c', 's', 'i', 'e'];

export type TranscriptCommand =
  | { nonce: number; kind: 'reveal'; rowId: number }
  | { nonce: number; kind: 'step'; protocol: Protocol; step: StepId }
  | { nonce: number; kind: 'search' };

interface Props {
  rows: readonly TranscriptRow[];
  /** The run is still going: new rows arrive, and the view can follow them. */
  live: boolean;
  command: TranscriptCommand | null;
}

function Highlighted({ text, query }: { text: string; query: string }) {
  if (query === '') return <>{text}</>;
  const lower = text.toLowerCase();
  const parts: Array<{ s: string; hit: boolean }> = [];
  let from = 0;
  for (let at = lower.indexOf(query, from); at !== -1; at = lower.indexOf(query, from)) {
    if (at > from) parts.push({ s: text.slice(from, at), hit: false });
    parts.push({ s: text.slice(at, at + query.length), hit: true });
    from = at + query.length;
  }
  if (from < text.length) parts.push({ s: text.slice(from), hit: false });
  return <>{parts.map((p, i) => (p.hit ? <mark key={i}>{p.s}</mark> : <span key={i}>{p.s}</span>))}</>;
}

export function TranscriptViewer({ rows, live, command }: Props) {
  const [filter, setFilter] = useState<TranscriptFilter>(NO_FILTER);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(-1);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [active, setActive] = useState<number | null>(null);
  const [follow, setFollow] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const sectionRef = useRef<HTMLElement>(null);

  const filtered = useMemo(() => filterTranscript(rows, filter), [rows, filter]);
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const matches = useMemo(() => searchTranscript(filtered, deferredQuery), [filtered, deferredQuery]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const protocols = useMemo(() => {
    const seen = new Set<Protocol>();
    for (const r of rows) seen.add(r.protocol);
    return PROTOCOL_ORDER.filter((p) => seen.has(p));
  }, [rows]);
  const steps = useMemo(() => stepsPresent(rows, STEP_ORDER), [rows]);

  // The window's main area is the screen's one scroll area: the list scrolls with it, and the
  // virtualizer reads the list's offset inside it (what lies above changes as cards fold).
  const [margin, setMargin] = useState(0);
  const scroller = (): HTMLElement | null => scrollRef.current?.closest('main') ?? null;
  useLayoutEffect(() => {
    const list = scrollRef.current;
    const main = scroller();
    if (!list || !main) return;
    const measure = (): void => {
      const offset = list.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop;
      setMargin((old) => (Math.abs(old - offset) < 1 ? old : offset));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(main);
    if (main.firstElementChild) observer.observe(main.firstElementChild);
    return () => observer.disconnect();
  }, []);

  const virtualizer = useVirtualizer({
    count: filtered.length,
    getScrollElement: scroller,
    scrollMargin: margin,
    estimateSize: () => ROW_HEIGHT,
    overscan: 24,
    getItemKey: (index) => filtered[index]?.id ?? index,
  });

  // Effects below list only what should trigger them (a new query, a new current match, a new
  // command), not everything they read: each runs once per such change.
  // A new search starts at its first match.
  useEffect(() => {
    setCurrent(matches.length > 0 ? 0 : -1);
  }, [deferredQuery]);

  const currentPosition = current >= 0 ? (matches[current] ?? null) : null;
  useEffect(() => {
    if (currentPosition === null) return;
    virtualizer.scrollToIndex(currentPosition, { align: 'center' });
    const row = filtered[currentPosition];
    if (row) setActive(row.id);
    setFollow(false);
  }, [currentPosition, deferredQuery]);

  // Follow the end of a live transcript unless the reader scrolled away or searched.
  useEffect(() => {
    if (live && follow && filtered.length > 0)
      virtualizer.scrollToIndex(filtered.length - 1, { align: 'end' });
  }, [live, follow, filtered.length]);

  // Commands from outside: reveal a row (a finding's evidence), focus a step, focus the search.
  useEffect(() => {
    if (command === null) return;
    sectionRef.current?.scrollIntoView({ block: 'nearest' });
    if (command.kind === 'search') {
      searchRef.current?.focus();
      searchRef.current?.select();
      return;
    }
    if (command.kind === 'step') {
      setFilter({ protocols: new Set([command.protocol]), dirs: null, steps: new Set([command.step]) });
      setFollow(false);
      return;
    }
    const row = rows.find((r) => r.id === command.rowId);
    if (!row) return;
    const nextFilter = passesFilter(row, filter) ? filter : NO_FILTER;
    setFilter(nextFilter);
    setSelected(new Set([row.id]));
    setAnchor(row.id);
    setActive(row.id);
    setFollow(false);
    const list = nextFilter === filter ? filtered : rows;
    const position = list.findIndex((r) => r.id === row.id);
    // After the filter change renders.
    requestAnimationFrame(() => {
      virtualizer.scrollToIndex(position, { align: 'center' });
      scrollRef.current?.focus({ preventScroll: true });
    });
  }, [command?.nonce]);

  const positionOf = (id: number | null): number =>
    id === null ? -1 : filtered.findIndex((r) => r.id === id);

  const selectRow = (
    row: TranscriptRow,
    e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean },
  ): void => {
    setActive(row.id);
    if (e.shiftKey && anchor !== null) {
      const a = positionOf(anchor);
      const b = filtered.indexOf(row);
      if (a !== -1 && b !== -1) {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        setSelected(new Set(filtered.slice(lo, hi + 1).map((r) => r.id)));
        return;
      }
    }
    if (e.ctrlKey || e.metaKey) {
      const next = new Set(selected);
      if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      setSelected(next);
      setAnchor(row.id);
      return;
    }
    setSelected(new Set([row.id]));
    setAnchor(row.id);
  };

  const selectedRows = (): TranscriptRow[] => rows.filter((r) => selected.has(r.id));

  const moveActive = (to: number, extend: boolean): void => {
    const clamped = Math.max(0, Math.min(filtered.length - 1, to));
    const row = filtered[clamped];
    if (!row) return;
    setFollow(false);
    selectRow(row, { shiftKey: extend, ctrlKey: false, metaKey: false });
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const mod = e.ctrlKey || e.metaKey;
    const at = positionOf(active);
    const page = Math.max(1, Math.floor((scroller()?.clientHeight ?? 400) / ROW_HEIGHT) - 3);
    if (mod && (e.key === 'c' || e.key === 'C')) {
      if (window.getSelection()?.toString()) return;
      e.preventDefault();
      void copyText(formatRows(selectedRows()));
      return;
    }
    if (mod && (e.key === 'a' || e.key === 'A')) {
      e.preventDefault();
      setSelected(new Set(filtered.map((r) => r.id)));
      return;
    }
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: filtered.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    moveActive(at === -1 && e.key !== 'End' ? 0 : to, e.shiftKey);
  };

  const goMatch = (direction: 1 | -1): void => {
    const next = stepMatch(matches.length, current, direction);
    setCurrent(next);
    const position = matches[next];
    if (position !== undefined) {
      virtualizer.scrollToIndex(position, { align: 'center' });
      const row = filtered[position];
      if (row) setActive(row.id);
    }
  };

  const activeRow = active === null ? null : (rows.find((r) => r.id === active) ?? null);
  const items = virtualizer.getVirtualItems();
  const filtering = isFiltering(filter);
  const filterText = describeFilter(filter);

  return (
    <section
      ref={sectionRef}
      className="transcript"
      data-testid="transcript"
      aria-label="Protocol transcript"
    >
      <div className="tr-toolbar" role="group" aria-label="Transcript filters and search">
        <div className="tr-group" role="group" aria-label="Protocols">
          {protocols.map((p) => (
            <button
              key={p}
              type="button"
              className="chip"
              aria-pressed={filter.protocols === null || filter.protocols.has(p)}
              data-testid={`transcript-filter-${p}`}
              onClick={() => {
                setFilter((f) => ({ ...f, protocols: toggleInFilter(f.protocols, p, protocols) }));
              }}
            >
              {PROTOCOL_LABEL[p]}
            </button>
          ))}
        </div>
        <div className="tr-group" role="group" aria-label="Directions">
          {DIRECTIONS.map((d) => (
            <button
              key={d}
              type="button"
              className={`chip chip-dir-${d}`}
              aria-pressed={filter.dirs === null || filter.dirs.has(d)}
              data-testid={`transcript-filter-dir-${d}`}
              onClick={() => {
                setFilter((f) => ({ ...f, dirs: toggleInFilter(f.dirs, d, DIRECTIONS) }));
              }}
            >
              {DIRECTION_LABEL[d]}
            </button>
          ))}
        </div>
        <label className="tr-step-filter">
          <span className="offscreen">Step</span>
          <select
            aria-label="Filter by step"
            data-testid="transcript-filter-step"
            value={filter.steps === null || filter.steps.size !== 1 ? '' : ([...filter.steps][0] ?? '')}
            onChange={(e) => {
              const step = steps.find((s) => s === e.target.value);
              setFilter((f) => ({ ...f, steps: step === undefined ? null : new Set([step]) }));
            }}
          >
            <option value="">All steps</option>
            {steps.map((s) => (
              <option key={s} value={s}>
                {STEP_NAME[s]}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <div className="tr-search" role="search">
          <input
            ref={searchRef}
            type="search"
            placeholder="Search (Ctrl+F)"
            aria-label="Search the transcript"
            data-testid="transcript-search"
            value={query}
            spellCheck={false}
            onChange={(e) => {
              setQuery(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                goMatch(e.shiftKey ? -1 : 1);
              } else if (e.key === 'Escape' && query !== '') {
                e.stopPropagation();
                setQuery('');
              }
            }}
          />
          <span className="tr-count" aria-live="polite" data-testid="transcript-match-count">
            {deferredQuery === ''
              ? ''
              : matches.length === 0
                ? 'No match'
                : `${current + 1} of ${matches.length.toLocaleString('en-US')}`}
          </span>
          <button
            type="button"
            className="btn btn-small btn-icon"
            aria-label="Previous match"
            data-testid="transcript-search-prev"
            disabled={matches.length === 0}
            onClick={() => {
              goMatch(-1);
            }}
          >
            {'\u2191'}
          </button>
          <button
            type="button"
            className="btn btn-small btn-icon"
            aria-label="Next match"
            data-testid="transcript-search-next"
            disabled={matches.length === 0}
            onClick={() => {
              goMatch(1);
            }}
          >
            {'\u2193'}
          </button>
        </div>
      </div>
      {filterText !== null ? (
        <div className="tr-filter-banner" role="status" data-testid="transcript-filter-banner">
          <span className="tr-filter-text">{filterText}</span>
          <span className="tr-filter-count">
            {plural(filtered.length, 'line')} of {rows.length.toLocaleString('en-US')}
          </span>
          <button
            type="button"
            className="btn btn-small"
            data-testid="transcript-clear-filters"
            aria-label={`Clear the filter: ${filterText}`}
            onClick={() => {
              setFilter(NO_FILTER);
            }}
          >
            × Clear filter
          </button>
        </div>
      ) : null}

      <div
        ref={scrollRef}
        className="tr-scroll"
        role="listbox"
        aria-label="Transcript lines"
        aria-multiselectable="true"
        aria-activedescendant={active !== null && positionOf(active) !== -1 ? `tr-${active}` : undefined}
        tabIndex={0}
        data-testid="transcript-lines"
        onKeyDown={onListKey}
        onWheel={() => {
          if (live) setFollow(false);
        }}
      >
        {filtered.length === 0 ? (
          <div className="tr-empty">
            {rows.length === 0
              ? live
                ? 'Waiting for the first lines…'
                : 'No transcript'
              : 'No line matches the filters'}
          </div>
        ) : null}
        <div className="tr-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = filtered[item.index];
            if (!row) return null;
            const isMatch = matchSet.has(item.index);
            const isCurrent = item.index === currentPosition;
            return (
              <div
                key={row.id}
                id={`tr-${row.id}`}
                role="option"
                aria-selected={selected.has(row.id)}
                aria-setsize={filtered.length}
                aria-posinset={item.index + 1}
                data-testid="transcript-line"
                data-dir={row.dir}
                data-step={row.step}
                data-protocol={row.protocol}
                className={`tr-row dir-${row.dir}${selected.has(row.id) ? ' selected' : ''}${isCurrent ? ' current-match' : ''}${row.id === active ? ' active' : ''}`}
                style={{ transform: `translateY(${item.start - margin}px)` }}
                onClick={(e: MouseEvent) => {
                  selectRow(row, e);
                }}
              >
                <span className="tr-time">{formatOffset(row.t)}</span>
                <span className={`tr-proto proto-${row.protocol}`}>{PROTOCOL_LABEL[row.protocol]}</span>
                <span className="tr-dir" title={DIRECTION_LABEL[row.dir]}>
                  {DIRECTION_MARK[row.dir]}
                </span>
                <span className="tr-step">{row.step}</span>
                <span className="tr-text">
                  {isMatch ? <Highlighted text={row.text} query={deferredQuery} /> : row.text}
                </span>
              </div>
            );
          })}
        </div>
      </div>

      <div className="tr-footer">
        <span className="tr-stats" data-testid="transcript-count">
          {filtering
            ? `${plural(filtered.length, 'line')} shown of ${rows.length.toLocaleString('en-US')}`
            : plural(rows.length, 'line')}
          {selected.size > 0 ? ` · ${plural(selected.size, 'line')} selected` : ''}
        </span>
        {live ? (
          <label className="tr-follow">
            <input
              type="checkbox"
              checked={follow}
              onChange={(e) => {
                setFollow(e.target.checked);
              }}
            />
            Follow
          </label>
        ) : null}
        <span className="spacer" />
        <CopyButton
          label="Copy selected lines"
          disabled={selected.size === 0}
          testId="transcript-copy-selection"
          text={() => formatRows(selectedRows())}
        >
          Copy selection
        </CopyButton>
        <CopyButton
          label={filtering ? 'Copy all shown lines' : 'Copy all lines'}
          testId="transcript-copy-all"
          text={() => formatRows(filtered)}
        >
          Copy all
        </CopyButton>
      </div>
      {activeRow ? (
        <div
          className={`tr-detail dir-${activeRow.dir}`}
          data-testid="transcript-detail"
          aria-label="Selected line"
        >
          <code>{formatRow(activeRow)}</code>
        </div>
      ) : null}
    </section>
  );
}
