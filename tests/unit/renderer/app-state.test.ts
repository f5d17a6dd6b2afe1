import { describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../../../shared/api/contract';
import { initialState, reducer, type Action, type AppState } from '../../../renderer/state/app-state';
import { createStore } from '../../../renderer/state/store';

const summary = (id: string, demo = false): ProfileSummary => ({
  id,
  name: id,
  demo,
  cloud: 'global',
  mailbox: `${id}@contoso.com`,
  credential: 'client-secret',
  hasSecret: true,
});

function apply(...actions: Action[]): AppState {
  return actions.reduce(reducer, initialState());
}

describe('app state', () => {
  it('puts the demo tenant first and selects it when nothing is selected', () => {
    const s = apply({ type: 'profiles', profiles: [summary('b'), summary('demo', true), summary('a')] });
    expect(s.profiles.map((p) => p.id)).toEqual(['demo', 'b', 'a']);
    expect(s.selectedId).toBe('demo');
  });

  it('keeps the selection across a reload, and moves off a removed profile', () => {
    let s = apply(
      { type: 'profiles', profiles: [summary('demo', true), summary('a')] },
      { type: 'select', id: 'a' },
    );
    s = reducer(s, { type: 'profiles', profiles: [summary('demo', true), summary('a'), summary('c')] });
    expect(s.selectedId).toBe('a');
    s = reducer(s, { type: 'profiles', profiles: [summary('demo', true)] });
    expect(s.selectedId).toBe('demo');
  });

  it('toggles protocols and keeps them in IMAP, POP3, SMTP order', () => {
    const s = apply(
      { type: 'toggle-protocol', protocol: 'imap' },
      { type: 'toggle-protocol', protocol: 'smtp' },
      { type: 'toggle-protocol', protocol: 'imap' },
    );
    expect(s.protocols).toEqual(['imap', 'pop3']);
  });

  it('falls back to the first scenario the app offers', () => {
    const s = apply({
      type: 'info',
      info: {
        version: '1',
        vault: { kind: 'keychain', reason: null },
        dataDir: '/',
        scenarios: ['throttled'],
      },
    });
    expect(s.scenario).toBe('throttled');
  });

  it('keeps the last four notices and dismisses by id', () => {
    let s = initialState();
    for (let i = 0; i < 6; i++) s = reducer(s, { type: 'notice', kind: 'info', text: `n${i}` });
    expect(s.notices.map((n) => n.text)).toEqual(['n2', 'n3', 'n4', 'n5']);
    s = reducer(s, { type: 'dismiss', id: s.notices[0]?.id ?? -1 });
    expect(s.notices.map((n) => n.text)).toEqual(['n3', 'n4', 'n5']);
  });

  it('the store notifies only on change', () => {
    const store = createStore(reducer, initialState());
    let calls = 0;
    const off = store.subscribe(() => {
      calls++;
    });
    store.dispatch({ type: 'scenario', scenario: 'healthy' });
    expect(calls).toBe(0);
    store.dispatch({ type: 'scenario', scenario: 'throttled' });
    expect(calls).toBe(1);
    off();
    store.dispatch({ type: 'scenario', scenario: 'healthy' });
    expect(calls).toBe(1);
  });
});

describe('the checks chosen per profile', () => {
  const listed: Action = {
    type: 'profiles',
    profiles: [summary('demo', true), summary('a'), summary('b')],
  };

  it('a saved profile opened after a Graph scenario on the Demo tenant starts from its own mail checks', () => {
    let s = apply(listed, { type: 'scenario', scenario: 'graph-healthy' });
    expect(s.selectedId).toBe('demo');
    expect({ protocols: s.protocols, graph: s.graph }).toEqual({ protocols: [], graph: true });
    s = reducer(s, { type: 'select', id: 'a' });
    expect({ protocols: s.protocols, graph: s.graph }).toEqual({
      protocols: ['imap', 'pop3', 'smtp'],
      graph: false,
    });
    // Back on the Demo tenant: Graph alone again, as its scenario wants.
    s = reducer(s, { type: 'select', id: 'demo' });
    expect({ protocols: s.protocols, graph: s.graph, scenario: s.scenario }).toEqual({
      protocols: [],
      graph: true,
      scenario: 'graph-healthy',
    });
  });

  it('each profile keeps what was chosen for it while another is selected', () => {
    let s = apply(
      listed,
      { type: 'select', id: 'a' },
      { type: 'toggle-protocol', protocol: 'pop3' },
      { type: 'toggle-graph' },
      { type: 'select', id: 'b' },
    );
    expect(s.protocols).toEqual(['imap', 'pop3', 'smtp']);
    expect(s.graph).toBe(false);
    s = reducer(s, { type: 'toggle-protocol', protocol: 'imap' });
    s = reducer(s, { type: 'select', id: 'a' });
    expect({ protocols: s.protocols, graph: s.graph }).toEqual({ protocols: ['imap', 'smtp'], graph: true });
    s = reducer(s, { type: 'select', id: 'b' });
    expect({ protocols: s.protocols, graph: s.graph }).toEqual({ protocols: ['pop3', 'smtp'], graph: false });
  });

  it('a profile removed while selected hands over to the next with its own checks', () => {
    let s = apply(listed, { type: 'select', id: 'a' }, { type: 'toggle-protocol', protocol: 'smtp' });
    s = reducer(s, { type: 'profiles', profiles: [summary('demo', true), summary('b')] });
    expect(s.selectedId).toBe('demo');
    expect(s.protocols).toEqual(['imap', 'pop3', 'smtp']);
  });
});
