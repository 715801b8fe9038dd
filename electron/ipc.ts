// The Electron host's IPC surface: one invoke channel, `netlens:connect`, which hands the page a
// MessagePort wired to a service session. Every handler checks who sent it and validates its arguments
// against shared/protocol.ts; anything else is rejected with a clear error and logged, never acted on.
import { ipcMain, MessageChannelMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { IPC, validateConnectArgs, type ServerMessage } from '../shared/protocol.js';
import { clientMessage } from './large-message.js';
import { NOT_JSON, type Service } from './service.js';

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
  // Each page's session, by its web contents: a page that connects again (a reload) ends its earlier one, so that
  // connecting in a loop opens no more than one session and monitor client.
  const sessions = new Map<number, () => void>();
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
    const sender = event.sender.id;
    sessions.get(sender)?.();
    const { port1, port2 } = new MessageChannelMain();
    const session = service.connect((message: ServerMessage) => port1.postMessage(message), `renderer#${sender}`);
    const end = () => {
      session.close();
      port1.close();
      if (sessions.get(sender) === end) sessions.delete(sender);
    };
    sessions.set(sender, end);
    // The page posts its messages as text, read as the browser host reads its WebSocket's (clientMessage): a large
    // one screened before it is parsed. Anything else (a structured clone) is not the protocol.
    port1.on('message', (e) => session.receive(typeof e.data === 'string' ? clientMessage(e.data) : NOT_JSON));
    port1.on('close', () => session.close());
    event.sender.once('destroyed', end);
    port1.start();
    event.sender.postMessage(IPC.portDelivery, null, [port2]);
    return true;
  });
}
