// The one contract between a client (the renderer, in Electron or a browser) and the Node side.
// Every message a client sends is validated here, at the door, by validateClientMessage(); nothing that
// fails validation is acted on. Messages the Node side sends are typed but not re-validated.
import * as v from 'valibot';
import {
  COLLECT_EXTRAS,
  DATASETS,
  type CollectExtra,
  type Dataset,
  type Diagnostics,
  type NameEntry,
  type RowTypes,
} from './types.js';
import {
  ALERT_KINDS,
  type Alert,
  type ChangesSummary,
  type RecordedConnection,
  type RecordGap,
  type RecordPause,
  type RecordingStatus,
  type TimelinePoint,
} from './record.js';
import { parseDnsServer, type ServiceVocabulary } from './names.js';
import { checkDestination, type RemoteHostInfo } from './remote.js';
import { showTabCommand, TAB_IDS } from './tabs.js';

/** The longest owner name a Close's request carries for the action log (the page cuts a longer one to it). */
export const OWNER_NAME_MAX = 256;

export const PROTOCOL_VERSION = 1;
export const INTERVALS_MS = [500, 1000, 2000, 5000, 10000] as const;
export type IntervalMs = (typeof INTERVALS_MS)[number];
export const DEFAULT_INTERVAL_MS: IntervalMs = 1000;

/** Channel names for the Electron host: kept in one place (Mattermost's communication.ts). */
export const IPC = {
  /** renderer -> main (invoke): ask for a MessagePort; main answers on PORT_DELIVERY. */
  connect: 'netlens:connect',
  /** main -> preload: the port itself, forwarded to the page with window.postMessage. */
  portDelivery: 'netlens:port',
  /** main -> renderer: menu commands (Open capture..., etc.). */
  menu: 'netlens:menu',
} as const;
/** The browser host's WebSocket subprotocol, and the prefix of the second one the page offers to carry the
 *  token (`netlens-token.<token>`): the token never goes into a URL or a cookie. */
export const WS_PROTOCOL = 'netlens';
export const WS_TOKEN_PROTOCOL_PREFIX = 'netlens-token.';

/** The window.postMessage tag the preload uses to hand the port to the page. */
export const PORT_MESSAGE_TAG = 'netlens:port';

/** Menu commands main sends to the page (the page owns the file picker, so both hosts share one path). */
export const MENU_COMMANDS = [
  'openCapture',
  'export',
  'focusFilter',
  ...TAB_IDS.map(showTabCommand),
  'showAbout',
  'showShortcuts',
  'toggleResolveNames',
  // A desktop alert (a notification, the tray's Alerts item) clicked: the History tab's Alerts.
  'showAlerts',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Whether a value that crossed a process boundary is one of the menu commands. */
export function isMenuCommand(value: unknown): value is MenuCommand {
  return typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);
}

/** What the Electron preload exposes as window.netlens: nothing more. */
export interface NetlensBridge {
  host: 'electron';
  /** Asks main for the data port; it arrives as a window message tagged PORT_MESSAGE_TAG. */
  connect(): Promise<void>;
  onMenuCommand(callback: (command: MenuCommand) => void): () => void;
}

// ---------------------------------------------------------------------------------------------
// Schemas for what clients may send

const datasetSchema = v.picklist(DATASETS);
const seqSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const pidSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2 ** 32 - 1));
const portSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
// Addresses are only ever passed as separate argv entries, never through a shell; still, keep them to the
// characters a numeric IPv4/IPv6 address (with an optional zone) can contain.
const addressSchema = v.pipe(v.string(), v.maxLength(64), v.regex(/^[0-9A-Fa-f:.]+(%[\w.-]{1,32})?$/));
/** An ssh destination (user@host, a Host alias): never an option, never a shell word. */
const destinationSchema = v.pipe(
  v.string(),
  v.check((s) => checkDestination(s) === null, 'not an ssh destination (1 to 255 characters, no spaces, no leading -)'),
);
const requestId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

export const MAX_CAPTURE_BYTES = 32 * 1024 * 1024;
/** Listening ports one firewall request asks about at most. */
export const MAX_FIREWALL_PORTS = 4096;
export const MAX_SETTINGS_BYTES = 256 * 1024;
export const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
/** A suggested export file name: letters, digits, spaces, dots, dashes, parentheses; a known extension. */
export const EXPORT_FILE_NAME = /^[\w][\w .()-]{0,100}\.(csv|json|html)$/;

