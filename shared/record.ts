// The connection record: what the recorder keeps on disk (electron/monitor/record/) and what clients, the
// CLI and the History view get back from it. Types and pure helpers only.
import { isLoopback, isUnspecified } from './address.js';
import { toCsv, type ExportValue } from './export.js';
import { formatDateTime, formatMoment } from './format.js';
import { countryName } from './names.js';
import { MAX_SOCKET_OWNERS, type Connection, type NameEntry } from './types.js';

export type RecordingState = 'off' | 'recording' | 'paused' | 'failed';

/** What an alert is about: a new listener reachable beyond loopback, a process using the network (beyond
 *  loopback) for the first time, a process reaching a country or an autonomous system it never reached before
 *  (networkNews). */
export const ALERT_KINDS = ['listener', 'process', 'network'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_TITLES: Record<AlertKind, string> = {
  listener: 'new listener beyond loopback',
  process: 'a process uses the network for the first time (beyond loopback)',
  network: 'a process reaches a new country or network',
};

export interface RecordingConfig {
  enabled: boolean;
  /** Rows older than this are pruned (whole days, 1..365). */
  retentionDays: number;
  /** The database is pruned, oldest first, while it holds more than this (MB, 10..10000). */
  maxMb: number;
  /** Alerts, opt-in per kind. */
  alerts: Record<AlertKind, boolean>;
  /** Alerts also as desktop notifications (Electron's, or the browser's once allowed); off, they are still
   *  recorded, counted in the tray and shown as notices in the window. */
  notify: boolean;
}

export const DEFAULT_RECORDING: RecordingConfig = {
  enabled: true,
  retentionDays: 7,
  maxMb: 200,
  alerts: { listener: false, process: false, network: false },
  notify: true,
};

export interface Alert {
  id: number;
  at: number;
  kind: AlertKind;
  /** What is new: "tcp 0.0.0.0:8080 nc", a process name, a network. Marking it known silences it. */
  subject: string;
  text: string;
  /** Marked as known since. */
  known: boolean;
}

export interface RecordingStatus {
  state: RecordingState;
  config: RecordingConfig;
  /** The database file, or null when there is none. */
  file: string | null;
  /** Why it is paused or failed, or what happened last (a corrupt file moved aside). */
  message: string | null;
  /** Bytes in use in the database (pages minus free pages). */
  sizeBytes: number;
  /** The oldest moment recorded, or null for an empty record. */
  oldest: number | null;
}

/** One connection's lifetime as recorded. */
/** The fields a recorded connection keeps of a live one, as the live one names them. */
const ENDPOINT_FIELDS = ['proto', 'family', 'localAddress', 'localPort', 'remoteAddress', 'remotePort'] as const;

export interface RecordedConnection extends Pick<Connection, (typeof ENDPOINT_FIELDS)[number]> {
  /** The recording's row number: unique in the record. */
  id: string;
  /** The states it went through, first to last (at most MAX_STATES, the last one kept). */
  states: string[];
  /** A listening or bound-but-unconnected socket (tcp LISTEN, udp UNCONN, unix LISTENING). */
  listener: boolean;
  pid: number | null;
  process: string | null;
  user: string | null;
  exe: string | null;
  /** Unix sockets: the path. */
  path: string | null;
  firstSeen: number;
  /** The last moment it was known open: its close, or the last write of the recording that saw it. */
  lastSeen: number;
  /** When it closed, or null if recording stopped while it was open (closed some time after lastSeen). */
  closedAt: number | null;
  /** Final byte totals, where the collector reports them. */
  bytesSent: number | null;
  bytesReceived: number | null;
  /** The socket's inode as first seen (an unnamed unix socket is shown by it); null in rows recorded before it was kept. */
  inode: number | null;
  /** The socket's other owners, after `pid` and `process` (a socket shared by a server's workers, or inherited by a
   *  child), in PID order as last written; empty for a socket of one owner, and in rows recorded before they were kept. */
  others: RecordedOwner[];
}

/** One of a recorded socket's other owners. */
export interface RecordedOwner {
  pid: number;
  name: string;
}

/** The most other owners a recorded row keeps: a live row lists at most MAX_SOCKET_OWNERS in all. */
export const MAX_RECORDED_OTHERS = MAX_SOCKET_OWNERS - 1;

/** A row's other owners as one text (`netlens history`'s table and CSV): `pid/name` each, `; ` between. */
export function othersText(others: readonly RecordedOwner[]): string {
  return others.map((o) => `${o.pid}/${o.name}`).join('; ');
}

export const MAX_STATES = 16;

export interface TimelinePoint {
  /** Start of the minute (ms since epoch). */
  t: number;
  /** Connections first seen in that minute. */
  opened: number;
  /** Bytes received and sent over all interfaces in that minute. */
  rxBytes: number;
  txBytes: number;
}

/**
 * Where a moment asked of the record lies when no recording covers it: before the record's first moment (when the
 * first recording read what was open: its baseline), or between two recordings (NetLens not running, recording off
 * or paused). Null for a moment a recording covers (or after the last one, or in an empty record).
 */
export type RecordGap =
  /** `cut`: the record began earlier, but its connections before `begins` were removed to keep it under its size
   *  cap (the last close among them): what was open before it is there only where it stayed open until then. */
  { kind: 'before'; begins: number; cut?: true } | { kind: 'between'; lastBefore: number; resumed: number };

/**
 * What the CLI and the History tab say of a moment asked that no recording covers (RecordGap): for "what changed"
 * (`changes`), which moment it compared with instead; for the rows open then, that nothing was recorded.
 */
export function gapText(gap: RecordGap, asked: number, what: 'changes' | 'rows'): string {
  // Any moment asked (`--since 1970-01-01` is 0 in UTC, which formatDateTime takes for none).
  const t = formatMoment;
  if (gap.kind === 'before' && gap.cut)
    return what === 'changes'
      ? `The record's connections before ${t(gap.begins)} were removed to keep it under its size limit: compared with ${t(gap.begins)}, not the ${t(asked)} asked for (what was open then is the baseline, not new).`
      : `The record's connections before ${t(gap.begins)} were removed to keep it under its size limit: what was open before it is shown only where it stayed open until then.`;
  if (gap.kind === 'before')
    return what === 'changes'
      ? `The record begins at ${t(gap.begins)}, later than the ${t(asked)} asked for: what was open then is the baseline, not new.`
      : `The record begins at ${t(gap.begins)}: nothing was recorded before it.`;
  const nothing = `Nothing was recorded from ${t(gap.lastBefore)} to ${t(gap.resumed)} (NetLens was not recording)`;
  return what === 'changes'
    ? `${nothing}: compared with ${t(gap.lastBefore)}, the last moment recorded before ${t(asked)}.`
    : `${nothing}: what was open then is known only where it was open both before and after.`;
}

/** A period within a range asked between two recordings (RecordedRows `gaps`): the last write of one, and the start of
 *  the next. */
export type RecordPause = Extract<RecordGap, { kind: 'between' }>;

/**
 * What the CLI and the History tab say of the periods within a range that no recording covers (RecordedRows `gaps`),
 * one line each: the rows of such a period are none, or only those open both before and after it, which read as
 * "nothing happened" unless said. `pauses` are those to list; `total`, how many there are (the rest said as a
 * count, with `narrow`: how to see them).
 */
export function pausesText(pauses: readonly RecordPause[], total: number, narrow: string): string[] {
  const t = formatDateTime;
  const lines = pauses.map(
    (g) => `Nothing was recorded from ${t(g.lastBefore)} to ${t(g.resumed)} (NetLens was not recording).`,
  );
  const more = total - pauses.length;
  if (more > 0)
    // Said as what is left out ("Nothing was recorded once more within the range" read as a riddle: a new user's
    // review of 12-07).
    lines.push(
      `Not listed: ${more === 1 ? 'one more period' : `${more} more periods`} in the range when nothing was recorded (${narrow}).`,
    );
  return lines;
}

/**
 * What an answer of the History record says of its range not fully recorded (RecordedRows, ChangesSummary): the
 * period its first moment (`asked`) lies in (gapText), then the periods between recordings within it (pausesText;
 * the first `shown` listed, the rest counted, with `narrow`). The CLI and the History tab's views say it alike.
 */
export function notRecordedText(
  answer: { gap: RecordGap | null; gaps: readonly RecordPause[]; gapsOmitted: number },
  asked: number,
  what: 'changes' | 'rows',
  narrow: string,
  shown = answer.gaps.length,
): string[] {
  return [
    ...(answer.gap !== null ? [gapText(answer.gap, asked, what)] : []),
    ...pausesText(answer.gaps.slice(0, shown), answer.gaps.length + answer.gapsOmitted, narrow),
  ];
}

export interface ChangesSummary {
  /** The moment compared with: the one asked (`asked`), or where no recording covers that (`gap`), the record's
   *  first moment, or the last moment recorded before it. */
  from: number;
  to: number;
  /** The first moment asked. */
  asked: number;
  /** Why `from` is not the moment asked (null when it is). */
  gap: RecordGap | null;
  /** The periods between two recordings that begin within [asked, to), earliest first: at most MAX_RECORD_GAPS
   *  (the one `asked` lies in is `gap`). What opened and closed within one is not in the lists. */
  gaps: RecordPause[];
  /** How many more such periods there are than `gaps` lists. */
  gapsOmitted: number;
  newListeners: RecordedConnection[];
  goneListeners: RecordedConnection[];
  /** Listeners first seen in (from, to] and gone again by `to` (neither moment shows them): TCP and unix ones, and
   *  UDP and raw ones on ports below 32768 (above, a client's short-lived socket on an ephemeral port). */
  briefListeners: RecordedConnection[];
  /** Listeners of the range left out of briefListeners: not read (past the first 100,000 first seen in it) or not
   *  listed (past MAX_RECORDED_ROWS), else 0. */
  briefListenersOmitted: number;
  /** Remote addresses talked to in (from, to] and never before `from` in the record. */
  newRemoteHosts: { address: string; network: string; process: string | null; firstSeen: number }[];
  /** Networks (/24, /48) of those hosts that are new too. */
  newNetworks: string[];
  /** Places processes reached in (from, to] for the first time in the record: a country (`country DE`), an
   *  autonomous system (`AS15169`), or a /24 or /48 where neither is known (networkNews). */
  newPlaces: { process: string; place: string; firstSeen: number }[];
  /** Processes using the network in (from, to] and never before `from` in the record. */
  startedProcesses: { process: string; firstSeen: number }[];
  /** Processes that used the network at `from` (usesNetwork) and have no socket open at `to`. */
  stoppedProcesses: { process: string; lastSeen: number }[];
  /** Rows of the record whose values cannot be what NetLens writes (a record altered by hand): skipped, counted. */
  unreadable: number;
}

/** What changed from `from` to `to` by a record that holds nothing of the range. */
export function noChanges(from: number, to: number): ChangesSummary {
  return {
    from,
    to,
    asked: from,
    gap: null,
    gaps: [],
    gapsOmitted: 0,
    newListeners: [],
    goneListeners: [],
    briefListeners: [],
    briefListenersOmitted: 0,
    newRemoteHosts: [],
    newNetworks: [],
    newPlaces: [],
    startedProcesses: [],
    stoppedProcesses: [],
    unreadable: 0,
  };
}

/** What the CLI and the History tab say of the listeners of a range not read to find those that came and went. */
export const briefOmittedText = (n: number): string =>
  `${n} more ${n === 1 ? 'listener' : 'listeners'} first seen in the range ${n === 1 ? 'was' : 'were'} not read or not listed here: narrow the range to see them`;

/** What the CLI and the History tab say of rows of the record skipped as no connection's (RecordedRows, ChangesSummary
 *  `unreadable`). */
export const unreadableText = (n: number): string =>
  `${n} ${n === 1 ? 'row' : 'rows'} of the record could not be read (values no connection has: a record altered by hand?), skipped`;

/**
 * Whether a socket uses the network: it listens beyond loopback, or is connected to another machine (its peer's
 * address neither unspecified nor loopback). A process that only talks to itself (over loopback, as test runners
 * and language servers do, or unix sockets) does not: it is no "process using the network for the first time",
 * nor among the processes that started or stopped using it (What changed). The recorder and the queries both ask
 * this.
 */
export function usesNetwork(proto: string, listener: boolean, localAddress: string, remoteAddress: string): boolean {
  if (proto === 'unix') return false;
  return listener ? !isLoopback(localAddress) : !isUnspecified(remoteAddress) && !isLoopback(remoteAddress);
}

/** The network a remote address belongs to, as "what changed" groups them: /24 for IPv4, /48 for IPv6. */
export function networkOf(address: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(address);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!address.includes(':')) return address;
  const zoneless = address.split('%')[0]!;
  const [head = '', tail = ''] = zoneless.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = zoneless.includes('::') ? 8 - headParts.length - tailParts.length : 0;
  const groups = [...headParts, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailParts];
  return `${groups
    .slice(0, 3)
    .map((g) => (parseInt(g || '0', 16) || 0).toString(16))
    .join(':')}::/48`;
}

