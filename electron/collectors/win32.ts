// The Windows collectors. Connections, routes and interfaces share one long-lived PowerShell (locale-free
// JSON); statistics run `netstat -e -s`, decoded from the OEM code page that PowerShell reports once.
import type { OsCollectors } from './names/index.js';
import { PowerShellHelper } from './win32-powershell.js';
import { supportedCodePage } from './oem-codepage.js';
import { createWin32ConnectionsCollector } from './connections/win32.js';
import { createWin32RoutesCollector } from './routes/win32.js';
import { createWin32InterfacesCollector } from './interfaces/win32.js';
import { createWin32StatisticsCollector } from './statistics/win32.js';
import { createWin32MulticastCollector } from './multicast/win32.js';
import { unavailableCollector } from './run-command.js';
import { withoutTraffic } from './connections/tcp-info.js';

/** Windows keeps per-connection byte counts only once extended statistics are switched on for a connection,
 *  which SetPerTcpConnectionEStats allows administrators alone (ERROR_ACCESS_DENIED otherwise), and they
 *  count from then on, not since the connection opened. */
export const WIN32_TRAFFIC_REASON =
  'per-connection byte counts need administrator rights on Windows (GetPerTcpConnectionEStats after SetPerTcpConnectionEStats)';

export function createWin32Collectors(): OsCollectors {
  const ps = new PowerShellHelper();
  let codePage: Promise<number> | null = null;
  // Asked once: the OEM page only changes with the system locale, which needs a reboot.
  const oemCodePage = (): Promise<number> => {
    codePage ??= ps
      .run('[System.Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage')
      .then((r) => (r.ok && typeof r.value === 'number' && supportedCodePage(r.value) ? r.value : 437));
    return codePage;
  };
  const connections = createWin32ConnectionsCollector(ps, oemCodePage);
  return {
    connections: withoutTraffic({ ...connections, dispose: () => ps.dispose() }, `n/a: ${WIN32_TRAFFIC_REASON}`),
    routes: createWin32RoutesCollector(ps),
    interfaces: createWin32InterfacesCollector(ps),
    statistics: createWin32StatisticsCollector(oemCodePage),
    multicast: createWin32MulticastCollector(),
    processes: unavailableCollector('per-process traffic', WIN32_TRAFFIC_REASON),
  };
}