/** JSON size of a value, or Infinity for what JSON cannot hold (cycles, nesting too deep for the stack). */
function serializedSize(value: unknown): number {
  try {
    return JSON.stringify(value).length;
  } catch {
    return Infinity;
  }
}

export const recordingConfigSchema = v.strictObject({
  enabled: v.boolean(),
  retentionDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365)),
  maxMb: v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(10_000)),
  alerts: v.optional(v.strictObject({ listener: v.boolean(), process: v.boolean(), network: v.boolean() }), {
    listener: false,
    process: false,
    network: false,
  }),
  // Optional: recording.json files written before this setting existed keep the rest of their settings.
  notify: v.optional(v.boolean(), true),
});
const momentSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8_640_000_000_000_000));
// plainObject is a function declaration below: hoisted.
const rangeSchema = v.pipe(
  plainObject({ from: momentSchema, to: momentSchema }),
  v.check((r) => r.from <= r.to, 'from is after to'),
);

/** A strict object that is also a plain object: valibot's object schemas accept an array with the right
 *  keys, and `params: []` or `settings: []` must be refused where an object is meant (issue 10). */
function isPlainObject(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}
function plainObject<const E extends v.ObjectEntries>(entries: E) {
  return v.pipe(v.custom<Record<string, unknown>>(isPlainObject, 'expected an object'), v.strictObject(entries));
}
const plainRecord = v.custom<Record<string, unknown>>(isPlainObject, 'expected an object');

export const requestSchemas = {
  hostInfo: plainObject({}),
  capabilities: plainObject({}),
  kill: plainObject({
    pid: pidSchema,
    /** The start time of the process as the UI saw it; the backend refuses when it changed. */
    startTime: v.nullable(v.pipe(v.number(), v.finite())),
    signal: v.picklist(['TERM', 'KILL']),
    /** Ask the OS for administrator rights (pkexec, osascript, UAC) after a permission error. */
    elevate: v.optional(v.boolean(), false),
    /** A remote host shown beside this machine: the process is there (electron/actions/remote.ts). */
    host: v.optional(destinationSchema),
  }),
  closeConnection: plainObject({
    proto: v.literal('tcp'),
    family: v.picklist(['inet', 'inet6']),
    localAddress: addressSchema,
    localPort: portSchema,
    remoteAddress: addressSchema,
    remotePort: portSchema,
    /** A remote host shown beside this machine: the connection is there. */
    host: v.optional(destinationSchema),
    /** The socket's inode as the UI saw it (this machine's rows): a socket with these ends and another inode is
     *  another connection now, not closed. */
    inode: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))),
    /** The owner as the UI saw it, for the action log only (the connection is found by its endpoints). */
    owner: v.optional(
      plainObject({
        pid: pidSchema,
        name: v.pipe(v.string(), v.maxLength(OWNER_NAME_MAX)),
        startTime: v.nullable(v.pipe(v.number(), v.finite())),
      }),
    ),
  }),
  /** Start the privileged helper (the OS's administrator prompt) so that every process's sockets show. */
  elevate: plainObject({}),
  agentStatus: plainObject({}),
  actionLog: plainObject({ limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 50) }),
  history: plainObject({ iface: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) }),
  /** Ten minutes of a process name's send/receive rates (the process chart). */
  processHistory: plainObject({ name: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) }),
  /** The renderer's settings (columns, toggles, theme...), kept by the Node side so they survive the
   *  browser host's per-launch port. */
  loadSettings: plainObject({}),
  saveSettings: plainObject({
    settings: v.pipe(
      plainRecord,
      v.record(v.pipe(v.string(), v.maxLength(64)), v.unknown()),
      v.check((s) => serializedSize(s) <= MAX_SETTINGS_BYTES, 'settings are too large or not plain data'),
    ),
  }),
  /** Remote Linux hosts shown beside this machine, over the user's ssh (electron/remote/fleet.ts). */
  remoteHosts: plainObject({}),
  addRemoteHost: plainObject({ destination: destinationSchema }),
  removeRemoteHost: plainObject({ destination: destinationSchema }),
  /** Start the monitor again now, after it gave up (the banner's Retry button). */
  retryMonitor: plainObject({}),
  /** The connection record (electron/monitor/record/). */
  recordStatus: plainObject({}),
  recordConfigure: plainObject({ config: recordingConfigSchema }),
  recordTimeline: rangeSchema,
  /** Connections and listeners open at some moment of the range (from = to: as they were then). */
  recordConnections: rangeSchema,
  recordChanges: rangeSchema,
  recordAlerts: plainObject({
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 100),
  }),
  recordMarkKnown: plainObject({
    kind: v.picklist(ALERT_KINDS),
    subject: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  }),
  /** Whether the host firewall is likely to admit connections to these listening ports. */
  firewall: plainObject({
    ports: v.pipe(
      v.array(
        v.strictObject({ proto: v.picklist(['tcp', 'udp']), family: v.picklist(['inet', 'inet6']), port: portSchema }),
      ),
      v.maxLength(MAX_FIREWALL_PORTS),
    ),
  }),

  parseCapture: plainObject({
    name: v.pipe(v.string(), v.maxLength(512)),
    text: v.pipe(v.string(), v.maxLength(MAX_CAPTURE_BYTES)),
    format: v.optional(v.pipe(v.string(), v.maxLength(64)), 'auto'),
  }),
  /** File → Export… in the Electron host: the host asks where to save (a save dialog) and writes the text.
   *  The name is only the dialog's suggestion; the renderer never chooses a path. */
  saveExport: plainObject({
    fileName: v.pipe(v.string(), v.regex(EXPORT_FILE_NAME)),
    text: v.pipe(v.string(), v.maxLength(MAX_EXPORT_BYTES)),
  }),
} as const;

