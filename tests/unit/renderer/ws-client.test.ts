import { describe, expect, it } from 'vitest';
import type { RequestMessage, ServerMessage } from '../../../shared/api/browser-protocol';
import type { RunProgress } from '../../../shared/api/contract';
import { apiUrl, createClosedApi, createWsApi, type SocketLike } from '../../../renderer/api/ws-client';

/** A WebSocket double: records what is sent, lets the test open, answer and close. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: RequestMessage[] = [];
  private readonly handlers = new Map<string, Array<(e: { data: unknown }) => void>>();
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send before open');
    this.sent.push(JSON.parse(data) as RequestMessage);
  }
  close(): void {
    this.emit('close');
  }
  addEventListener(type: string, listener: (e: { data: unknown }) => void): void {
    const list = this.handlers.get(type) ?? [];
    list.push(listener);
    this.handlers.set(type, list);
  }
  emit(type: string, data?: unknown): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const l of this.handlers.get(type) ?? []) l({ data });
  }
  reply(message: ServerMessage): void {
    this.emit('message', JSON.stringify(message));
  }
}

describe('the WebSocket client', () => {
  it('queues requests until open, then matches responses to requests by id', async () => {
    const socket = new FakeSocket();
    const { api, connection } = createWsApi(socket);
    expect(connection.get().kind).toBe('connecting');
    const list = api['profiles:list'](undefined);
    const explain = api['explain:text']({ text: '535 5.7.3' });
    socket.emit('open');
    expect(connection.get().kind).toBe('open');
    expect(socket.sent.map((m) => [m.id, m.name])).toEqual([
      [1, 'profiles:list'],
      [2, 'explain:text'],
    ]);
    expect(socket.sent[1]?.input).toEqual({ text: '535 5.7.3' });
    // Answers may come in any order.
    socket.reply({ type: 'response', id: 2, result: { ok: true, value: [] } });
    socket.reply({ type: 'response', id: 1, result: { ok: false, error: { code: 'X', message: 'no' } } });
    expect(await explain).toEqual({ ok: true, value: [] });
    expect(await list).toEqual({ ok: false, error: { code: 'X', message: 'no' } });
  });

  it('delivers events to their listeners until unsubscribed', () => {
    const socket = new FakeSocket();
    const { api } = createWsApi(socket);
    socket.emit('open');
    const seen: number[] = [];
    const off = api.on('checks:progress', (p) => {
      seen.push(p.seq);
    });
    const event = (seq: number): RunProgress => ({
      runId: 'r',
      seq,
      protocol: 'imap',
      step: 'dns',
      state: 'started',
      at: 0,
    });
    socket.reply({ type: 'event', name: 'checks:progress', payload: event(0) });
    socket.reply({
      type: 'event',
      name: 'checks:transcript',
      payload: { runId: 'r', seq: 0, protocol: 'imap', entries: [] },
    });
    off();
    socket.reply({ type: 'event', name: 'checks:progress', payload: event(1) });
    expect(seen).toEqual([0]);
  });

  it('ignores frames that are not JSON or answer nothing pending', async () => {
    const socket = new FakeSocket();
    const { api } = createWsApi(socket);
    socket.emit('open');
    const pending = api['app:info'](undefined);
    socket.emit('message', 'not json');
    socket.reply({ type: 'response', id: 99, result: { ok: true, value: null } });
    socket.close();
    expect((await pending).ok).toBe(false);
  });

  it('on a lost connection: a clear state, pending and later requests fail with DISCONNECTED', async () => {
    const socket = new FakeSocket();
    const { api, connection } = createWsApi(socket);
    const states: string[] = [];
    connection.subscribe((s) => states.push(s.kind));
    socket.emit('open');
    const pending = api['checks:run']({ runId: 'r', profileId: 'demo', protocols: ['imap'] });
    socket.emit('error');
    socket.emit('close');
    expect(states).toEqual(['open', 'closed']);
    const state = connection.get();
    expect(state.kind === 'closed' && state.message).toMatch(/connection to MailProbe was lost/);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(await api['settings:get'](undefined)).toMatchObject({
      ok: false,
      error: { code: 'DISCONNECTED' },
    });
    expect(socket.sent).toHaveLength(1);
  });

  it('says it could not connect when the socket closes before opening', () => {
    const socket = new FakeSocket();
    const { connection } = createWsApi(socket);
    socket.emit('close');
    const state = connection.get();
    expect(state.kind === 'closed' && state.message).toMatch(/Could not connect/);
  });

  it('builds the API address from the page URL, token included', () => {
    expect(apiUrl({ protocol: 'http:', host: '127.0.0.1:4711', search: '?token=a_b-c' })).toBe(
      'ws://127.0.0.1:4711/api?token=a_b-c',
    );
    expect(apiUrl({ protocol: 'http:', host: '127.0.0.1:4711', search: '' })).toBeNull();
  });

  it('a closed API answers every request with the reason', async () => {
    const { api, connection } = createClosedApi('no token');
    expect(connection.get()).toEqual({ kind: 'closed', message: 'no token' });
    expect(await api['token:inspect']({ token: 'x' })).toEqual({
      ok: false,
      error: { code: 'DISCONNECTED', message: 'no token' },
    });
  });
});