/** A remote address's place, as the names dataset has it (electron/collectors/names/places.ts). */
export type PlaceInfo = Pick<NameEntry, 'country' | 'asn' | 'asOrg'>;

export interface NetworkNews {
  /** What is new, and what "Mark as known" accepts: `curl → country DE`, `curl → AS15169`, `curl → 10.1.2.0/24`. */
  subject: string;
  text: string;
}

const REACHES = ' → ';

/** The process and the place of a networkNews subject (a process name may hold the arrow; a place never does). */
export function splitReached(subject: string): { process: string; place: string } {
  const cut = subject.lastIndexOf(REACHES);
  return cut < 0
    ? { process: '', place: subject }
    : { process: subject.slice(0, cut), place: subject.slice(cut + REACHES.length) };
}

/** A place as people read it: `country DE` is "Germany (DE)"; an AS or a prefix stays as it is. */
export function placeText(place: string): string {
  const code = /^country ([A-Z]{2})$/.exec(place)?.[1];
  if (code === undefined) return place;
  const name = countryName(code);
  return name ? `${name} (${code})` : code;
}

const isCountryCode = (code: string | null): code is string => code !== null && /^[A-Z]{2}$/.test(code);

/**
 * What a connection of `process` to `address` may be news about: the country and the autonomous system the
 * places databases know for the address, each once per process. Where neither is known (LAN, CGNAT and other
 * special ranges, or a public address the databases do not cover) the address's /24 or /48 stands in.
 */
