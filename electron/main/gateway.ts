// The one IPC gateway: every request from the renderer arrives here, is checked for its sender
// (our window's main frame, loaded from our URL), validated against the contract's schema by the
// service, and answered as a Result. Nothing else calls ipcMain.handle.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventName, Events } from '../../shared/api/contract';
import { isRequestName } from '../../shared/api/schemas';
import type { AppService } from '../compose/app-service';

import { EVENT_CHANNEL, REQUEST_CHANNEL } from '../preload/api';

export interface GatewayDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: AppService;
  /** The window whose main frame may call, and the URL it must show. */
  trusted: () => { contents: WebContents; url: string } | null;
}

export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  trusted: { contents: WebContents; url: string } | null,
): boolean {
  if (!trusted || event.sender !== trusted.contents) return false;
  const frame = event.senderFrame;
  return frame !== null && frame === trusted.contents.mainFrame && frame.url === trusted.url;
}

export function registerGateway(deps: GatewayDeps): () => void {
  deps.ipcMain.handle(REQUEST_CHANNEL, async (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event, deps.trusted()))
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Request from an untrusted frame' } };
    if (!isRequestName(name))
      return { ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'Unknown request' } };
    const sender = event.sender;
    try {
      return await deps.service.dispatch(name, input, {
        emit<E extends EventName>(eventName: E, payload: Events[E]) {
          if (!sender.isDestroyed()) sender.send(EVENT_CHANNEL, eventName, payload);
        },
      });
    } catch (error) {
      // dispatch answers failures as data; this is the last guard, so that nothing a window
      // sends ends as an exception in the main process.
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'INTERNAL', message: message.split('\n')[0] ?? message } };
    }
  });
  return () => {
    deps.ipcMain.removeHandler(REQUEST_CHANNEL);
  };
}
