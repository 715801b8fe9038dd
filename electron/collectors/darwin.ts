// The macOS collectors: each spawns one system tool per tick and parses its text.
import type { OsCollectors } from './names/index.js';
import { createDarwinConnectionsCollector } from './connections/darwin.js';
import { createDarwinRoutesCollector } from './routes/darwin.js';
import { createDarwinInterfacesCollector } from './interfaces/darwin.js';
import { createDarwinStatisticsCollector } from './statistics/darwin.js';
import { createDarwinMulticastCollector } from './multicast/darwin.js';
import { unavailableCollector } from './run-command.js';
import { withoutTraffic } from './connections/tcp-info.js';

/** nettop (no root) has these counts; NetLens parses its output from captures and does not run it live yet. */
const DARWIN_TRAFFIC_REASON =
  'NetLens reads macOS traffic from saved nettop output (File → Open capture…), not live yet';

export function createDarwinCollectors(): OsCollectors {
  return {
    connections: withoutTraffic(createDarwinConnectionsCollector(), `n/a: ${DARWIN_TRAFFIC_REASON}`),
    routes: createDarwinRoutesCollector(),
    interfaces: createDarwinInterfacesCollector(),
    statistics: createDarwinStatisticsCollector(),
    multicast: createDarwinMulticastCollector(),
    processes: unavailableCollector('per-process traffic', DARWIN_TRAFFIC_REASON),
  };
}