export function networkNews(
  process: string | null,
  address: string,
  place: PlaceInfo | null,
  /** The peer connected to a listener of this machine (inbound), rather than the process reaching out: the same
   *  subject, worded the other way round ("Germany (DE) connected to sshd for the first time"). */
  inbound = false,
): NetworkNews[] {
  const who = process ?? '(unknown process)';
  const country = place?.country ?? null;
  const asn = place?.asn ?? null;
  const news: NetworkNews[] = [];
  const sentence = (where: string, detail: string) =>
    inbound
      ? `${where} connected to ${who} for the first time (${detail})`
      : `${who} reached ${where} for the first time (${detail})`;
  if (isCountryCode(country)) {
    const name = countryName(country);
    news.push({
      subject: `${who}${REACHES}country ${country}`,
      text: sentence(name ? `${name} (${country})` : country, address),
    });
  }
  if (asn !== null) {
    const as = place?.asOrg ? `AS${asn} ${place.asOrg}` : `AS${asn}`;
    news.push({
      subject: `${who}${REACHES}AS${asn}`,
      text: sentence(`the network ${as}`, `${address}${isCountryCode(country) ? `, ${country}` : ''}`),
    });
  }
  if (news.length === 0) {
    const prefix = networkOf(address);
    const why = country !== null ? `${country}: ` : '';
    news.push({
      subject: `${who}${REACHES}${prefix}`,
      text: sentence(prefix, `${address}; ${why}no country or network known, so by prefix`),
    });
  }
  return news;
}

