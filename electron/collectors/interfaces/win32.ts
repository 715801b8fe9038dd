// Windows interfaces from Get-NetAdapter, Get-NetAdapterStatistics and Get-NetIPAddress, in one request
// to the shared PowerShell helper (64-bit counters, per adapter; `netstat -e` only has totals). Adapters
// are matched to their statistics by name inside PowerShell, where both cmdlets agree on it.
import { withoutZone } from '../../../shared/address.js';
import { lookup } from '../lookup.js';
import type { Collector } from '../collector.js';
import type { DatasetResult, NetInterface } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { missingSource } from '../run-command.js';
import { asArray, type PowerShellHelper } from '../win32-powershell.js';
import { emptyInterface } from './common.js';

const SOURCE = 'Get-NetAdapter/Get-NetAdapterStatistics';

export const INTERFACES_SCRIPT = [
  `$s = @{}; Get-NetAdapterStatistics -ErrorAction SilentlyContinue | ForEach-Object { $s[$_.Name] = $_ }`,
  `$ips = @(Get-NetIPAddress -ErrorAction SilentlyContinue | ForEach-Object { @{ x = [int]$_.InterfaceIndex; a = $_.IPAddress; l = [int]$_.PrefixLength } })`,
  `$ad = @(Get-NetAdapter -ErrorAction SilentlyContinue | ForEach-Object { $t = $s[$_.Name]; @{ n = $_.Name; x = [int]$_.ifIndex; st = $_.Status.ToString(); mac = $_.MacAddress; mtu = [int]$_.MtuSize; sp = [double]$_.Speed; fd = $_.FullDuplex; v = $_.Virtual; rb = [double]$t.ReceivedBytes; ru = [double]$t.ReceivedUnicastPackets; rm = [double]$t.ReceivedMulticastPackets; rbc = [double]$t.ReceivedBroadcastPackets; rd = [double]$t.ReceivedDiscardedPackets; re = [double]$t.ReceivedPacketErrors; tb = [double]$t.SentBytes; tu = [double]$t.SentUnicastPackets; tm = [double]$t.SentMulticastPackets; tbc = [double]$t.SentBroadcastPackets; td = [double]$t.OutboundDiscardedPackets; te = [double]$t.OutboundPacketErrors } })`,
  `@{ adapters = $ad; addresses = $ips }`,
].join('; ');

function n(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

const OPER: Record<string, string> = {
  Up: 'up',
  Disconnected: 'down',
  Disabled: 'down',
  NotPresent: 'notpresent',
  Testing: 'testing',
  Dormant: 'dormant',
  LowerLayerDown: 'lowerlayerdown',
};

export function parsePowerShellInterfaces(value: unknown): DatasetResult<NetInterface> {
  const d = emptyDiagnostics();
  const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const rows: NetInterface[] = [];
  const byIndex = new Map<number, NetInterface>();
  for (const a of asArray(obj.adapters)) {
    const name = typeof a.n === 'string' ? a.n : '';
    if (name === '') {
      recordSkip(d, SOURCE, JSON.stringify(a), 'adapter without a name');
      continue;
    }
    const row = emptyInterface(name);
    row.index = typeof a.x === 'number' ? a.x : null;
    const status = typeof a.st === 'string' ? a.st : '';
    row.operState = lookup(OPER, status) ?? 'unknown';
    row.carrier = status === 'Up' ? true : status === 'Disconnected' ? false : null;
    row.mac = typeof a.mac === 'string' && a.mac !== '' ? a.mac.replace(/-/g, ':').toLowerCase() : null;
    row.mtu = typeof a.mtu === 'number' && a.mtu > 0 ? a.mtu : null;
    row.speedMbps = typeof a.sp === 'number' && a.sp > 0 ? a.sp / 1e6 : null;
    row.duplex = a.fd === true ? 'full' : a.fd === false ? 'half' : null;
    row.type = a.v === true ? 'virtual' : 'ether';
    row.flags = status === 'Up' ? ['UP', 'RUNNING'] : [];
    const c = row.counters;
    c.rxBytes = n(a.rb);
    c.rxPackets = n(a.ru) + n(a.rm) + n(a.rbc);
    c.rxMulticast = n(a.rm);
    c.rxDropped = n(a.rd);
    c.rxErrors = n(a.re);
    c.txBytes = n(a.tb);
    c.txPackets = n(a.tu) + n(a.tm) + n(a.tbc);
    c.txDropped = n(a.td);
    c.txErrors = n(a.te);
    rows.push(row);
    if (row.index !== null) byIndex.set(row.index, row);
  }
  for (const ip of asArray(obj.addresses)) {
    const row = typeof ip.x === 'number' ? byIndex.get(ip.x) : undefined;
    const address = typeof ip.a === 'string' ? withoutZone(ip.a) : '';
    if (!row || address === '') continue;
    const family = address.includes(':') ? 'inet6' : 'inet';
    row.addresses.push({
      family,
      address,
      prefixLength: typeof ip.l === 'number' ? ip.l : null,
      scope: /^fe80/i.test(address) || address.startsWith('169.254.') ? 'link' : 'global',
    });
  }
  return { rows, diagnostics: d };
}

export function createWin32InterfacesCollector(ps: PowerShellHelper): Collector<NetInterface> {
  return {
    async read() {
      const r = await ps.run(INTERFACES_SCRIPT);
      if (r.ok) return parsePowerShellInterfaces(r.value);
      return missingSource(SOURCE, r.error);
    },
  };
}
