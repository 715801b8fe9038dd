// The hosts' log lines (stderr): every line is made inert and short before it is written, because much of
// what is logged comes from outside (a rejected client's message, a request URL, an OS name), and lines
// that anyone can trigger at will (an unauthenticated request, a rejected message) are rate-limited, so a
// flood cannot fill the log (issue 10: one 64 MB message added 67 MB to it; every bad request a line).
import { inertExcerpt } from '../shared/inert-text.js';

export type LogLine = (line: string) => void;

export interface HostLog extends LogLine {
  /** A line of a kind anyone can repeat: at most `perWindow` per kind per window; the rest are counted and
   *  the count is reported with the next line of that kind that is written. */
  limited(kind: string, line: string): void;
}

export interface HostLogOptions {
  maxLength?: number;
  perWindow?: number;
  windowMs?: number;
  now?: () => number;
}

/** Kinds of rate-limited lines remembered before those whose window ended are forgotten. */
export const MAX_KINDS = 256;
/** A kind that held lines back is remembered this many windows (its count goes with its next line), then its count is
 *  logged on its own and it is forgotten. */
const HELD_KEPT_WINDOWS = 60;

/** Longest line written; long enough for a stack frame or two, short enough that no value floods the log. */
export const MAX_LOG_LINE = 2000;

export function hostLog(sink: LogLine, options: HostLogOptions = {}): HostLog & { kindsHeld(): number } {
  const maxLength = options.maxLength ?? MAX_LOG_LINE;
  const perWindow = options.perWindow ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const kinds = new Map<string, { start: number; written: number; suppressed: number }>();
  const write: LogLine = (line) => sink(inertExcerpt(line, maxLength));
  const log = ((line: string) => write(line)) as HostLog & { kindsHeld(): number };
  log.kindsHeld = () => kinds.size;
  const seconds = Math.round(windowMs / 1000);
  // Kinds are per client ("web#12 refused"): from `sweepAt` kinds on, those whose window ended are forgotten (one that
  // held lines back once it is HELD_KEPT_WINDOWS old, its count logged), and the next sweep waits until the map has
  // doubled, so that many clients refused within one window cost one pass per doubling, not one per new kind.
  let sweepAt = MAX_KINDS;
  const sweep = (t: number) => {
    for (const [name, e] of kinds) {
      const age = t - e.start;
      if (age < windowMs || (e.suppressed > 0 && age < HELD_KEPT_WINDOWS * windowMs)) continue;
      if (e.suppressed > 0) write(`${name}: ${e.suppressed} more like it in ${seconds} s, not logged`);
      kinds.delete(name);
    }
    sweepAt = Math.max(MAX_KINDS, 2 * kinds.size);
  };
  log.limited = (kind, line) => {
    const t = now();
    let k = kinds.get(kind);
    if (!k || t - k.start >= windowMs) {
      if (!k && kinds.size >= sweepAt) sweep(t);
      const suppressed = k?.suppressed ?? 0;
      k = { start: t, written: 0, suppressed: 0 };
      kinds.set(kind, k);
      if (suppressed > 0) line = `${line} (and ${suppressed} more like it in the last ${seconds} s, not logged)`;
    }
    if (k.written >= perWindow) {
      k.suppressed++;
      return;
    }
    k.written++;
    write(line);
  };
  return log;
}

/** A plain log function made a HostLog, unless it already is one. */
export function asHostLog(log: LogLine): HostLog {
  return 'limited' in log ? (log as HostLog) : hostLog(log);
}
