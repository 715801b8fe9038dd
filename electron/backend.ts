// One backend for every host: the monitor worker (its collectors, recorder and name lookups), the privileged
// helper ("Show all processes…"), the actions, the capture parser, the settings and the firewall check, behind
// one Service. The Electron host, `netlens web` and the tests and benchmarks that serve a page all build it
// here, so a new capability is wired once; a host only carries the Service's messages (web.ts, ipc.ts).
import { tightenDataDir } from './collectors/data-dir.js';
import type { DnsServer } from '../shared/names.js';
import type { HostKind } from '../shared/protocol.js';
import type { RecordingConfig } from '../shared/record.js';
import { createActions, ownProcessIds } from './actions/index.js';
import type { Actions } from './actions/api.js';
import { agentInvocation } from './agent/elevation.js';
import { createAgentManager, type AgentManager } from './agent/manager.js';
import { createCaptureParser } from './capture/off-thread.js';
import { checkFirewall } from './firewall.js';
import { hostInfo } from './host-info.js';
import type { Monitor } from './monitor/api.js';
import { startMonitor, type MonitorHandle } from './monitor/host.js';
import { recordFile } from './monitor/record/config.js';
import { builtPaths } from './paths.js';
import { savedHosts } from './remote/saved-hosts.js';
import { createService, type Service, type ServiceOptions } from './service.js';
import { createSettingsStore } from './settings-store.js';

/** The monitor worker to start: what to record (null: nothing) and which DNS server names are asked of. */
export interface WorkerSettings {
  record: RecordingConfig | null;
  dnsServer: DnsServer | null;
  /** `ssh -F FILE` for the remote hosts added in the UI (`netlens web --ssh-config`). */
  sshConfig?: string;
}

export interface BackendOptions {
  host: HostKind;
  /** Settings, the action log and the connection record live here. */
  dataDir: string;
  /** Start the monitor worker (from the build's worker bundle) with these settings; with it comes the
   *  privileged helper, which relays socket owners to that worker. */
  worker?: WorkerSettings;
  /** Or serve a monitor that is already running (tests and benchmarks: a synthetic or bundled one); it stays
   *  the caller's to close, and there is no privileged helper. */
  monitor?: Monitor;
  /** This app's own processes (the Electron host's helpers), which the kill action refuses. */
  ownPids?: () => number[];
  /** Defaults to the OS actions for dataDir (and the helper's, when there is one). */
  actions?: Actions;
  /** Defaults to parsing each capture in a worker thread (electron/capture/off-thread.ts). */
  parseCapture?: ServiceOptions['parseCapture'];
  /** The Electron host's save dialog; a browser downloads exports itself. */
  saveExport?: ServiceOptions['saveExport'];
  log?: (line: string) => void;
}

export interface Backend {
  service: Service;
  monitor: Monitor;
  /** The privileged helper's manager, when this backend started the monitor. */
  agent: AgentManager | null;
  /** Stops the helper, the capture parser and the monitor this backend started. */
  close(): Promise<void>;
}

export function createBackend(options: BackendOptions): Backend {
  const { dataDir, log } = options;
  // What an earlier NetLens made under the umask (0755, 0644) becomes this user's alone; what cannot is said.
  const loose = tightenDataDir(dataDir);
  if (loose !== null) (log ?? console.warn)(`NetLens: ${loose}`);
  let started: MonitorHandle | null = null;
  let monitor: Monitor;
  if (options.monitor) monitor = options.monitor;
  else if (options.worker) {
    const { record, dnsServer, sshConfig } = options.worker;
    // The remote hosts the user added last time come back (electron/remote/saved-hosts.ts).
    const saved = savedHosts(dataDir, log);
    started = startMonitor({
      remoteHosts: saved.load(),
      onRemoteHosts: (destinations) => saved.save(destinations),
      workerPath: builtPaths.worker,
      workerData: {
        ...(record ? { record: { file: recordFile(dataDir), config: record } } : {}),
        dnsServer,
        ...(sshConfig ? { sshConfig } : {}),
      },
    });
    monitor = started;
  } else throw new Error('createBackend needs a monitor or the settings to start one');
  const handle = started;
  // "Show all processes…": NetLens itself in agent mode, behind the OS prompt (electron/agent).
  const agent = handle
    ? createAgentManager({
        invocation: () => agentInvocation(),
        setOwnerSource: (source) => handle.setOwnerSource(source),
        notify: (message) => handle.notify(message),
        ...(log ? { log } : {}),
      })
    : null;
  // Captures are parsed in worker threads: the host (and with it every window) never waits on one.
  const captureParser = options.parseCapture ? null : createCaptureParser({ workerPath: builtPaths.captureWorker });
  const actions =
    options.actions ??
    createActions({
      dataDir,
      ...(options.ownPids ? { ownPids: options.ownPids } : {}),
      ...(agent ? { agent: () => agent.actions() } : {}),
      ...(monitor.remote
        ? { remoteRoute: (destination: string) => monitor.remote!({ op: 'route', destination }) }
        : {}),
    });
  const service = createService({
    // With every process of NetLens's own (the page offers no Kill on them; the actions refuse them all the same).
    hostInfo: () => ({ ...hostInfo(options.host), ownPids: ownProcessIds(options.ownPids) }),
    monitor,
    actions,
    parseCapture: options.parseCapture ?? ((name, text, format) => captureParser!.parse(name, text, format)),
    settings: createSettingsStore(dataDir),
    ...(agent ? { agent } : {}),
    ...(options.saveExport ? { saveExport: options.saveExport } : {}),
    firewall: (ports) => checkFirewall(ports),
    ...(log ? { log } : {}),
  });
  return {
    service,
    monitor,
    agent,
    async close() {
      agent?.stop();
      await Promise.all([captureParser?.close(), handle?.close()]);
    },
  };
}
