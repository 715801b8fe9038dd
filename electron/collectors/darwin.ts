// The macOS collectors: each spawns one system tool per tick and parses its text.
import type { OsCollectors } from './names/index.js';
import { createDarwinConnectionsCollector } from './connections/darwin.js';
import { createDarwinRoutesCollector } from './routes/darwin.js';
import { createDarwinInterfacesCollector } from './interfaces/darwin.js';
import { createDarwinStatisticsCollector } from './statistics/darwin.js';
import { createDarwinMulticastCollector } from './multicast/darwin.js';

export function createDarwinCollectors(): OsCollectors {
  return {
    connections: createDarwinConnectionsCollector(),
    routes: createDarwinRoutesCollector(),
    interfaces: createDarwinInterfacesCollector(),
    statistics: createDarwinStatisticsCollector(),
    multicast: createDarwinMulticastCollector(),
  };
}
