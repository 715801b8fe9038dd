// The Electron host: one hardened window serving the built renderer from app://netlens, a monitor in a
// worker thread, and the service behind a MessagePort. README.md describes the architecture and the
// security checklist this follows.
import { commandError } from '../shared/error-text.js';
import { app, BrowserWindow, dialog, Menu, protocol, screen, session } from 'electron';
import { writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { IPC, type MenuCommand } from '../shared/protocol.js';
import { APP_NAME, APP_VERSION } from './app-info.js';
import { hardenContents, hardenSession, type HardenableContents, type HardenableSession } from './hardening.js';
import { hostLog } from './log-lines.js';
import { registerIpc, APP_ORIGIN } from './ipc.js';
import { createBackend } from './backend.js';
import { createSettingsStore } from './settings-store.js';
import { builtPaths } from './paths.js';
import { applyRecordOptions, loadRecordingConfig, type RecordOptionValues } from './monitor/record/config.js';
import { menuTemplate } from './menu-template.js';
import { contentSecurityPolicy, readRendererFile } from './renderer-files.js';
import { loadWindowState, trackWindowState, type WindowState } from './window-state.js';
import { main as cliMain, outputFailed, SERVING } from './cli.js';
import { headlessCommand } from './headless.js';
import { createDesktopAlerts, createTray, type NetlensTray } from './tray.js';
import { dnsServerOption } from './commands/names-options.js';

// Reload and DevTools for development only: a packaged app ignores the variable (as it ignores NETLENS_ROOT).
const isDev = !app.isPackaged && process.env.NETLENS_DEV === '1';
const log = hostLog((line: string) => console.warn(`[netlens] ${line}`));

// `netlens dump …`, `netlens agent …`: the binary as the CLI or the privileged helper, with no window
// (headless.ts says why it is the binary's own job); anything else opens the desktop window.
const headless = headlessCommand(process.argv, Boolean(process.defaultApp));
if (headless) runHeadless(headless);
else startDesktop();

function runHeadless(args: string[]): void {
  app.dock?.hide();
  cliMain(args).then(
    // A server command (web) keeps running; the others leave with their code once their output is out (a
    // pipe takes it asynchronously, and app.exit would cut it short).
    (code) => {
      if (code !== SERVING)
        process.stdout.write('', () =>
          process.stderr.write('', () => app.exit(code === 0 && outputFailed() ? 1 : code)),
        );
    },
    (err: unknown) => {
      console.error(commandError(null, err));
      app.exit(1);
    },
  );
}

function startDesktop(): void {
  // Before ready: app:// behaves like a secure, standard origin (fetch, CSP 'self', localStorage).
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
  });
  app.whenReady().then(start, (err: unknown) => {
    log(`startup failed: ${String(err)}`);
    app.exit(1);
  });
}

