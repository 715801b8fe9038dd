// What `netlens metrics` exports, built from one reading of the collectors: every `netstat -s` counter (a
// family per counter, the group as a name prefix, counters as counters and gauges as gauges), per-interface
// counters, socket counts by protocol, family and state, per-process traffic (processes.ts bounds its series)
// and how each collector fared.
import type {
  Connection,
  Counter,
  Dataset,
  DatasetResult,
  InterfaceCounters,
  NetInterface,
  ProcessTraffic,
} from '../../shared/types.js';
import { Exposition, snakeCase } from './exposition.js';
import type { ProcessTrafficView } from './processes.js';

export type Reading<Row> =
  | { ok: true; result: DatasetResult<Row>; durationMs: number }
  | { ok: false; error: string; durationMs: number };

export interface MetricsReadings {
  statistics: Reading<Counter>;
  interfaces: Reading<NetInterface>;
  connections: Reading<Connection>;
  processes: Reading<ProcessTraffic>;
}

export const METRICS_DATASETS = [
  'statistics',
  'interfaces',
  'connections',
  'processes',
] as const satisfies readonly Dataset[];

const PREFIX = 'netlens';

/** Each interface counter as a family: [name, help]. */
const INTERFACE_COUNTERS: Record<keyof InterfaceCounters, [string, string]> = {
  rxBytes: ['receive_bytes_total', 'Bytes received'],
  rxPackets: ['receive_packets_total', 'Packets received'],
  rxErrors: ['receive_errors_total', 'Receive errors'],
  rxDropped: ['receive_dropped_total', 'Received packets dropped'],
  rxFifo: ['receive_fifo_errors_total', 'Receive FIFO buffer errors'],
  rxFrame: ['receive_frame_errors_total', 'Receive framing errors'],
  rxCompressed: ['receive_compressed_packets_total', 'Compressed packets received'],
  rxMulticast: ['receive_multicast_packets_total', 'Multicast packets received'],
  txBytes: ['transmit_bytes_total', 'Bytes transmitted'],
  txPackets: ['transmit_packets_total', 'Packets transmitted'],
  txErrors: ['transmit_errors_total', 'Transmit errors'],
  txDropped: ['transmit_dropped_total', 'Transmitted packets dropped'],
  txFifo: ['transmit_fifo_errors_total', 'Transmit FIFO buffer errors'],
  txCollisions: ['transmit_collisions_total', 'Collisions while transmitting'],
  txCarrier: ['transmit_carrier_errors_total', 'Carrier losses while transmitting'],
  txCompressed: ['transmit_compressed_packets_total', 'Compressed packets transmitted'],
};

/** netstat -s Tcp ActiveOpens -> netlens_netstat_tcp_active_opens_total. Two counters whose names meet in
 *  snake_case (none in today's kernels) keep apart by a numbered suffix, in the order they come. */
function netstatFamilies(out: Exposition, rows: readonly Counter[]): void {
  const owner = new Map<string, string>();
  for (const r of rows) {
    if (!Number.isFinite(r.value)) continue;
    const base = `${PREFIX}_netstat_${snakeCase(r.group)}_${snakeCase(r.name)}`;
    let stem = base;
    for (let n = 2; owner.has(stem) && owner.get(stem) !== r.id; n++) stem = `${base}_${n}`;
    owner.set(stem, r.id);
    const name = r.kind === 'counter' ? `${stem}_total` : stem;
    const what = `netstat -s ${r.group} ${r.name}`;
    out.family(name, r.kind, r.description ? `${r.description} (${what})` : what);
    out.sample(name, {}, r.value);
  }
}

/** node_exporter's node_network_up is operstate == "up", which leaves lo (and other drivers that report no
 *  operstate) down though they carry traffic; ip link shows those "state UNKNOWN" with UP and RUNNING set. */
function isUp(r: NetInterface): boolean {
  if (r.operState === 'up') return true;
  return r.operState === 'unknown' && r.flags.includes('UP') && r.flags.includes('RUNNING');
}

