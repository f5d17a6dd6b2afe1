// The built shell (dist/electron/main.cjs and preload.cjs) loaded with `electron` replaced by a
// fake: the app starts its service, opens one window with the hardened options on the built
// renderer, installs the guards and the gateway, and the preload exposes window.mailprobe.
// The real Electron binary cannot start on these machines; this is as close as they allow.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../../dist/electron/', import.meta.url));
const require = createRequire(import.meta.url);
type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };

function withFakeElectron<T>(fake: unknown, load: () => T): T {
  const original = moduleInternals._load;
  moduleInternals._load = function (this: unknown, request, parent, isMain) {
    if (request === 'electron') return fake;
    return original.call(this, request, parent, isMain);
  };
  try {
    return load();
  } finally {
    moduleInternals._load = original;
  }
}

let userData = '';
afterAll(async () => {
  if (userData) await rm(userData, { recursive: true, force: true });
});

describe('the built shell (npm run build)', () => {
  it('starts: service, one hardened window on the built renderer, guards, gateway', async () => {
    userData = await mkdtemp(join(tmpdir(), 'mailprobe-shell-'));
    const app = Object.assign(new EventEmitter(), {
      requestSingleInstanceLock: () => true,
      quit: () => undefined,
      whenReady: () => Promise.resolve(),
      getPath: (name: string) => (name === 'userData' ? userData : tmpdir()),
      getVersion: () => '0.0.0-test',
      isPackaged: true,
    });
    const windows: Array<{
      options: { webPreferences: Record<string, unknown> };
      url: string;
      contents: unknown;
    }> = [];
    class BrowserWindow extends EventEmitter {
      webContents = Object.assign(new EventEmitter(), {
        mainFrame: { url: '' },
        setWindowOpenHandler: () => undefined,
        isDestroyed: () => false,
        send: () => undefined,
      });
      record: { options: { webPreferences: Record<string, unknown> }; url: string; contents: unknown };
      constructor(options: { webPreferences: Record<string, unknown> }) {
        super();
        this.record = { options, url: '', contents: this.webContents };
        windows.push(this.record);
      }
      loadURL(url: string): Promise<void> {
        this.record.url = url;
        this.webContents.mainFrame.url = url;
        return Promise.resolve();
      }
      show(): void {}
      isMinimized(): boolean {
        return false;
      }
    }
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const permission: { handler?: (c: unknown, p: string, cb: (g: boolean) => void) => void } = {};
    const schemes: {
      privileged: unknown[];
      handlers: Map<string, (r: { url: string }) => Promise<Response>>;
    } = {
      privileged: [],
      handlers: new Map(),
    };
    const fake = {
      app,
      BrowserWindow,
      ipcMain: {
        handle: (channel: string, h: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
          handlers.set(channel, h),
        removeHandler: () => undefined,
      },
      Menu: { setApplicationMenu: () => undefined, buildFromTemplate: (t: unknown) => t },
      session: {
        defaultSession: {
          setPermissionRequestHandler: (h: NonNullable<typeof permission.handler>) => {
            permission.handler = h;
          },
          setPermissionCheckHandler: () => undefined,
          setDevicePermissionHandler: () => undefined,
          resolveProxy: () => Promise.resolve('DIRECT'),
        },
      },
      protocol: {
        registerSchemesAsPrivileged: (list: unknown[]) => schemes.privileged.push(...list),
        handle: (scheme: string, h: (r: { url: string }) => Promise<Response>) =>
          schemes.handlers.set(scheme, h),
      },
      shell: { openExternal: () => Promise.resolve() },
      dialog: { showSaveDialog: () => Promise.resolve({ canceled: true }) },
    };
    withFakeElectron(fake, () => require(join(DIST, 'main.cjs')) as unknown);
    // The window opens once the (asynchronous) service has started.
    for (let i = 0; i < 100 && windows[0]?.url === undefined; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 100 && !windows[0]?.url; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(windows).toHaveLength(1);
    const window = windows[0];
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String(window?.options.webPreferences.preload)).toMatch(/preload\.cjs$/);
    // The renderer from app://, a privileged scheme of its own, with the CSP as a header.
    expect(window?.url).toBe('app://mailprobe/index.html');
    expect(schemes.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    const page = await schemes.handlers.get('app')?.({ url: 'app://mailprobe/index.html' });
    expect(page?.status).toBe(200);
    expect(page?.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page?.text()).toMatch(/<div id="root">/);
    expect((await schemes.handlers.get('app')?.({ url: 'app://mailprobe/../../package.json' }))?.status).toBe(
      404,
    );
    // A packaged build: no DevTools.
    expect(window?.options.webPreferences.devTools).toBe(false);
    const denied: boolean[] = [];
    permission.handler?.(null, 'geolocation', (g) => denied.push(g));
    expect(denied).toEqual([false]);
    const gateway = handlers.get('mailprobe:request');
    const contents = window?.contents as { mainFrame: unknown } | undefined;
    const answer = (await gateway?.(
      { sender: contents, senderFrame: contents?.mainFrame },
      'profiles:list',
      undefined,
    )) as {
      ok: boolean;
      value: Array<{ id: string }>;
    };
    expect(answer.ok).toBe(true);
    expect(answer.value[0]?.id).toBe('demo');
    expect(await gateway?.({ sender: {}, senderFrame: {} }, 'profiles:list', undefined)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('the preload exposes window.mailprobe with the contract methods only', () => {
    const exposed: Record<string, unknown> = {};
    const fake = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        invoke: () => Promise.resolve(null),
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    withFakeElectron(fake, () => require(join(DIST, 'preload.cjs')) as unknown);
    const api = exposed.mailprobe as Record<string, unknown>;
    expect(Object.keys(api)).toContain('checks:run');
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.isFrozen(api)).toBe(true);
  });
});