function serveRenderer(): void {
  const root = builtPaths.renderer;
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'netlens' ? await readRendererFile(root, url.pathname) : null;
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'Content-Type': file.contentType,
        'Content-Security-Policy': contentSecurityPolicy(),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

function hardenSessions(): void {
  hardenSession(session.defaultSession as unknown as HardenableSession);
  app.on('web-contents-created', (_event, contents) =>
    hardenContents(contents as unknown as HardenableContents, APP_ORIGIN),
  );
}

/** --no-record, --retention=DAYS, --history-max-mb=N on the desktop app's command line (Chromium's own
 *  switches are ignored). */
function recordSwitches(argv: readonly string[]): RecordOptionValues {
  const values: RecordOptionValues = {};
  for (const arg of argv) {
    if (arg === '--no-record') values['no-record'] = true;
    else if (arg === '--record') values.record = true;
    else if (arg.startsWith('--retention=')) values.retention = arg.slice('--retention='.length);
    else if (arg.startsWith('--history-max-mb=')) values['history-max-mb'] = arg.slice('--history-max-mb='.length);
  }
  return values;
}

/** A window last placed on a display that is gone opens where the OS puts it, not out of sight. */
function onScreen(state: WindowState): WindowState {
  const { x, y, width, height } = state.bounds;
  if (x === undefined || y === undefined) return state;
  const area = screen.getDisplayMatching({ x, y, width, height }).workArea;
  const visible = x < area.x + area.width && x + width > area.x && y < area.y + area.height && y + height > area.y;
  return visible ? state : { ...state, bounds: { width, height } };
}

/** File → Export…: the user picks where (a save dialog over the window); the renderer only suggests a name,
 *  already checked against EXPORT_FILE_NAME. */
async function saveExport(fileName: string, text: string): Promise<{ path: string | null }> {
  const ext = extname(fileName).slice(1);
  const options = {
    defaultPath: join(app.getPath('documents'), basename(fileName)),
    filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
    // GTK's dialog asks before replacing a file only when told to (Electron passes the flag through).
    properties: ['showOverwriteConfirmation' as const],
  };
  const win = BrowserWindow.getFocusedWindow();
  const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { path: null };
  await writeFile(choice.filePath, text);
  return { path: choice.filePath };
}

async function start(): Promise<void> {
  app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: APP_VERSION });
  hardenSessions();
  serveRenderer();

  const dataDir = app.getPath('userData');
  const recordConfig = applyRecordOptions(await loadRecordingConfig(dataDir), recordSwitches(process.argv));
  // --dns-server=ADDR[:PORT] (or NETLENS_DNS_SERVER): the DNS server host names are asked of.
  const dnsSwitch = process.argv.find((a) => a.startsWith('--dns-server='))?.slice('--dns-server='.length);
  const dnsServer = dnsServerOption(dnsSwitch);
  if (typeof dnsServer === 'string') log(dnsServer);
  const backend = createBackend({
    host: 'electron',
    dataDir,
    worker: {
      record: typeof recordConfig === 'string' ? await loadRecordingConfig(dataDir) : recordConfig,
      dnsServer: typeof dnsServer === 'string' ? null : dnsServer,
    },
    ownPids: () => app.getAppMetrics().map((m) => m.pid),
    saveExport: (fileName, text) => saveExport(fileName, text),
    log,
  });
  const { service, monitor } = backend;
  registerIpc(service, log);

  const statePath = join(app.getPath('userData'), 'window-state.json');
  const state = onScreen(await loadWindowState(statePath));
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 720,
    minHeight: 420,
    title: APP_NAME,
    show: false,
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: builtPaths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: isDev,
      // Middle-click must not open links in new windows (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) win.maximize();
  trackWindowState(win, statePath);

  const sendMenu = (command: MenuCommand) => win.webContents.send(IPC.menu, command);
  const showWindow = () => {
    win.show();
    win.focus();
  };
  // Alerts the user opted into (the recorder's) come as desktop notifications (the page's own Notification API
  // is denied with every other permission: hardenSessions), and count on the badge and the tray until the
  // window comes to the front; a notification or the tray's Alerts item opens the History tab's Alerts.
  const desktopAlerts = createDesktopAlerts(monitor, {
    show: showWindow,
    send: sendMenu,
    inFront: () => win.isVisible() && !win.isMinimized() && win.isFocused(),
    onFocus: (listener) => win.on('focus', listener),
  });

  // The tray, and whether closing the window leaves NetLens running there (a setting of its own, beside the
  // renderer's: off by default, since some Linux desktops show no tray icons to come back through).
  const desktopSettings = createSettingsStore(join(app.getPath('userData'), 'desktop'));
  let closeToTray = (await desktopSettings.load()).closeToTray === true;
  let quitting = false;
  let tray: NetlensTray | null = null;
  try {
    tray = createTray({
      monitor,
      iconPath: builtPaths.trayIcon,
      showWindow,
      alerts: desktopAlerts,
      quit: () => app.quit(),
      closeToTray: {
        get: () => closeToTray,
        set: (value) => {
          closeToTray = value;
          void desktopSettings
            .save({ closeToTray: value })
            .catch((err: unknown) => log(`could not save the tray setting: ${String(err)}`));
        },
      },
    });
  } catch (err) {
    log(`no tray icon: ${String(err)}`);
  }
  app.on('before-quit', () => {
    quitting = true;
  });
  win.on('close', (event) => {
    if (tray && closeToTray && !quitting) {
      event.preventDefault();
      win.hide();
    }
  });
  win.once('ready-to-show', () => win.show());

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(menuTemplate(sendMenu, { mac: process.platform === 'darwin', dev: isDev })),
  );
  await win.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', () => {
    tray?.destroy();
    desktopAlerts.destroy();
    void backend.close().finally(() => app.quit());
  });
}