/** Durations as the CLI and the view accept them: 90s, 15m, 1h, 7d (and combinations: 1h30m). */
export function parseDuration(text: string): number | null {
  const m = /^(?:(\d{1,5})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/.exec(text.trim());
  if (!m || text.trim() === '') return null;
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000 + Number(s) * 1000;
}

/** A moment as the CLI accepts it: a duration back from `now` ("1h"), or a date/time ("2026-11-30 14:05",
 *  an ISO string, or "14:05" for today). Null when it is neither. */
export function parseMoment(text: string, now: number): number | null {
  const ago = parseDuration(text);
  if (ago !== null) return now - ago;
  const clock = timeOfDay(text, now);
  if (clock !== null) return clock === 'invalid' ? null : clock;
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.trim());
  if (!date) return null;
  // Date.parse rolls 2026-02-31 over into March: a day the month does not have is refused instead.
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const t = Date.parse(text.trim().replace(' ', 'T'));
  return Number.isFinite(t) ? t : null;
}

/** The form a moment field takes, as formatDateTime writes it. */
export const MOMENT_FORMAT = 'YYYY-MM-DD HH:MM:SS';

// Linear: fixed digit runs, one optional seconds part.
const MOMENT = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/;
const HOURS_ERROR = 'Hours are 00 to 23, minutes and seconds 00 to 59 (24-hour clock)';
const CLOCK = /^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/;

/** Whether a text is a time of day alone (`14:05`, `9:05:30`), which timeOfDay reads. */
export const isTimeOfDay = (text: string): boolean => CLOCK.test(text);

/** A time of day alone (`22:55`, seconds optional) as its last occurrence by `now`: today's, or yesterday's where
 *  today's is still to come; 'invalid' for 25:99 or 11:60 (a typo, not a time to roll over into the next hour or
 *  day); null for a text that is no time of day. The CLI's --since and the History tab's moment fields read it. */
