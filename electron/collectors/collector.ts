// The interface every collector implements, on every OS. read() does the I/O and never throws for bad
// input: malformed lines are counted in diagnostics, missing sources are listed with a reason. It may
// reject only for a failure that leaves it nothing to report (the monitor then shows the error).
import type { Dataset, DatasetResult, RowTypes } from '../../shared/types.js';

export interface Collector<Row> {
  read(): Promise<DatasetResult<Row>>;
  /** Releases long-lived resources (a PowerShell child, caches). */
  dispose?(): void;
}

export type Collectors = { [D in Dataset]: Collector<RowTypes[D]> };
