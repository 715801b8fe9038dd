// The published tables of the monitor, one per dataset: each read updates one and yields the diff every
// client is sent. Connections have their own (connections.ts: lifecycle, in-place updates at scale); the
// others are small and are rebuilt from each read, with their derived fields set first.
import { diffRows } from '../../shared/diff.js';
import type { Diff } from '../../shared/protocol.js';
import type {
  AnyRow,
  Connection,
  DatasetResult,
  Counter,
  Dataset,
  NetInterface,
  ProcessTraffic,
  ReadingTime,
} from '../../shared/types.js';
import { ConnectionTable } from './connections.js';
import type { ByteTotals, InterfaceHistory } from './history.js';
import { trafficKey } from '../../shared/process-key.js';
import { CounterRateTracker, InterfaceRateTracker, ProcessRateTracker } from './rates.js';

/** What a read says of its rows besides them (see DatasetResult). */
export type ReadFacts = Pick<DatasetResult<AnyRow>, 'closed' | 'keptRows' | 'readAt'>;

export interface Table {
  update(rows: readonly AnyRow[], at: number, facts?: ReadFacts): Diff<AnyRow>;
  rows(): AnyRow[];
  /** One row by id (connections: the recorder asks for a reopened row). */
  get?(id: string): AnyRow | undefined;
}

class KeyedTable implements Table {
  private map = new Map<string, AnyRow>();

  constructor(
    private readonly derive: (rows: readonly AnyRow[], at: number, readAt?: readonly ReadingTime[]) => void = () => {},
  ) {}

  update(rows: readonly AnyRow[], at: number, facts?: ReadFacts): Diff<AnyRow> {
    this.derive(rows, at, facts?.readAt);
    const next = new Map<string, AnyRow>();
    for (const row of rows) next.set(row.id, row);
    const diff = diffRows(this.map, next);
    this.map = next;
    return diff;
  }

  rows(): AnyRow[] {
    return Array.from(this.map.values());
  }

  get(id: string): AnyRow | undefined {
    return this.map.get(id);
  }
}

export function createTable(
  dataset: Dataset,
  options: {
    lingerMs: number;
    history: InterfaceHistory;
    processHistory?: InterfaceHistory;
    /** Connections: when a socket was first seen before this start (ConnectionTable.earlierSighting). */
    earlierSighting?: (row: Connection) => number | null;
  },
): Table {
  switch (dataset) {
    case 'connections': {
      const table = new ConnectionTable(options.lingerMs);
      table.earlierSighting = options.earlierSighting ?? null;
      return {
        update: (rows, at, facts) =>
          table.update(rows as Connection[], at, facts?.closed, facts?.keptRows, facts?.readAt) as Diff<AnyRow>,
        rows: () => table.rows(),
        get: (id) => table.get(id),
      };
    }
    case 'interfaces': {
      const rates = new InterfaceRateTracker();
      return new KeyedTable((rows, at, readAt) => {
        rates.apply(rows as NetInterface[], at, readAt);
        options.history.record(at, rows as NetInterface[], readAt);
      });
    }
    case 'statistics': {
      const rates = new CounterRateTracker();
      return new KeyedTable((rows, at, readAt) => rates.apply(rows as Counter[], at, readAt));
    }
    case 'processes': {
      const rates = new ProcessRateTracker();
      return new KeyedTable((rows, at, readAt) => {
        rates.apply(rows as ProcessTraffic[], at, readAt);
        options.processHistory?.recordTotals(at, totalsByName(rows as ProcessTraffic[]));
      });
    }
    default:
      return new KeyedTable();
  }
}

/** The process chart follows a name (the side list's entries), so each name's processes are summed, by the key the
 *  list knows them by (a process named as a bucket apart from the bucket: shared/process-key.ts). */
function totalsByName(rows: readonly ProcessTraffic[]): ByteTotals[] {
  const byName = new Map<string, ByteTotals>();
  for (const r of rows) {
    if (r.bytesSent === null || r.bytesReceived === null) continue;
    const key = trafficKey(r);
    const t = byName.get(key);
    if (t) {
      t.rxBytes += r.bytesReceived;
      t.txBytes += r.bytesSent;
    } else {
      byName.set(key, { id: key, rxBytes: r.bytesReceived, txBytes: r.bytesSent });
    }
  }
  return [...byName.values()];
}