export type Method = keyof typeof requestSchemas;
export const METHODS = Object.keys(requestSchemas) as Method[];
export type RequestParams<M extends Method> = v.InferOutput<(typeof requestSchemas)[M]>;
/** What a caller passes (optional fields may be left out). */
export type RequestInput<M extends Method> = v.InferInput<(typeof requestSchemas)[M]>;

const requestSchema = v.strictObject({
  type: v.literal('request'),
  id: requestId,
  method: v.picklist(METHODS as [Method, ...Method[]]),
  params: v.unknown(),
});

export const clientMessageSchema = v.variant('type', [
  v.strictObject({ type: v.literal('subscribe'), dataset: datasetSchema }),
  v.strictObject({ type: v.literal('unsubscribe'), dataset: datasetSchema }),
  /** The client applied everything up to seq; lets the monitor send more (backpressure). */
  v.strictObject({ type: v.literal('ack'), dataset: datasetSchema, seq: seqSchema }),
  /** Several acks in one message: the datasets of one tick, applied together (one message a tick, not one
   *  per dataset, each crossing the page, the host and the worker). */
  v.strictObject({
    type: v.literal('acks'),
    acks: v.pipe(
      v.array(v.strictObject({ dataset: datasetSchema, seq: seqSchema })),
      v.minLength(1),
      v.maxLength(DATASETS.length),
    ),
  }),
  /** The client saw a gap in sequence numbers: it wants a fresh snapshot. */
  v.strictObject({ type: v.literal('resync'), dataset: datasetSchema }),
  v.strictObject({ type: v.literal('setInterval'), intervalMs: v.picklist(INTERVALS_MS) }),
  /** Host names: resolve them or not, and which DNS server to ask (null: the one NetLens started with, from
   *  --dns-server, else the system's). Global, like the interval. */
  v.strictObject({
    type: v.literal('setNames'),
    resolve: v.boolean(),
    dnsServer: v.nullable(
      v.pipe(
        v.string(),
        v.maxLength(64),
        v.check((s) => parseDnsServer(s) !== null, 'not a numeric ADDR[:PORT]'),
      ),
    ),
  }),
  v.strictObject({ type: v.literal('pause'), paused: v.boolean() }),
  /** Which datasets the client shows now, and whether its window or page is hidden. `extras`: optional
   *  per-row data on screen (traffic columns, socket memory); left out, none is collected for this client.
   *  `quiet`: a diff that moves nothing but NetLens's own connection to this client (or nothing at all) may wait
   *  up to 5 s, and goes with the next that moves something else (electron/monitor/quiet.ts). */
  v.strictObject({
    type: v.literal('visibility'),
    hidden: v.boolean(),
    visible: v.pipe(v.array(datasetSchema), v.maxLength(DATASETS.length)),
    extras: v.optional(v.pipe(v.array(v.picklist(COLLECT_EXTRAS)), v.maxLength(COLLECT_EXTRAS.length))),
    quiet: v.optional(v.boolean()),
  }),
  requestSchema,
]);

export type ClientMessage = v.InferOutput<typeof clientMessageSchema>;
export type StreamMessage = Exclude<ClientMessage, { type: 'request' }>;

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid message';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return path ? `${path}: ${first.message}` : first.message;
}

