// Synthetic tables for tests and the pipeline benchmark: deterministic (seeded) connection churn of a chosen
// size and rate, collectors built on it, and a worker serving them. Never used by product code.
import { inetConnectionKey } from '../../collectors/connections/keys.js';
import { parentPort, workerData } from 'node:worker_threads';
import type { Collector, Collectors } from '../../collectors/collector.js';
import { serveMonitor } from '../worker-runtime.js';
import { makeControlDir } from '../../remote/control-dirs.js';
import {
  emptyDiagnostics,
  INTERFACE_COUNTER_NAMES,
  type Connection,
  type Counter,
  type DatasetResult,
  type InterfaceCounters,
  type NameEntry,
  type NetInterface,
  type TcpState,
} from '../../../shared/types.js';

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATES: TcpState[] = ['ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'FIN_WAIT1', 'SYN_SENT', 'LISTEN'];

function connection(serial: number, random: () => number): Connection {
  const local = `10.${(serial >> 16) & 255}.${(serial >> 8) & 255}.${serial & 255}`;
  const localPort = 1024 + (serial % 60000);
  const remote = `192.168.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
  const remotePort = [443, 80, 22, 5432][serial % 4]!;
  const inode = 100000 + serial;
  const pid = 1000 + (serial % 300);
  const row: Connection = {
    id: '',
    proto: 'tcp',
    family: 'inet',
    localAddress: local,
    localPort,
    remoteAddress: remote,
    remotePort,
    state: 'ESTABLISHED',
    recvQ: 0,
    sendQ: Math.floor(random() * 100),
    uid: 1000,
    user: 'user',
    inode,
    processes: [
      {
        pid,
        name: `proc${pid % 40}`,
        cmdline: `/usr/bin/proc${pid % 40} --serve`,
        exe: `/usr/bin/proc${pid % 40}`,
        user: 'user',
        startTime: 1_700_000_000_000 + pid,
      },
    ],
    ownerStatus: 'known',
  };
  row.id = connectionId(row);
  return row;
}

/** Made on every read with the collectors' own key function from the row's fields, as a collector parsing
 *  /proc does (which hands a socket it listed before the string it gave it then: see keys.ts). Without the state,
 *  so the key keeps the inode: a synthetic row changes state at random (to LISTEN too) and stays one row. */
function connectionId(r: Connection): string {
  return inetConnectionKey(r.proto, r.family, r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.inode);
}

/**
 * A connections table of `size` rows where each next() changes `churn` of them (a fraction): half change
 * state or queues, a quarter close, and as many new ones open, so the size stays put. Every call returns
 * fresh row objects, their ids from the key function, as a collector building every row does (ss, /proc, other
 * OSes); with `keep`, the rows of unchanged sockets are the objects the last call returned, as the Linux
 * collector's TCP and unix rows from sock_diag are (collectors/connections/kept-rows.ts; the read says keptRows).
 */
export class SyntheticConnections {
  private rows: Connection[] = [];
  /** With keep: what the last call returned, and the row each was made from. */
  private given: Connection[] = [];
  private madeFrom: Connection[] = [];
  private serial = 0;
  private readonly random: () => number;

  constructor(
    readonly size: number,
    private readonly churn: number,
    seed = 1,
    readonly keep = false,
  ) {
    this.random = seededRandom(seed);
    for (let i = 0; i < size; i++) this.rows.push(connection(this.serial++, this.random));
  }

  next(): Connection[] {
    const touches = Math.round(this.size * this.churn);
    for (let i = 0; i < touches; i++) {
      const at = Math.floor(this.random() * this.rows.length);
      const row = this.rows[at]!;
      if (i % 4 < 2) {
        this.rows[at] = {
          ...row,
          state: STATES[Math.floor(this.random() * STATES.length)]!,
          sendQ: Math.floor(this.random() * 5000),
        };
      } else if (i % 4 === 2) {
        this.rows[at] = connection(this.serial++, this.random);
      } else {
        this.rows[at] = { ...row, recvQ: row.recvQ + 1 + Math.floor(this.random() * 100) };
      }
    }
    if (!this.keep) return this.rows.map((r) => ({ ...r, id: connectionId(r) }));
    const out = new Array<Connection>(this.rows.length);
    for (let i = 0; i < this.rows.length; i++) {
      const r = this.rows[i]!;
      if (this.madeFrom[i] === r) out[i] = this.given[i]!;
      else {
        out[i] = { ...r, id: connectionId(r) };
        this.madeFrom[i] = r;
      }
    }
    this.given = out;
    return out;
  }
}

function zeroCounters(): InterfaceCounters {
  return Object.fromEntries(INTERFACE_COUNTER_NAMES.map((n) => [n, 0])) as unknown as InterfaceCounters;
}

export function syntheticInterface(name: string, counters: Partial<InterfaceCounters>): NetInterface {
  return {
    id: name,
    name,
    index: 1,
    operState: 'up',
    carrier: true,
    mtu: 1500,
    mac: null,
    speedMbps: null,
    duplex: null,
    type: 'ether',
    flags: ['UP', 'RUNNING'],
    addresses: [],
    counters: { ...zeroCounters(), ...counters },
  };
}

export function syntheticCounter(
  group: string,
  name: string,
  value: number,
  kind: Counter['kind'] = 'counter',
): Counter {
  return { id: `${group}.${name}`, group, name, value, description: null, kind, isError: false };
}

export function result<Row>(rows: Row[]): DatasetResult<Row> {
  return { rows, diagnostics: emptyDiagnostics() };
}

/** A collector whose read() runs the given function and counts its calls. */
export function countingCollector<Row>(produce: () => Row[] | Promise<Row[]>): Collector<Row> & { reads: number } {
  const c = {
    reads: 0,
    async read() {
      c.reads++;
      return result(await produce());
    },
  };
  return c;
}

/** Collectors for every dataset: synthetic connections and small steady tables for the rest. */
export function syntheticCollectors(connections: SyntheticConnections) {
  let bytes = 0;
  return {
    connections: countingCollector(() => connections.next()),
    routes: countingCollector(() => []),
    interfaces: countingCollector(() => {
      bytes += 1500;
      return [
        syntheticInterface('lo', { rxBytes: bytes, txBytes: bytes, rxPackets: bytes / 1500, txPackets: bytes / 1500 }),
      ];
    }),
    statistics: countingCollector(() => [
      syntheticCounter('Tcp', 'ActiveOpens', bytes / 1500),
      syntheticCounter('Tcp', 'CurrEstab', 3, 'gauge'),
    ]),
    multicast: countingCollector(() => []),
    // The monitor's tests are about streaming, not names: the names collector has its own (collectors/names).
    names: countingCollector<NameEntry>(() => []),
    processes: countingCollector(() => []),
  } satisfies Collectors;
}

export interface SyntheticWorkerData {
  rows?: number;
  churn?: number;
  /** With this, the first worker (generation 0) exits abruptly on that connections read, as a crash would. */
  exitOnRead?: number;
  /** With this, the first worker hangs (a busy loop, as a parser stuck on bad input would) on that read. */
  hangOnRead?: number;
  /** With this, every worker's first connections read keeps its thread busy this long (a slow cold reading). */
  slowFirstReadMs?: number;
  /** With this, the worker makes a ControlMaster folder under the host's prefix at its start, as a remote host does. */
  controlDir?: boolean;
  /** Set by the host: 0 for the first worker, +1 per restart. */
  generation?: number;
  /** Set by the host: the prefix of this worker's ssh ControlMaster folders (electron/remote/control-dirs.ts). */
  sshControlPrefix?: string;
}

/** Runs this thread as a monitor worker over synthetic collectors, configured by workerData. */
export function serveSynthetic(): void {
  const data = (workerData ?? {}) as SyntheticWorkerData;
  if (data.controlDir && data.sshControlPrefix) makeControlDir(data.sshControlPrefix);
  const collectors = syntheticCollectors(new SyntheticConnections(data.rows ?? 100, data.churn ?? 0.05));
  const exitOnRead = data.exitOnRead;
  if (exitOnRead !== undefined && data.generation === 0) {
    const read = collectors.connections.read.bind(collectors.connections);
    collectors.connections.read = async () => {
      if (collectors.connections.reads + 1 >= exitOnRead) process.exit(7);
      return read();
    };
  }
  const hangOnRead = data.hangOnRead;
  if (hangOnRead !== undefined && data.generation === 0) {
    const read = collectors.connections.read.bind(collectors.connections);
    collectors.connections.read = async () => {
      if (collectors.connections.reads + 1 >= hangOnRead) for (;;);
      return read();
    };
  }
  const slowFirstReadMs = data.slowFirstReadMs;
  if (slowFirstReadMs !== undefined) {
    const read = collectors.connections.read.bind(collectors.connections);
    collectors.connections.read = async () => {
      if (collectors.connections.reads === 0) for (const until = Date.now() + slowFirstReadMs; Date.now() < until; );
      return read();
    };
  }
  if (!parentPort) throw new Error('serveSynthetic runs in a worker thread');
  serveMonitor(parentPort, collectors);
}
