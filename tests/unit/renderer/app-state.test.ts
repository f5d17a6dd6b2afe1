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
