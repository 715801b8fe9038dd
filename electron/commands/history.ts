// `netlens history`: what the recorder kept (electron/monitor/record/), read straight from the database in
// the data folder, whether or not NetLens is running.
//   netlens history [--since DURATION|TIME] [--until DURATION|TIME] [--json | --format table|csv|json]
//   netlens history --changes [--since …] [--until …] [--json]
import { hostPort } from '../../shared/address.js';
import { commandError } from '../../shared/error-text.js';
import { lstatSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inertJson, inertText } from '../../shared/inert-text.js';
import {
  historyCsv,
  notRecordedText,
  parseMoment,
  placeText,
  unreadableText,
  briefOmittedText,
  type ChangesSummary,
  type RecordedConnection,
} from '../../shared/record.js';
import type { Command } from '../cli.js';
import { dataDirIn, defaultDataDir } from '../collectors/data-dir.js';
import { recordFile } from '../monitor/record/config.js';
import type { RecordedRows } from '../monitor/record/queries.js';
import { columns } from './text-table.js';
import { unixName } from '../../shared/types.js';
import { errorText } from '../../shared/error-text.js';

/** Whether something has this name (a link counts, wherever it leads). */
function named(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

// OS strings (process names, unix paths, user names) are printed through inertText, as every terminal output is;
// so is every other string of the record (addresses, states, places): --db may name a file from anywhere.

const USAGE = 'history [--since DURATION|TIME] [--until …] [--changes] [--json|--format table|csv|json] [--db FILE]';

function time(t: number | null): string {
  if (t === null) return '-';
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const where = (c: RecordedConnection) =>
  c.proto === 'unix' ? unixName({ path: c.path ?? undefined, inode: c.inode }) : hostPort(c.localAddress, c.localPort);
/** netstat -p's `pid/name`, and how many more processes shared the socket (`1234/nginx +2`). */
const owner = (c: RecordedConnection) =>
  (c.pid === null ? (c.process ?? '-') : `${c.pid}/${c.process ?? '?'}`) +
  (c.others.length > 0 ? ` +${c.others.length}` : '');
// Never closed in the record: open still at its recording's last write (now, while NetLens records; "open at" read as
// when it opened: a new user's review of 12-07).
const ended = (c: RecordedConnection) => (c.closedAt !== null ? time(c.closedAt) : `still open at ${time(c.lastSeen)}`);

const omittedText = (n: number) => `${n} more rows not shown: narrow --since/--until`;

/** How the lines about periods not recorded (past those listed) say to see the others. */
const NARROW = 'narrow --since/--until';
/** The periods between recordings the text lists before its rows (the others counted; --json holds up to
 *  MAX_RECORD_GAPS): a month of daily pauses would push the table a screen down. */
const PAUSES_LISTED = 10;
/** What the table and the CSV's stderr say of a range not fully recorded (its first moment, then the periods between
 *  recordings within it), in the same words. */
const notRecorded = (result: RecordedRows, from: number): string[] =>
  notRecordedText(result, from, 'rows', NARROW, PAUSES_LISTED);

function table(result: RecordedRows, from: number, to: number): string {
  const out = [`Recorded connections from ${time(from)} to ${time(to)}`];
  out.push(...notRecorded(result, from));
  const inet = result.rows.filter((c) => !c.listener);
  out.push(
    ...columns(
      ['Proto', 'Local Address', 'Foreign Address', 'States', 'PID/Program name', 'First seen', 'Closed'],
      inet.map((c) =>
        [
          c.family === 'inet6' ? `${c.proto}6` : c.proto,
          where(c),
          c.proto === 'unix' ? '' : hostPort(c.remoteAddress, c.remotePort),
          c.states.join('>'),
          owner(c),
          time(c.firstSeen),
          ended(c),
        ].map(inertText),
      ),
    ),
  );
  // Listener events, in time order: each listener's appearance and disappearance within the range.
  const events: [number, string[]][] = [];
  for (const l of result.rows.filter((c) => c.listener)) {
    const cells = (what: string): string[] =>
      [what, l.family === 'inet6' ? `${l.proto}6` : l.proto, where(l), owner(l), l.user ?? '-'].map(inertText);
    if (l.firstSeen >= from) events.push([l.firstSeen, [time(l.firstSeen), ...cells('listen')]]);
    if (l.closedAt !== null && l.closedAt <= to) events.push([l.closedAt, [time(l.closedAt), ...cells('closed')]]);
    if (l.firstSeen < from && (l.closedAt === null || l.closedAt > to))
      events.push([l.firstSeen, [time(l.firstSeen), ...cells('listening')]]);
  }
  events.sort((a, b) => a[0] - b[0]);
  out.push('', 'Listener events');
  out.push(
    ...columns(
      ['Time', 'Event', 'Proto', 'Local Address', 'PID/Program name', 'User'],
      events.map((e) => e[1]),
    ),
  );
  if (result.omitted > 0) out.push('', `(${omittedText(result.omitted)})`);
  if (result.unreadable > 0) out.push('', `(${unreadableText(result.unreadable)})`);
  return out.join('\n');
}

function changesText(c: ChangesSummary): string {
  const out = [`What changed from ${time(c.from)} to ${time(c.to)}`];
  out.push(...notRecordedText(c, c.asked, 'changes', NARROW, PAUSES_LISTED));
  const section = (title: string, lines: string[]) =>
    out.push('', `${title} (${lines.length})`, ...(lines.length ? lines.map((l) => `  ${l}`) : ['  none']));
  const listener = (l: RecordedConnection) =>
    `${inertText(l.family === 'inet6' ? `${l.proto}6` : l.proto)} ${inertText(where(l))}  ${inertText(owner(l))}  since ${time(l.firstSeen)}`;
  section('New listeners', c.newListeners.map(listener));
  section(
    'Gone listeners',
    c.goneListeners.map((l) => `${listener(l)}  until ${ended(l)}`),
  );
  section(
    'Listeners that came and went',
    c.briefListeners.map((l) => `${listener(l)}  until ${ended(l)}`),
  );
  if (c.briefListenersOmitted > 0) out.push(`  (${briefOmittedText(c.briefListenersOmitted)})`);
  section(
    'New remote hosts',
    c.newRemoteHosts.map(
      (h) =>
        `${inertText(h.address)}  (${inertText(h.network)})  ${inertText(h.process ?? '-')}  first ${time(h.firstSeen)}`,
    ),
  );
  section('New networks', c.newNetworks.map(inertText));
  section(
    'Places processes reached for the first time',
    c.newPlaces.map((p) => `${inertText(p.process)}  ${inertText(placeText(p.place))}  first ${time(p.firstSeen)}`),
  );
  section(
    'Processes that started using the network',
    c.startedProcesses.map((p) => `${inertText(p.process)}  first ${time(p.firstSeen)}`),
  );
  section(
    'Processes that stopped using the network',
    c.stoppedProcesses.map((p) => `${inertText(p.process)}  last ${time(p.lastSeen)}`),
  );
  if (c.unreadable > 0) out.push('', `(${unreadableText(c.unreadable)})`);
  return out.join('\n');
}

export const historyCommand: Command = {
  summary: 'print recorded connections and listener events (or --changes) from the connection record',
  usage: USAGE,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          since: { type: 'string', default: '1h' },
          until: { type: 'string' },
          changes: { type: 'boolean' },
          json: { type: 'boolean' },
          format: { type: 'string' },
          db: { type: 'string' },
        },
        allowPositionals: false,
      }));
    } catch (err) {
      console.error(`${commandError('history', err)}\nUsage: netlens ${USAGE}`);
      return 2;
    }
    const now = Date.now();
    const from = parseMoment(values.since, now);
    const to = values.until === undefined ? now : parseMoment(values.until, now);
    const format = values.json ? 'json' : (values.format ?? 'table');
    if (from === null || to === null || !['table', 'csv', 'json'].includes(format) || from > to) {
      console.error(
        from === null || to === null
          ? `netlens history: --since and --until take a duration back from now (90s, 15m, 1h, 7d) or a time (14:05, 2026-11-30 14:05)`
          : from !== null && to !== null && from > to
            ? 'netlens history: --since is after --until'
            : `netlens history: --format takes table, csv or json`,
      );
      return 2;
    }
    let file: string;
    try {
      file = values.db ?? recordFile(dataDirIn(defaultDataDir(), { create: false }));
    } catch (err) {
      console.error(commandError('history', err));
      return 1;
    }
    // Its name, not what it leads to: a link to nothing, or a loop, is refused by readRecord, which says so.
    if (!named(file)) {
      console.error(
        `netlens history: no record at ${inertText(file)} (NetLens records while the desktop app or \`netlens web\` runs)`,
      );
      return 1;
    }
    // SQLite (a WebAssembly module, 4 MB of the process's memory once loaded) only for this command: the CLI's
    // other commands, `netlens web` among them, never load it on their thread (the monitor's worker records).
    // A reader: the file is opened read-only and never written (readRecord), whoever's it is.
    const { NotARecordError, readRecord } = await import('../monitor/record/database.js');
    const { changes, connectionsBetween } = await import('../monitor/record/queries.js');
    // A stale lock read past (a folder this user may not write): said on stderr, inert (the path is --db's).
    const warn = (text: string) => console.error(commandError('history', text));
    let output: string;
    try {
      if (values.changes) {
        const summary = readRecord(file, (db) => changes(db, from, to), warn);
        output = format === 'json' ? inertJson(summary, 2) : changesText(summary);
      } else {
        const result = readRecord(file, (db) => connectionsBetween(db, from, to), warn);
        // CSV is rows alone: what the table says besides its rows (a range not fully recorded, rows past the
        // cap, rows skipped) is said on stderr, in the table's words; JSON holds it as fields.
        if (format === 'csv') {
          for (const line of notRecorded(result, from)) warn(line);
          if (result.omitted > 0) warn(omittedText(result.omitted));
          if (result.unreadable > 0) warn(unreadableText(result.unreadable));
        }
        output =
          format === 'json'
            ? inertJson({ from, to, ...result }, 2)
            : format === 'csv'
              ? historyCsv(result.rows)
              : table(result, from, to);
      }
    } catch (err) {
      console.error(
        err instanceof NotARecordError
          ? `netlens history: ${inertText(err.message)}`
          : `netlens history: cannot read ${inertText(file)}: ${inertText(errorText(err))}`,
      );
      return 1;
    }
    // CSV ends with its own line break (CRLF, as every CSV line): none added.
    process.stdout.write(format === 'csv' && !values.changes ? output : `${output}\n`);
    return 0;
  },
};
