// Per-process traffic on Linux: the connections collector keeps the totals (it sees every reading's rows,
// owners and counters, and the destroy events); this reads them after that collector's read, sharing the
// read in progress when the monitor asks for both in one tick.
import type { Collector } from '../collector.js';
import type { LinuxConnectionsCollector } from '../connections/linux.js';
import type { DatasetResult, ProcessTraffic } from '../../../shared/types.js';
import { emptyDiagnostics } from '../../../shared/types.js';

export class LinuxProcessesCollector implements Collector<ProcessTraffic> {
  constructor(private readonly connections: LinuxConnectionsCollector) {}

  async read(): Promise<DatasetResult<ProcessTraffic>> {
    const r = await this.connections.read();
    const diagnostics = emptyDiagnostics();
    // What may make the totals incomplete (ss missing, the destroy-event reader restarted or dropping); the
    // connections' own skipped lines are reported with connections.
    diagnostics.missing.push(...r.diagnostics.missing.filter((m) => m.source.startsWith('ss')));
    diagnostics.notes.push(...r.diagnostics.notes.filter((n) => n.includes('destroy')));
    return { rows: this.connections.processRows(), diagnostics };
  }
}
