// The one window's options: the renderer gets no Node, runs sandboxed and isolated from the
// preload, and can only reach the main process through the preload's named methods.
import type { BrowserWindowConstructorOptions } from 'electron';

/** `packaged`: a release build (app.isPackaged), whose DevTools are off. */
export function windowOptions(preloadPath: string, packaged = true): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'MailProbe',
    show: false,
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !packaged,
    },
  };
}