function timeOfDay(text: string, now: number): number | 'invalid' | null {
  const clock = CLOCK.exec(text);
  if (!clock) return null;
  const [h, mi, s] = clock.slice(1).map((x) => Number(x ?? 0)) as [number, number, number];
  if (h > 23 || mi > 59 || s > 59) return 'invalid';
  const day = new Date(now);
  const at = (back: number) => new Date(day.getFullYear(), day.getMonth(), day.getDate() - back, h, mi, s).getTime();
  return at(0) <= now ? at(0) : at(1);
}

/**
 * A moment typed into the History tab's fields (MomentField), in the 24-hour form the rest of NetLens shows (`2026-12-03 14:07:32`, seconds optional, a T
 * allowed for the space), in local time: its time, or a sentence saying what is wrong with it. A day that does
 * not exist (02-30) or a local time a clock change skipped is refused, not moved to a neighbour.
 * parseMoment above reads the CLI's --since and --until, which also take durations and ISO strings.
 */
export function parseTypedMoment(
  text: string,
  now = Date.now(),
): { ok: true; ms: number } | { ok: false; error: string } {
  // A time alone (`22:55`, seconds optional) is its last occurrence: today's, or yesterday's where today's is still
  // to come, as the CLI's --since 22:55 reads it (refused on main: a new user's review of 12-07).
  const clock = timeOfDay(text, now);
  if (clock === 'invalid') return { ok: false, error: HOURS_ERROR };
  if (clock !== null) return { ok: true, ms: clock };
  const m = MOMENT.exec(text);
  if (!m)
    return {
      ok: false,
      error: `Type a moment as ${MOMENT_FORMAT} (24-hour), e.g. 2026-12-03 14:05:00, or a time alone (14:05)`,
    };
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12) return { ok: false, error: `Month ${mo} does not exist: months are 01 to 12` };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, error: HOURS_ERROR };
  const t = new Date(y, mo - 1, d, h, mi, s);
  if (t.getMonth() !== mo - 1 || t.getDate() !== d || y < 1970)
    return { ok: false, error: `${m[1]}-${m[2]}-${m[3]} is not a date` };
  if (t.getHours() !== h || t.getMinutes() !== mi)
    return { ok: false, error: 'That local time does not exist here (the clock skipped it)' };
  return { ok: true, ms: t.getTime() };
}

/** The columns of a history CSV, named as the JSON of the same rows names them (`netlens history --json`, the
 *  History tab's Export JSON). */
export const HISTORY_CSV_COLUMNS = [
  ...ENDPOINT_FIELDS,
  'states',
  'listener',
  'pid',
  'process',
  'user',
  'exe',
  'path',
  'firstSeen',
  'lastSeen',
  'closedAt',
  'bytesSent',
  'bytesReceived',
  'others',
] as const satisfies readonly (keyof RecordedConnection)[];

/**
 * Recorded connections as CSV, the one writer of `netlens history --format csv` and the History tab's Export
 * CSV, the rows alone (what a view says of them besides, a range not fully recorded, rows past the cap, is on the
 * CLI's stderr and in the tab's notice: a section of notes after the rows is read as rows by pandas' read_csv and
 * Python's csv.DictReader, silently): export.ts's toCsv (RFC 4180, CRLF line ends, formulas defused, OS text inert), a header line of
 * HISTORY_CSV_COLUMNS, the states a socket went through joined with spaces, listener `true` or `false`, times in
 * ISO 8601 (UTC; one out of a Date's range as its number of ms), ports, PIDs and bytes as plain numbers, a shared socket's other owners
 * as `pid/name; pid/name` (othersText), none as an empty cell.
 */
export function historyCsv(rows: readonly RecordedConnection[]): string {
  // A time no Date holds (a record edited by hand or damaged: NaN, past year 275760) is written as its number,
  // never thrown on: one such row cost the whole file.
  const iso = (t: number | null) =>
    t === null ? null : Number.isNaN(new Date(t).getTime()) ? t : new Date(t).toISOString();
  return toCsv(
    HISTORY_CSV_COLUMNS,
    rows.map((c) =>
      HISTORY_CSV_COLUMNS.map((f): ExportValue => {
        if (f === 'states') return c.states.join(' ');
        if (f === 'listener') return c.listener ? 'true' : 'false';
        if (f === 'firstSeen' || f === 'lastSeen' || f === 'closedAt') return iso(c[f]);
        if (f === 'others') return c.others.length === 0 ? null : othersText(c.others);
        return c[f];
      }),
    ),
  );
}
