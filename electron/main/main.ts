// The Electron shell: app lifecycle, the one window, its guards, the gateway. Everything else is
// the engine, the same code the CLI and browser mode run.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { APP_SCHEME, APP_URL, appAnswer } from './app-protocol';
import { createAppService } from '../compose/app-service';
import { createWorkerOffload } from '../engine/offload/worker-pool';
import { guardSession, guardWebContents } from './guards';
import { registerGateway } from './gateway';
import { menuTemplate } from './menu';
import { createBundleSaver } from './save-bundle';
import { windowOptions } from './window-options';

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let window: BrowserWindow | null = null;
  const rendererDir = join(__dirname, '..', 'renderer');
  const appUrl = APP_URL;
  // Before ready: app:// is a standard, secure origin of its own (not file://).
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
  ]);

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    // electronegativity-justified: OPEN_EXTERNAL_JS_CHECK: guardWebContents calls it only for allowlisted https help links.
    guardWebContents(contents, { appUrl, openExternal: (url) => shell.openExternal(url) });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(async () => {
    guardSession(session.defaultSession);
    protocol.handle(APP_SCHEME, async (request) => {
      const answer = await appAnswer(request.url, rendererDir);
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform)));
    const saveBundle = createBundleSaver(
      {
        showSaveDialog: (options) =>
          window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options),
      },
      () => app.getPath('downloads'),
    );
    const service = await createAppService({
      dataDir: app.getPath('userData'),
      version: app.getVersion(),
      shell: 'electron',
      saveBundle,
      // Bundled beside main.cjs (inside the asar archive, which worker threads can read).
      offload: createWorkerOffload({ entry: { file: join(__dirname, 'heavy-worker.cjs') } }),
      // The system's proxy as Chromium sees it: settings, PAC file or WPAD.
      resolveSystemProxy: (url) => session.defaultSession.resolveProxy(url),
    });
    registerGateway({
      ipcMain,
      service,
      trusted: () => (window ? { contents: window.webContents, url: appUrl } : null),
    });
    // electronegativity-justified: CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK: windowOptions sets contextIsolation and sandbox (unit-tested).
    // electronegativity-justified: AUXCLICK_JS_CHECK: middle-clicks open new windows, which setWindowOpenHandler denies (guards.ts).
    window = new BrowserWindow(windowOptions(join(__dirname, 'preload.cjs'), app.isPackaged));
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => {
      window = null;
    });
    await window.loadURL(appUrl);
    app.on('before-quit', () => {
      void service.close();
    });
  });
}

start();
