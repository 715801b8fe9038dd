// Windows connections. Live: Get-NetTCPConnection, Get-NetUDPEndpoint and Get-Process in the shared
// PowerShell helper (locale-free JSON, PIDs for every process without elevation). Captures and the
// fallback when PowerShell is unavailable: `netstat -ano` text, whose UDP rows have no state, whose IPv6
// addresses are bracketed with a zone id and may overflow their column, whose state words are localized,
// and which `-b` interleaves with `[image.exe]` / service-name / "Can not obtain ownership" lines.
import { lookup } from '../lookup.js';
import { WINDOWS_START_MS } from '../process-start-time.js';
import type { Collector } from '../collector.js';
import type { Connection, DatasetResult } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { runCommand } from '../run-command.js';
import { decodeCodePage } from '../oem-codepage.js';
import { asArray, type PowerShellHelper } from '../win32-powershell.js';
import { familyOfAddress, makeConnection, normalizeTcpState, splitColonEndpoint, withZone } from './endpoints.js';
import { textLines, toCount, uniqueIds } from '../common.js';
import { keptCmdline } from '../cmdline.js';

const NETSTAT_SOURCE = 'netstat -ano';
const PS_SOURCE = 'Get-NetTCPConnection/Get-NetUDPEndpoint';

/** Parses Windows `netstat -a[n][o][b]` output. */
export function parseWindowsNetstat(text: string, source = NETSTAT_SOURCE): DatasetResult<Connection> {
  const d = emptyDiagnostics();
  const rows: Connection[] = [];
  let resolved = 0;
  let unknownStates = 0;
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const t = line.split(/\s+/);
    const protoText = (t[0] ?? '').toUpperCase();
    if (protoText !== 'TCP' && protoText !== 'UDP') {
      const last = rows[rows.length - 1];
      // `-b`: the owning image follows its row in brackets; a service name may come first.
      const image = /^\[(.+)\]$/.exec(line);
      if (image && last) {
        for (const p of last.processes) p.name = image[1] ?? '';
        if (last.processes.length === 0) last.ownerStatus = 'known';
      } else if (/^Can not obtain ownership/i.test(line) && last) {
        if (last.processes.length === 0) last.ownerStatus = 'denied';
      }
      continue;
    }
    const proto = protoText === 'TCP' ? 'tcp' : 'udp';
    const localText = t[1];
    const remoteText = t[2];
    if (localText === undefined || remoteText === undefined) {
      recordSkip(d, source, raw, 'row without addresses');
      continue;
    }
    const family = localText.startsWith('[') ? 'inet6' : familyOfAddress(localText.replace(/:[^:]*$/, ''));
    const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
    const local = splitColonEndpoint(localText, wildcard);
    const remote = splitColonEndpoint(remoteText, wildcard);
    if (!local || !remote) {
      recordSkip(d, source, raw, 'unreadable address');
      continue;
    }
    if (local.unresolvedPort !== undefined || remote.unresolvedPort !== undefined || /[g-z]/i.test(remote.address))
      resolved++;
    let state: string;
    let rest: string[];
    if (proto === 'tcp') {
      const word = t[3];
      if (word === undefined) {
        recordSkip(d, source, raw, 'TCP row without a state');
        continue;
      }
      const known = normalizeTcpState(word);
      if (known === null) unknownStates++;
      state = known ?? word;
      rest = t.slice(4);
    } else {
      state = remote.port === 0 && (remote.address === wildcard || remote.address === '*') ? 'UNCONN' : 'ESTABLISHED';
      rest = t.slice(3);
    }
    const pidText = rest[0];
    const pid = pidText === undefined ? null : toCount(pidText);
    if (pidText !== undefined && pid === null) {
      recordSkip(d, source, raw, 'PID column is not a number');
      continue;
    }
    rows.push(
      makeConnection({
        proto,
        family,
        local: { address: withZone(local.address), port: local.port },
        remote: { address: remote.address === '*' ? wildcard : withZone(remote.address), port: remote.port },
        state,
        pid,
        // PID 0 is the System Idle pseudo-process: TIME_WAIT sockets no process holds.
        ownerStatus: pid === null ? 'none' : pid > 0 ? 'known' : 'none',
      }),
    );
  }
  if (resolved > 0)
    d.notes.push(`${resolved} rows show host or service names (netstat without -n): ports of unknown services are 0`);
  if (unknownStates > 0)
    d.notes.push(`${unknownStates} rows have a state word this parser does not know; it is shown as printed`);
  return { rows: uniqueIds(rows), diagnostics: d };
}