/** The door: every message from a client passes here before anything acts on it. */
export function validateClientMessage(raw: unknown): Validated<ClientMessage> {
  if (!isPlainObject(raw)) return { ok: false, error: 'rejected message: expected an object' };
  const r = v.safeParse(clientMessageSchema, raw);
  if (!r.success) return { ok: false, error: `rejected message: ${describeIssues(r.issues)}` };
  if (r.output.type === 'request') {
    const p = v.safeParse(requestSchemas[r.output.method], r.output.params ?? {});
    if (!p.success) return { ok: false, error: `rejected ${r.output.method} request: ${describeIssues(p.issues)}` };
    return { ok: true, value: { ...r.output, params: p.output } };
  }
  return { ok: true, value: r.output };
}

export function validateParams<M extends Method>(method: M, raw: unknown): Validated<RequestParams<M>> {
  const p = v.safeParse(requestSchemas[method], raw ?? {});
  if (!p.success) return { ok: false, error: `rejected ${method} request: ${describeIssues(p.issues)}` };
  return { ok: true, value: p.output as RequestParams<M> };
}

/** Arguments of the Electron `netlens:connect` invoke: the protocol version the page speaks. */
export const connectArgsSchema = v.strictTuple([v.literal(PROTOCOL_VERSION)]);

export function validateConnectArgs(args: unknown[]): Validated<[number]> {
  const r = v.safeParse(connectArgsSchema, args);
  if (!r.success) return { ok: false, error: `rejected connect: ${describeIssues(r.issues)}` };
  return { ok: true, value: r.output };
}

// ---------------------------------------------------------------------------------------------
// What the Node side sends

export interface TickInfo {
  /** When the tick's collection started (ms since epoch). */
  at: number;
  /** How long the collection took. */
  durationMs: number;
  /** Ticks skipped so far because the previous one was still running. */
  lagCount: number;
  intervalMs: IntervalMs;
}

/** A row change: the id plus only the fields that changed. */
export type RowPatch<Row> = Partial<Row> & { id: string };

export interface Diff<Row> {
  added: Row[];
  removed: string[];
  changed: RowPatch<Row>[];
}

export type SnapshotMessage<D extends Dataset = Dataset> = {
  type: 'snapshot';
  dataset: D;
  seq: number;
  rows: RowTypes[D][];
  diagnostics: Diagnostics;
  tick: TickInfo | null;
};

export type DiffMessage<D extends Dataset = Dataset> = {
  type: 'diff';
  dataset: D;
  seq: number;
  diff: Diff<RowTypes[D]>;
  diagnostics: Diagnostics;
  tick: TickInfo;
};

export interface MonitorStatus {
  intervalMs: IntervalMs;
  paused: boolean;
  hidden: boolean;
  /** Datasets being polled right now. */
  polling: Dataset[];
  /** The connection record (null where this monitor does not record: tests, the CLI). */
  recording?: RecordingStatus | null;
  /** Extras collected with them now (traffic counters, socket memory); absent from older monitors. */
  extras?: CollectExtra[];
}

export type ServerMessage =
  | { [D in Dataset]: SnapshotMessage<D> }[Dataset]
  | { [D in Dataset]: DiffMessage<D> }[Dataset]
  | { type: 'status'; status: MonitorStatus }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; code: string; text: string }
  | { type: 'collectorError'; dataset: Dataset; message: string; at: number }
  /** Something new the user asked to be alerted about (recorded in the record too). */
  | { type: 'alert'; alert: Alert }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Results of requests

export type HostKind = 'electron' | 'browser';

export interface HostInfo {
  host: HostKind;
  appName: string;
  appVersion: string;
  platform: string;
  arch: string;
  osRelease: string;
  hostname: string;
  /** Whether the backend runs with full privileges (root / administrator). */
  privileged: boolean;
  pid: number;
  /** NetLens's own processes (this one, the Electron app's others, the launcher that started it): Kill is not
   *  offered on them, and the host refuses them. */
  ownPids: number[];
  /** A read-only capture host has no live data (none yet: reserved for `netlens parse --serve`). */
  live: boolean;
  /** The service names of the host's database, which a filter's `port:` term may name. */
  services: ServiceVocabulary;
}

export interface Capability {
  available: boolean;
  /** Why not, when not available. */
  reason: string | null;
}

export interface Capabilities {
  kill: Capability;
  killElevated: Capability;
  closeConnection: Capability;
}

