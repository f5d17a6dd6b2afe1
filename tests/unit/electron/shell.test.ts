// The Electron shell's wiring, with `electron` replaced by small fakes: window options, the
// navigation / new-window / permission guards, the IPC gateway's sender check, the preload API.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { windowOptions } from '../../../electron/main/window-options';
import { appAnswer, appFilePath, RENDERER_CSP } from '../../../electron/main/app-protocol';
import { guardSession, guardWebContents, isAllowedExternal } from '../../../electron/main/guards';
import { registerGateway } from '../../../electron/main/gateway';
import fc from 'fast-check';
import { menuTemplate } from '../../../electron/main/menu';
import { buildApi, EVENT_CHANNEL, REQUEST_CHANNEL, REQUEST_NAMES } from '../../../electron/preload/api';
import { REQUEST_SCHEMAS } from '../../../shared/api/schemas';
import { createAppService, type AppService } from '../../../electron/compose/app-service';
import { SessionVault } from '../../../electron/engine/store/vault';

const APP_URL = 'app://mailprobe/index.html';

describe('window options', () => {
  it('isolate and sandbox the renderer without Node', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('turn DevTools off in a packaged build and on in development', () => {
    expect(windowOptions('/p.cjs').webPreferences?.devTools).toBe(false);
    expect(windowOptions('/p.cjs', true).webPreferences?.devTools).toBe(false);
    expect(windowOptions('/p.cjs', false).webPreferences?.devTools).toBe(true);
  });
});

describe('the app:// scheme', () => {
  const dir = '/opt/MailProbe/renderer';
  it('serves files inside the renderer folder only', () => {
    expect(appFilePath('app://mailprobe/index.html', dir)).toBe('/opt/MailProbe/renderer/index.html');
    expect(appFilePath('app://mailprobe/', dir)).toBe('/opt/MailProbe/renderer/index.html');
    expect(appFilePath('app://mailprobe/assets/main.js', dir)).toBe('/opt/MailProbe/renderer/assets/main.js');
    for (const url of [
      'app://mailprobe/../../../etc/passwd',
      'app://mailprobe/%2e%2e/%2e%2e/etc/passwd',
      'app://mailprobe/..%2f..%2fetc%2fpasswd',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://mailprobe/%E0%A4%A',
      'app://mailprobe/a%00.html',
    ])
      expect(appFilePath(url, dir), url).toSatisfy(
        (v: string | null) => v === null || v.startsWith(`${dir}/`),
      );
    expect(appFilePath('app://other/index.html', dir)).toBeNull();
    expect(appFilePath('file:///etc/passwd', dir)).toBeNull();
  });

  it('answers with the CSP as a header, the type, and 404 for anything else', async () => {
    const read = (path: string) =>
      path.endsWith('index.html')
        ? Promise.resolve(new TextEncoder().encode('<!doctype html>'))
        : Promise.reject(new Error('ENOENT'));
    const page = await appAnswer('app://mailprobe/index.html', dir, read);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(RENDERER_CSP).toMatch(/script-src 'self'/);
    expect(RENDERER_CSP).toMatch(/frame-ancestors 'none'/);
    const missing = await appAnswer('app://mailprobe/nothing.js', dir, read);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect((await appAnswer('app://mailprobe/../../etc/passwd', dir, read)).status).toBe(404);
  });
});

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(event, { preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('guards', () => {
  it('refuse navigation away from the app and webviews', () => {
    const contents = new FakeContents();
    guardWebContents(contents as unknown as WebContents, {
      appUrl: APP_URL,
      openExternal: () => Promise.resolve(),
    });
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', APP_URL)).toBe(false);
    expect(navigate(contents, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-attach-webview', '')).toBe(true);
  });

  it('stop any frame navigating away from the app', () => {
    const contents = new FakeContents();
    guardWebContents(contents as unknown as WebContents, {
      appUrl: APP_URL,
      openExternal: () => Promise.resolve(),
    });
    const frame = (url: string): boolean => {
      let prevented = false;
      contents.emit('will-frame-navigate', {
        url,
        isMainFrame: false,
        preventDefault: () => (prevented = true),
      });
      return prevented;
    };
    expect(frame('https://evil.example/')).toBe(true);
    expect(frame('file:///etc/passwd')).toBe(true);
    expect(frame(APP_URL)).toBe(false);
  });

  it('open allowlisted help links in the system browser and deny every new window', () => {
    const contents = new FakeContents();
    const openExternal = vi.fn(() => Promise.resolve());
    guardWebContents(contents as unknown as WebContents, { appUrl: APP_URL, openExternal });
    expect(contents.openHandler?.({ url: 'https://learn.microsoft.com/en-us/exchange/x' })).toEqual({
      action: 'deny',
    });
    expect(openExternal).toHaveBeenCalledWith('https://learn.microsoft.com/en-us/exchange/x');
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'http://learn.microsoft.com/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
  });

  it("open the sign-in pages of a user's sign-in in the system browser, and nothing else on this machine", () => {
    expect(isAllowedExternal('https://microsoft.com/devicelogin')).toBe(true);
    expect(isAllowedExternal('https://login.microsoft.com/device')).toBe(true);
    expect(isAllowedExternal('https://127.0.0.1:4433/devicelogin')).toBe(true);
    expect(isAllowedExternal('https://127.0.0.1:4433/5f1c2b9e/oauth2/v2.0/authorize?client_id=x')).toBe(true);
    expect(isAllowedExternal('https://127.0.0.1:4433/oauth2/v2.0/token')).toBe(false);
    expect(isAllowedExternal('http://127.0.0.1:4433/devicelogin')).toBe(false);
    expect(isAllowedExternal('https://127.0.0.1:8080/')).toBe(false);
  });

  it('deny every permission request and check', () => {
    const handlers: {
      request?: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
      check?: () => boolean;
      device?: () => boolean;
    } = {};
    const fakeSession = {
      setPermissionRequestHandler: (h: NonNullable<typeof handlers.request>) => {
        handlers.request = h;
      },
      setPermissionCheckHandler: (h: NonNullable<typeof handlers.check>) => {
        handlers.check = h;
      },
      setDevicePermissionHandler: (h: NonNullable<typeof handlers.device>) => {
        handlers.device = h;
      },
    };
    guardSession(fakeSession as unknown as Session);
    const granted: boolean[] = [];
    handlers.request?.(null, 'media', (g) => granted.push(g));
    handlers.request?.(null, 'notifications', (g) => granted.push(g));
    expect(granted).toEqual([false, false]);
    expect(handlers.check?.()).toBe(false);
    expect(handlers.device?.()).toBe(false);
  });
});

describe('the IPC gateway', () => {
  let dir: string;
  let service: AppService;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailprobe-gateway-'));
    service = await createAppService({
      dataDir: dir,
      version: 'test',
      vault: new SessionVault({ kind: 'session', reason: 'test' }),
    });
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  function setup() {
    let handler: ((event: IpcMainInvokeEvent, name: unknown, input: unknown) => Promise<unknown>) | null =
      null;
    const mainFrame = { url: APP_URL };
    const sent: unknown[][] = [];
    const contents = { mainFrame, isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args) };
    registerGateway({
      ipcMain: {
        handle: (_c: string, h: typeof handler) => (handler = h),
        removeHandler: () => undefined,
      },
      service,
      trusted: () => ({ contents: contents as unknown as WebContents, url: APP_URL }),
    });
    const call = (name: unknown, input: unknown, from: { sender?: unknown; senderFrame?: unknown } = {}) =>
      handler?.(
        {
          sender: from.sender ?? contents,
          senderFrame: from.senderFrame ?? mainFrame,
        } as unknown as IpcMainInvokeEvent,
        name,
        input,
      );
    return { call, contents, mainFrame, sent };
  }

  it('answers our window main frame through the service', async () => {
    const { call } = setup();
    const result = (await call('profiles:list', undefined)) as { ok: boolean; value: Array<{ id: string }> };
    expect(result.ok).toBe(true);
    expect(result.value[0]?.id).toBe('demo');
  });

  it('refuses other senders, subframes, other URLs and unknown requests', async () => {
    const { call, contents } = setup();
    expect(await call('profiles:list', undefined, { sender: {} })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call('profiles:list', undefined, { senderFrame: { url: APP_URL } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    contents.mainFrame.url = 'https://evil.example/';
    expect(await call('profiles:list', undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    contents.mainFrame.url = APP_URL;
    expect(await call('shell:exec', 'rm -rf /')).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_REQUEST' },
    });
    expect(await call('profiles:get', { id: '../../etc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('answers names from the prototype as unknown requests', async () => {
    const { call } = setup();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])
      expect(await call(name, undefined)).toEqual({
        ok: false,
        error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request' },
      });
  });

  it('answers anything a window can send with a Result, and keeps answering', async () => {
    const { call } = setup();
    // What structured clone can carry: any value, including objects with prototype-named keys.
    const name = fc.oneof(
      fc.constantFrom(...Object.keys(REQUEST_SCHEMAS), '__proto__', 'constructor', 'toString'),
      fc.string({ maxLength: 30 }),
      fc.anything(),
    );
    const input = fc.oneof(
      fc.anything({ maxDepth: 3, withMap: true, withSet: true, withDate: true, withTypedArray: true }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'id', 'text', 'json', 'name'), fc.anything()),
    );
    await fc.assert(
      fc.asyncProperty(name, input, async (n, i) => {
        const result = (await call(n, i)) as { ok: unknown };
        expect(typeof result.ok).toBe('boolean');
        expect(await call('app:info', undefined)).toMatchObject({ ok: true });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the preload API', () => {
  it('has one method per request of the contract and nothing generic', () => {
    expect([...REQUEST_NAMES].sort()).toEqual(Object.keys(REQUEST_SCHEMAS).sort());
    const calls: unknown[][] = [];
    const api = buildApi({
      invoke: (...a) => (calls.push(a), Promise.resolve(null)),
      on: () => undefined,
      removeListener: () => undefined,
    });
    void api['explain:text']({ text: 'x' });
    expect(calls).toEqual([[REQUEST_CHANNEL, 'explain:text', { text: 'x' }]]);
    expect(Object.keys(api).sort()).toEqual([...REQUEST_NAMES, 'on'].sort());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('delivers only the subscribed event and unsubscribes', () => {
    const emitter = new EventEmitter();
    const api = buildApi({
      invoke: () => Promise.resolve(null),
      on: (c, l) => emitter.on(c, l),
      removeListener: (c, l) => emitter.removeListener(c, l),
    });
    const got: unknown[] = [];
    const off = api.on('checks:progress', (p) => got.push(p));
    emitter.emit(EVENT_CHANNEL, {}, 'checks:transcript', { x: 1 });
    emitter.emit(EVENT_CHANNEL, {}, 'checks:progress', { y: 2 });
    off();
    emitter.emit(EVENT_CHANNEL, {}, 'checks:progress', { y: 3 });
    expect(got).toEqual([{ y: 2 }]);
  });
});

describe('menu', () => {
  it('has the usual items and the app menu on macOS', () => {
    const labels = (p: NodeJS.Platform) => menuTemplate(p).map((m) => m.label);
    expect(labels('linux')).toEqual(['File', 'Edit', 'View', 'Window']);
    expect(labels('darwin')[0]).toBe('MailProbe');
    const edit = menuTemplate('linux').find((m) => m.label === 'Edit');
    expect(JSON.stringify(edit)).toMatch(/"copy".*"paste".*"selectAll"/);
  });
});
