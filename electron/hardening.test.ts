// The Electron checklist (issue 10, item 9), on fakes of the session and web contents: every permission
// and device request is denied, device pickers are cancelled, and navigation of the window or any frame
// away from the app's origin is prevented.
import { describe, expect, it } from 'vitest';
import { hardenContents, hardenSession, type HardenableContents, type HardenableSession } from './hardening.js';

const ORIGIN = 'app://netlens';
type Handler = (...args: unknown[]) => unknown;

function fakes() {
  const handlers = new Map<string, Handler>();
  const session: HardenableSession = {
    setPermissionRequestHandler: (h) => handlers.set('permission-request', h as Handler),
    setPermissionCheckHandler: (h) => handlers.set('permission-check', h as Handler),
    setDevicePermissionHandler: (h) => handlers.set('device-permission', h as Handler),
    on: (event, listener) => handlers.set(event, listener as unknown as Handler),
  };
  const contents: HardenableContents = {
    on: (event, listener) => handlers.set(event, listener as unknown as Handler),
    setWindowOpenHandler: (h) => handlers.set('window-open', h as Handler),
  };
  return { handlers, session, contents };
}

function event(extra: Record<string, unknown> = {}) {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true), ...extra };
  return e;
}

describe('Electron hardening', () => {
  it('denies every permission and device, and cancels every device picker', () => {
    const { handlers, session, contents } = fakes();
    hardenSession(session);
    hardenContents(contents, ORIGIN);
    let granted: unknown = 'unset';
    handlers.get('permission-request')!(null, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(handlers.get('permission-check')!()).toBe(false);
    expect(handlers.get('device-permission')!({ deviceType: 'hid' })).toBe(false);
    for (const [name, args] of [
      ['select-hid-device', [{ deviceList: [{ deviceId: 'x' }] }]],
      ['select-usb-device', [{ deviceList: [{ deviceId: 'x' }] }]],
      ['select-serial-port', [[{ portId: 'x' }], {}]],
      ['select-bluetooth-device', [[{ deviceId: 'x' }]]],
    ] as const) {
      const e = event();
      let chosen: unknown = 'unset';
      handlers.get(name)!(e, ...args, (id: string) => (chosen = id));
      expect(e.prevented, name).toBe(true);
      expect(chosen, name).toBe('');
    }
    expect(handlers.get('window-open')!()).toEqual({ action: 'deny' });
  });

  it('keeps the window and every frame on the app origin', () => {
    const { handlers, contents } = fakes();
    hardenContents(contents, ORIGIN);
    const navigate = (name: string, url: string) => {
      const e = event(name === 'will-frame-navigate' ? { url } : {});
      if (name === 'will-frame-navigate') handlers.get(name)!(e);
      else handlers.get(name)!(e, url);
      return e.prevented;
    };
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(navigate(name, `${ORIGIN}/index.html`), name).toBe(false);
      expect(navigate(name, 'https://evil.example/'), name).toBe(true);
      expect(navigate(name, 'file:///etc/passwd'), name).toBe(true);
      expect(navigate(name, 'not a url'), name).toBe(true);
    }
    const webview = event();
    handlers.get('will-attach-webview')!(webview);
    expect(webview.prevented).toBe(true);
  });
});
