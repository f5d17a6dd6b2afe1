// Security guards on the window and its session (SPEC 5): no navigation away from the app, no new
// windows (help links open in the system browser, from an allowlist only), every permission
// request denied (devices too), no webviews, no frame navigation.
import type { Session, WebContents } from 'electron';

/** Hosts whose pages the findings link to; anything else is not opened at all. */
export const EXTERNAL_ALLOWLIST = [
  'learn.microsoft.com',
  'aka.ms',
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
  'support.google.com',
  'developers.google.com',
  // Where Microsoft sends a person to enter a device code.
  'microsoft.com',
  'www.microsoft.com',
  'login.microsoft.com',
] as const;

export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    // The lab's own sign-in pages (device code, authorize), on this machine.
    if (
      parsed.protocol === 'https:' &&
      parsed.hostname === '127.0.0.1' &&
      (parsed.pathname === '/devicelogin' || /^\/[^/]+\/oauth2\/v2\.0\/authorize$/.test(parsed.pathname))
    )
      return true;
    return (
      parsed.protocol === 'https:' && (EXTERNAL_ALLOWLIST as readonly string[]).includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}

export interface GuardDeps {
  /** The URL the app's page was loaded from; navigation elsewhere is refused. */
  appUrl: string;
  openExternal: (url: string) => Promise<void>;
}

export function guardWebContents(contents: WebContents, deps: GuardDeps): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== deps.appUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (url !== deps.appUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  // Frames are not used: any frame (a sub-frame included) navigating anywhere but the app is stopped.
  contents.on('will-frame-navigate', (event) => {
    if (event.url !== deps.appUrl) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // electronegativity-justified: OPEN_EXTERNAL_JS_CHECK: only https URLs of the allowlist above reach the system browser.
    if (isAllowedExternal(url)) void deps.openExternal(url);
    return { action: 'deny' };
  });
}

export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  // USB, HID, serial and Bluetooth devices: never.
  session.setDevicePermissionHandler(() => false);
}
