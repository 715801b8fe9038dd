// Recorded connections as the grid and the filter language know rows: a Connection as it was, with what the
// record adds (states, last seen, byte totals). Exports of what the view shows.
import {
  historyCsv as recordedCsv,
  type Alert,
  type AlertKind,
  type RecordedConnection,
} from '../../../shared/record.js';
import type { RecordedRows } from '../../../shared/protocol.js';
import { inertJson, inertText } from '../../../shared/inert-text.js';
import { connectionState, type Connection } from '../../../shared/types.js';

/** The periods between recordings within a range that a view's notice lists (the others counted, notRecordedText):
 *  a week of pauses would fill the view. */
export const PAUSES_SHOWN = 3;
/** How the views' notices say to see the periods not listed. */
export const NARROW_VIEW = 'narrow the range to see them';

export interface HistoryRow extends Connection {
  recorded: RecordedConnection;
  /** Left open by the recording running now (RecordedRows recordingAt): open now, not open when recording stopped. */
  openNow: boolean;
}

/** A recorded connection as a row of the grid; `recordingAt`, the answer's (RecordedRows), tells the rows open now. */
export function toHistoryRow(r: RecordedConnection, recordingAt: number | null = null): HistoryRow {
  const known = r.pid !== null || r.process !== null;
  return {
    id: r.id,
    proto: r.proto,
    family: r.family,
    localAddress: r.localAddress,
    localPort: r.localPort,
    remoteAddress: r.remoteAddress,
    remotePort: r.remotePort,
    state: connectionState(r.states[r.states.length - 1] ?? 'UNKNOWN'),
    recvQ: 0,
    sendQ: 0,
    uid: null,
    user: r.user,
    inode: r.inode,
    // The owner recorded, then the others that shared the socket (a server's workers): the cells show "nginx +2",
    // as the live grid's do.
    processes: known
      ? [
          { pid: r.pid ?? 0, name: r.process ?? '?', cmdline: '', exe: r.exe, user: r.user, startTime: null },
          ...r.others.map((o) => ({ pid: o.pid, name: o.name, cmdline: '', exe: null, user: r.user, startTime: null })),
        ]
      : [],
    ownerStatus: known ? 'known' : 'none',
    ...(r.path !== null ? { path: r.path } : {}),
    firstSeen: r.firstSeen,
    lastChanged: r.lastSeen,
    closedAt: r.closedAt,
    recorded: r,
    openNow: r.closedAt === null && recordingAt !== null && r.lastSeen === recordingAt,
  };
}

/** The rows' CSV: the record's one CSV writer (shared/record.ts), as `netlens history --format csv` writes it. */
export function historyCsv(rows: readonly HistoryRow[]): string {
  return recordedCsv(rows.map((r) => r.recorded));
}

/** What a view's answer holds besides its rows: the range asked, what the record does not cover of it, the rows past
 *  the cap and those skipped (RecordedRows without `rows`). */
export type HistoryAnswer = Omit<RecordedRows, 'rows'> & { from: number; to: number };

/**
 * The rows' JSON, in the shape `netlens history --json` writes (`from`, `to`, `rows`, `omitted`, `unreadable`, `gap`,
 * `gaps`, `gapsOmitted`): a file read alone says what the view's notice said of the range (periods not recorded, rows
 * past the cap or skipped), where the CSV cannot. `rows` are the rows the view shows; `filter` the filter that chose
 * them from the answer (null when it shows them all).
 */
export function historyJson(answer: HistoryAnswer, rows: readonly HistoryRow[], filter: string | null): string {
  const { from, to, omitted, unreadable, gap, gaps, gapsOmitted } = answer;
  return inertJson(
    { from, to, filter, rows: rows.map((r) => r.recorded), omitted, unreadable, gap, gaps, gapsOmitted },
    2,
  );
}

/** Saves text as a file through the browser's download (both hosts: Electron shows its save dialog). */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A moment as a file name's stamp, in local time to the second: `2026-12-03T02-07-32`. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The Alerts list with the alerts that arrived (the store's, newest first) that it does not hold yet on top, at
 *  most `limit`. The list keeps them: the store holds only its newest alerts, a storm more. A list fetched from the
 *  record holds its copy of an alert (it knows "known"): that one stays. No request per alert, only this merge. */
export function mergeAlerts(live: readonly Alert[], list: readonly Alert[], limit: number): Alert[] {
  const ids = new Set(list.map((a) => a.id));
  const held = new Set(list);
  // id 0: an alert the record could not store (busy, write error): shown once, never taken for another.
  const newer = live.filter((a) => (a.id === 0 ? !held.has(a) : !ids.has(a.id)));
  return newer.length === 0 ? (list as Alert[]) : [...newer, ...list].slice(0, limit);
}

const KIND_LABELS: Record<AlertKind, string> = {
  listener: 'New listener',
  process: 'New process',
  network: 'New place',
};

/** What a row of the Alerts list says of an alert beside its text: its kind in words, and its Mark as known
 *  button's accessible name with the subject as inert as the text (a process name is anybody's choice). */
export function alertLabels(a: Pick<Alert, 'kind' | 'subject'>): { kind: string; markKnown: string } {
  return { kind: KIND_LABELS[a.kind], markKnown: `Mark ${inertText(a.subject)} as known` };
}
