// The interface every collector implements, on every OS. read() does the I/O and never throws for bad
// input: malformed lines are counted in diagnostics, missing sources are listed with a reason. It may
// reject only for a failure that leaves it nothing to report (the monitor then shows the error).
import type { CollectExtra, Dataset, DatasetResult, RowTypes } from '../../shared/types.js';

export interface Collector<Row> {
  read(): Promise<DatasetResult<Row>>;
  /** A cheaper read for what is kept while nobody shows the table (the interfaces' rate history and record):
   *  rows whose ids and byte counters are read()'s, the rest of their fields left unread. Where absent, read()
   *  serves. */
  readCounters?(): Promise<DatasetResult<Row>>;
  /** Which optional extras (traffic counters, socket memory) the next reads fill in; a collector that has
   *  none ignores it. The monitor asks for them only while a client shows them. */
  setExtras?(extras: readonly CollectExtra[]): void;
  /** Releases long-lived resources (a PowerShell child, caches). */
  dispose?(): void;
  /** Where the collector reports what a person should see at once (a long-lived reader that died and was
   *  restarted); the monitor sends it to every client as a notice. */
  setNoticeSink?(sink: NoticeSink): void;
}

export type NoticeSink = (level: 'info' | 'warning' | 'error', code: string, text: string) => void;

export type Collectors = { [D in Dataset]: Collector<RowTypes[D]> };