export const KILL_OUTCOMES = ['killed', 'gone', 'denied', 'refused', 'alive', 'failed'] as const;
export type KillOutcome = (typeof KILL_OUTCOMES)[number];
export const CLOSE_OUTCOMES = ['closed', 'gone', 'denied', 'unsupported', 'failed'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

export interface KillResult {
  outcome: KillOutcome;
  message: string;
  /** On 'denied': whether "Kill as administrator…" can be offered, or why not. */
  elevation?: Capability;
}

export interface CloseResult {
  outcome: CloseOutcome;
  message: string;
}

/** What the action log records: how a process was signalled (directly, through the OS prompt, through the
 *  agent) and with which signal, or how a connection was closed. */
export const ACTION_KINDS = [
  'kill:TERM',
  'kill:KILL',
  'kill-elevated:TERM',
  'kill-elevated:KILL',
  'kill-agent:TERM',
  'kill-agent:KILL',
  'close-connection',
  'close-connection-agent',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export type ActionOutcome = KillOutcome | CloseOutcome;
export const ACTION_OUTCOMES: readonly ActionOutcome[] = [...new Set([...KILL_OUTCOMES, ...CLOSE_OUTCOMES])];

export interface ActionLogEntry {
  time: number;
  action: ActionKind;
  pid: number | null;
  name: string | null;
  startTime: number | null;
  target: string | null;
  outcome: ActionOutcome;
  message: string;
  /** The remote host it was done on; absent for this machine. */
  host?: string;
}

/**
 * The privileged helper ("Show all processes…"), for this host's whole session.
 * - 'off': not started; 'starting': waiting for the administrator prompt; 'running': owners of every process
 *   show; 'failed': refused, dismissed or stopped (message says why), and may be tried again.
 */
export interface AgentStatus {
  state: 'off' | 'starting' | 'running' | 'failed';
  /** Whether "Show all processes…" can be offered here, or why not. */
  elevation: Capability;
  message: string | null;
  /** Lines from the agent dropped as invalid. */
  rejectedLines: number;
}

export interface HistoryPoint {
  t: number;
  rx: number;
  tx: number;
}

export interface CaptureResult {
  label: string;
  format: string;
  dataset: Dataset;
  rows: RowTypes[Dataset][];
  diagnostics: Diagnostics;
  /** Connections captures: the service names and places of their ports and remote addresses (never host
   *  names: a capture is resolved by nobody). */
  names?: NameEntry[];
}

export interface RecordedRows {
  rows: RecordedConnection[];
  /** Rows that matched beyond the answer's limit. */
  omitted: number;
  /** Rows of the record whose values cannot be a connection's (a record altered by hand): skipped, counted. */
  unreadable: number;
  /** The first moment asked lies before the record or between two recordings (null: a recording covers it). */
  gap: RecordGap | null;
  /** The periods between two recordings that begin within the range (at `from` or after, before `to`), earliest
   *  first: at most MAX_RECORD_GAPS (the one `from` lies in is `gap`). */
  gaps: RecordPause[];
  /** How many more such periods there are than `gaps` lists. */
  gapsOmitted: number;
  /** The last write of the recording running now (the app's answer, flushed for it; none in `netlens history`,
   *  which cannot tell): a row left open (closedAt null) whose lastSeen is this is open now, not one left open when
   *  its recording stopped. */
  recordingAt?: number | null;
}

export type FirewallVerdict = 'admitted' | 'blocked' | 'cannot tell';

export interface FirewallResult {
  /** What was read (the nftables ruleset), or why nothing could be. */
  source: string;
  readable: boolean;
  /** One per asked port, in order: `${proto}/${family}/${port}`. */
  verdicts: Record<string, { verdict: FirewallVerdict; reason: string }>;
}

export interface MethodResults {
  hostInfo: HostInfo;
  capabilities: Capabilities;
  kill: KillResult;
  closeConnection: CloseResult;
  elevate: AgentStatus;
  agentStatus: AgentStatus;
  actionLog: ActionLogEntry[];
  history: HistoryPoint[];
  processHistory: HistoryPoint[];
  parseCapture: CaptureResult;
  recordStatus: RecordingStatus;
  recordConfigure: RecordingStatus;
  recordTimeline: TimelinePoint[];
  recordConnections: RecordedRows;
  recordChanges: ChangesSummary;
  recordAlerts: Alert[];
  recordMarkKnown: { known: true };
  firewall: FirewallResult;
  loadSettings: Record<string, unknown>;
  saveSettings: { saved: true };
  /** Where the file went; null when the user cancelled the dialog. */
  saveExport: { path: string | null };
  retryMonitor: { retrying: boolean };
  remoteHosts: RemoteHostInfo[];
  addRemoteHost: RemoteHostInfo[];
  removeRemoteHost: RemoteHostInfo[];
}
