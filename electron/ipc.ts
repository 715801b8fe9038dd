// The Electron host's IPC surface: one invoke channel, `netlens:connect`, which hands the page a
// MessagePort wired to a service session. Every handler checks who sent it and validates its arguments
// against shared/protocol.ts; anything else is rejected with a clear error and logged, never acted on.
import { ipcMain, MessageChannelMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { IPC, validateConnectArgs, type ServerMessage } from '../shared/protocol.js';
import type { Service } from './service.js';

/** The only origin our own pages are served from (see main.ts, protocol.handle). */
export const APP_ORIGIN = 'app://netlens';

export function isTrustedFrame(frame: WebFrameMain | null | undefined): boolean {
  if (!frame) return false;
  try {
    const url = new URL(frame.url);
    // The top frame of our own page only: no iframes, no other scheme or host.
    return url.protocol === 'app:' && url.host === 'netlens' && frame.parent === null;
  } catch {
    return false;
  }
}

export function registerIpc(service: Service, log: (line: string) => void): void {
  ipcMain.handle(IPC.connect, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!isTrustedFrame(event.senderFrame)) {
      log(`ipc: ${IPC.connect} refused: untrusted sender ${event.senderFrame?.url ?? '(no frame)'}`);
      throw new Error('netlens: untrusted sender');
    }
    const checked = validateConnectArgs(args);
    if (!checked.ok) {
      log(`ipc: ${checked.error}`);
      throw new Error(`netlens: ${checked.error}`);
    }
    const { port1, port2 } = new MessageChannelMain();
    const session = service.connect(
      (message: ServerMessage) => port1.postMessage(message),
      `renderer#${event.sender.id}`,
    );
    port1.on('message', (e) => session.receive(e.data));
    port1.on('close', () => session.close());
    event.sender.once('destroyed', () => {
      session.close();
      port1.close();
    });
    port1.start();
    event.sender.postMessage(IPC.portDelivery, null, [port2]);
    return true;
  });
}