function interfaceFamilies(out: Exposition, rows: readonly NetInterface[]): void {
  for (const [key, [suffix, help]] of Object.entries(INTERFACE_COUNTERS) as [
    keyof InterfaceCounters,
    [string, string],
  ][]) {
    const name = `${PREFIX}_interface_${suffix}`;
    out.family(name, 'counter', `${help} (/proc/net/dev, netstat -i)`);
    for (const r of rows) {
      const value = r.counters[key] as number | null;
      if (typeof value === 'number' && Number.isFinite(value)) out.sample(name, { interface: r.name }, value);
    }
  }
  out.family(
    `${PREFIX}_interface_up`,
    'gauge',
    'Whether the interface is up (1) or not (0): operstate up, or operstate unknown (drivers that report none, as lo) with the flags UP and RUNNING',
  );
  out.family(`${PREFIX}_interface_mtu_bytes`, 'gauge', 'Maximum transmission unit');
  out.family(
    `${PREFIX}_interface_speed_bytes`,
    'gauge',
    'Link speed in bytes per second, where the driver reports one',
  );
  out.family(`${PREFIX}_interface_info`, 'gauge', 'Interface facts as labels; the value is always 1');
  for (const r of rows) {
    const labels = { interface: r.name };
    out.sample(`${PREFIX}_interface_up`, labels, isUp(r) ? 1 : 0);
    if (r.mtu !== null) out.sample(`${PREFIX}_interface_mtu_bytes`, labels, r.mtu);
    if (r.speedMbps !== null && r.speedMbps > 0)
      out.sample(`${PREFIX}_interface_speed_bytes`, labels, (r.speedMbps * 1e6) / 8);
    out.sample(
      `${PREFIX}_interface_info`,
      { ...labels, operstate: r.operState, type: r.type ?? '', mac: r.mac ?? '' },
      1,
    );
  }
}

function socketFamilies(out: Exposition, rows: readonly Connection[]): void {
  const name = `${PREFIX}_sockets`;
  out.family(name, 'gauge', 'Open sockets by protocol, address family and state (netstat -a)');
  const counts = new Map<string, { protocol: string; family: string; state: string; n: number }>();
  for (const r of rows) {
    const key = `${r.proto}\u0000${r.family}\u0000${r.state}`;
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { protocol: r.proto, family: r.family, state: r.state, n: 1 });
  }
  for (const c of counts.values()) out.sample(name, { protocol: c.protocol, family: c.family, state: c.state }, c.n);
}

function processFamilies(out: Exposition, view: ProcessTrafficView): void {
  // A connection counts whole: one open when netlens metrics started brings the bytes it had moved before.
  const since = 'over the lives of the connections seen since netlens metrics started';
  for (const [dir, key] of [
    ['sent', 'sent'],
    ['received', 'received'],
  ] as const) {
    const name = `${PREFIX}_process_${dir}_bytes_total`;
    out.family(
      name,
      'counter',
      `TCP bytes ${dir} by the processes of this name ${since}; only the ${view.limit} names with the most ` +
        `traffic, the rest in ${PREFIX}_process_others_${dir}_bytes_total`,
    );
    for (const p of view.top) out.sample(name, { process: p.name }, p[key]);
    const others = `${PREFIX}_process_others_${dir}_bytes_total`;
    out.family(others, 'counter', `TCP bytes ${dir} by the processes outside the top ${view.limit} names ${since}`);
    out.sample(others, {}, view.others[key]);
  }
  out.family(
    `${PREFIX}_process_other_names`,
    'gauge',
    `Process names with traffic outside the top ${view.limit}, counted in the others`,
  );
  out.sample(`${PREFIX}_process_other_names`, {}, view.otherNames);
}

/** The exposition text of one set of readings; `processes` is what the processes reading made of the
 *  per-process series (ProcessTrafficMetrics), null when it failed. */
export function renderMetrics(readings: MetricsReadings, processes: ProcessTrafficView | null = null): string {
  const out = new Exposition();
  const { statistics, interfaces, connections } = readings;
  if (statistics.ok) netstatFamilies(out, statistics.result.rows);
  if (interfaces.ok) interfaceFamilies(out, interfaces.result.rows);
  if (connections.ok) socketFamilies(out, connections.result.rows);
  if (processes) processFamilies(out, processes);
  out.family(
    `${PREFIX}_collector_success`,
    'gauge',
    'Whether the last read of this dataset succeeded (1) or failed (0)',
  );
  out.family(`${PREFIX}_collector_duration_seconds`, 'gauge', 'How long the last read of this dataset took');
  out.family(
    `${PREFIX}_collector_skipped_lines`,
    'gauge',
    'Lines the last read of this dataset could not parse and skipped',
  );
  for (const d of METRICS_DATASETS) {
    const r = readings[d];
    out.sample(`${PREFIX}_collector_success`, { dataset: d }, r.ok ? 1 : 0);
    out.sample(`${PREFIX}_collector_duration_seconds`, { dataset: d }, r.durationMs / 1000);
    if (r.ok) out.sample(`${PREFIX}_collector_skipped_lines`, { dataset: d }, r.result.diagnostics.skipped);
  }
  return out.render();
}