// State names of MSFT_NetTCPConnection, as PowerShell prints the enum.
const PS_STATES: Record<string, string> = {
  Closed: 'CLOSE',
  Listen: 'LISTEN',
  SynSent: 'SYN_SENT',
  SynReceived: 'SYN_RECV',
  Established: 'ESTABLISHED',
  FinWait1: 'FIN_WAIT1',
  FinWait2: 'FIN_WAIT2',
  CloseWait: 'CLOSE_WAIT',
  Closing: 'CLOSING',
  LastAck: 'LAST_ACK',
  TimeWait: 'TIME_WAIT',
  DeleteTCB: 'DELETE_TCB',
  Bound: 'BOUND',
};

export const CONNECTIONS_SCRIPT = [
  `$t = @(Get-NetTCPConnection -ErrorAction SilentlyContinue | ForEach-Object { @{ a = $_.LocalAddress; p = [int]$_.LocalPort; ra = $_.RemoteAddress; rp = [int]$_.RemotePort; s = $_.State.ToString(); o = [int]$_.OwningProcess } })`,
  `$u = @(Get-NetUDPEndpoint -ErrorAction SilentlyContinue | ForEach-Object { @{ a = $_.LocalAddress; p = [int]$_.LocalPort; o = [int]$_.OwningProcess } })`,
  // Win32_Process, as the kill action reads it: the same CreationDate gives the same start time to the ms.
  `$n = @(Get-CimInstance -ClassName Win32_Process -ErrorAction SilentlyContinue | ForEach-Object { $p = $_; @{ i = [int]$p.ProcessId; n = $p.Name; s = ${WINDOWS_START_MS}; c = $p.CommandLine; e = $p.ExecutablePath } })`,
  `@{ tcp = $t; udp = $u; procs = $n }`,
].join('; ');

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Turns the JSON of CONNECTIONS_SCRIPT into rows. */
export function parsePowerShellConnections(value: unknown): DatasetResult<Connection> {
  const d = emptyDiagnostics();
  const rows: Connection[] = [];
  const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const procs = new Map<number, { name: string; startTime: number | null; cmdline: string; exe: string | null }>();
  for (const p of asArray(obj.procs)) {
    const id = num(p.i);
    if (id !== null)
      procs.set(id, { name: str(p.n), startTime: num(p.s), cmdline: keptCmdline(str(p.c)), exe: str(p.e) || null });
  }
  const add = (proto: 'tcp' | 'udp', e: Record<string, unknown>): void => {
    const address = str(e.a);
    const port = num(e.p);
    const pid = num(e.o);
    if (address === '' || port === null) {
      recordSkip(d, PS_SOURCE, JSON.stringify(e), 'entry without a local address or port');
      return;
    }
    const family = familyOfAddress(address);
    const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
    const remoteAddress = proto === 'tcp' ? str(e.ra) || wildcard : wildcard;
    const remotePort = proto === 'tcp' ? (num(e.rp) ?? 0) : 0;
    const stateName = str(e.s);
    const state = proto === 'udp' ? 'UNCONN' : (lookup(PS_STATES, stateName) ?? (stateName || 'UNKNOWN'));
    const row = makeConnection({
      proto,
      family,
      local: { address: withZone(address), port },
      remote: { address: withZone(remoteAddress), port: remotePort },
      state,
      pid,
      processName: pid !== null ? (procs.get(pid)?.name ?? '') : '',
      ownerStatus: pid !== null && pid > 0 ? 'known' : 'none',
    });
    const owner = row.processes[0];
    const known = pid !== null ? procs.get(pid) : undefined;
    if (owner && known) Object.assign(owner, { startTime: known.startTime, cmdline: known.cmdline, exe: known.exe });
    rows.push(row);
  };
  for (const e of asArray(obj.tcp)) add('tcp', e);
  for (const e of asArray(obj.udp)) add('udp', e);
  return { rows: uniqueIds(rows), diagnostics: d };
}

export function createWin32ConnectionsCollector(
  ps: PowerShellHelper,
  oemCodePage: () => Promise<number>,
): Collector<Connection> {
  return {
    async read() {
      const r = await ps.run(CONNECTIONS_SCRIPT);
      if (r.ok) return parsePowerShellConnections(r.value);
      // Without PowerShell (or its NetTCPIP module), netstat still gives the table, without names.
      const cp = await oemCodePage();
      const out = await runCommand('netstat', ['-ano'], { decode: (b) => decodeCodePage(b, cp) });
      if (!out.ok) {
        const d = emptyDiagnostics();
        d.missing.push({ source: PS_SOURCE, reason: r.error }, { source: NETSTAT_SOURCE, reason: out.error });
        return { rows: [], diagnostics: d };
      }
      const result = parseWindowsNetstat(out.text);
      result.diagnostics.notes.push(`process names unavailable: ${r.error}`);
      return result;
    },
  };
}
