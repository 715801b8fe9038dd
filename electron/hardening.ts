// The Electron window's security checklist, applied by main.ts to the default session and every web
// contents: no permission, no device, no navigation or frame navigation away from the app's origin, no
// redirect, no webview, no new window. Written against the small part of Electron's API it uses (no
// `electron` import), so a test can hand it fakes and check that every handler denies.

type Listener = (...args: never[]) => void;

export interface HardenableSession {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  on(event: 'select-hid-device' | 'select-usb-device' | 'select-serial-port', listener: Listener): unknown;
}

export interface HardenableContents {
  on(
    event:
      | 'will-navigate'
      | 'will-frame-navigate'
      | 'will-redirect'
      | 'will-attach-webview'
      | 'select-bluetooth-device',
    listener: Listener,
  ): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

interface PreventableEvent {
  preventDefault(): void;
}

/** Navigation events give the URL directly (will-navigate) or in the event's details (will-frame-navigate). */
function leavesOrigin(url: unknown, origin: string): boolean {
  try {
    if (typeof url !== 'string') return true;
    // Compared as scheme and host: for a custom scheme such as app:// the WHATWG origin is "null".
    const u = new URL(url);
    return `${u.protocol}//${u.host}` !== origin;
  } catch {
    return true;
  }
}

export function hardenSession(session: HardenableSession): void {
  // Deny every permission (camera, notifications, display-capture, ...): NetLens needs none.
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // And every device (HID, USB, serial, Bluetooth): no device is ever granted or even listed to the page.
  session.setDevicePermissionHandler(() => false);
  const cancel = ((event: PreventableEvent, _details: unknown, callback: (id?: string) => void) => {
    event.preventDefault();
    callback(''); // an empty id cancels the request
  }) as Listener;
  session.on('select-hid-device', cancel);
  session.on('select-usb-device', cancel);
  session.on('select-serial-port', ((
    event: PreventableEvent,
    _ports: unknown,
    _wc: unknown,
    callback: (id: string) => void,
  ) => {
    event.preventDefault();
    callback('');
  }) as Listener);
}

export function hardenContents(contents: HardenableContents, origin: string): void {
  const guard = ((event: PreventableEvent & { url?: string }, url?: unknown) => {
    if (leavesOrigin(typeof url === 'string' ? url : event.url, origin)) event.preventDefault();
  }) as Listener;
  contents.on('will-navigate', guard);
  // Subframes too (NetLens has none; an injected iframe must not navigate anywhere either).
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', ((event: PreventableEvent) => event.preventDefault()) as Listener);
  contents.on('select-bluetooth-device', ((
    event: PreventableEvent,
    _devices: unknown,
    callback: (id: string) => void,
  ) => {
    event.preventDefault();
    callback('');
  }) as Listener);
  // NetLens opens no windows and follows no links.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
