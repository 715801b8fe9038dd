// Picks the collectors for the OS this process runs on.
import type { Collectors } from './collector.js';
import { withNames, type NamesCollector } from './names/index.js';
import { createDarwinCollectors } from './darwin.js';
import { createWin32Collectors } from './win32.js';
import { LinuxConnectionsCollector } from './connections/linux.js';
import { LinuxInterfacesCollector } from './interfaces/linux.js';
import { LinuxMulticastCollector } from './multicast/linux.js';
import { LinuxRoutesCollector } from './routes/linux.js';
import { LinuxStatisticsCollector } from './statistics/linux.js';
import type { PrivilegedOwners } from './linux/socket-owners.js';
import { LinuxProcessesCollector } from './processes/linux.js';

export interface CollectorOptions {
  /** Linux: who to ask for the owners of sockets this process may not inspect (the privileged agent). */
  privilegedOwners?: PrivilegedOwners;
  /** Describes what the connections collector reads; without one, service names and places only. */
  names?: NamesCollector;
}

export function createCollectors(
  platform: NodeJS.Platform = process.platform,
  options: CollectorOptions = {},
): Collectors {
  return withNames(createOsCollectors(platform, options), options.names);
}

function createOsCollectors(platform: NodeJS.Platform, options: CollectorOptions) {
  switch (platform) {
    case 'linux': {
      const connections = new LinuxConnectionsCollector(
        options.privilegedOwners ? { privilegedOwners: options.privilegedOwners } : {},
      );
      return {
        connections,
        routes: new LinuxRoutesCollector(),
        interfaces: new LinuxInterfacesCollector(),
        statistics: new LinuxStatisticsCollector(),
        multicast: new LinuxMulticastCollector(),
        processes: new LinuxProcessesCollector(connections),
      };
    }
    case 'darwin':
      return createDarwinCollectors();
    case 'win32':
      return createWin32Collectors();
    default:
      throw new Error(`NetLens does not support this platform yet: ${platform}`);
  }
}
