// Saved `ss` output (-tanp, -tulpen, -a, -H, -O...). With more than one protocol selected ss prints a
// Netid column; with -H there is no header; a state filter (`state established`) drops the State column.
// Unix sockets print `path inode` as their address; netlink and packet sockets are not connections and
// are counted in a note. Old ss (iproute2 3.x) wrote the IPv4 wildcard as `*` and IPv6 without brackets;
// newer ss brackets IPv6 and uses `*` for a dual-stack IPv6 socket, so `*` is read by the capture's style.
import { withoutZone } from '../../shared/address.js';
import { lookup } from '../collectors/lookup.js';
import type { Connection, DatasetResult, Diagnostics, ProcessInfo } from '../../shared/types.js';
import { assignTraffic, emptyDiagnostics, recordSkip } from '../../shared/types.js';
import { errorText } from '../../shared/error-text.js';
import {
  familyOfAddress,
  makeConnection,
  normalizeTcpState,
  splitColonEndpoint,
} from '../collectors/connections/endpoints.js';
import { textLines, toCount, uniqueIds } from '../collectors/common.js';
import {
  hasTcpInfo,
  parseTcpInfoText,
  SS_STATE_WORDS,
  TRAFFIC_NOTES,
  trafficGap,
  unknownTraffic,
} from '../collectors/connections/tcp-info.js';

const INET_NETIDS: Record<string, 'tcp' | 'udp' | 'raw' | 'udplite'> = {
  tcp: 'tcp',
  udp: 'udp',
  raw: 'raw',
  icmp6: 'raw',
  udplite: 'udplite',
  mptcp: 'tcp',
};
const UNIX_NETIDS: Record<string, string> = { u_str: 'STREAM', u_dgr: 'DGRAM', u_seq: 'SEQPACKET' };
const UNIX_STATES: Record<string, string> = {
  LISTEN: 'LISTENING',
  ESTAB: 'CONNECTED',
  UNCONN: 'UNCONNECTED',
  'SYN-SENT': 'CONNECTING',
};

/** What follows a process's quoted name in `users:(…)`: its PID and fd, and the entry's end. */
const SS_USER_TAIL = /,(?:pid=)?(\d+),(?:fd=)?\d+\)/y;

/** `users:(("sshd",pid=1231,fd=3),("sshd",pid=1300,fd=4))`, or the old `users:(("sshd",1231,3))`. The quoted
 *  name is scanned, not matched: a pattern for "any character but a quote, or an escaped one" takes one step of
 *  the engine's backtrack stack per character, and a process name of 10 million characters (a remote host's `ss`
 *  sends what it likes) overflowed it ("Maximum call stack size exceeded"), failing the whole table. */
export function parseSsUsers(text: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  const seen = new Set<number>();
  for (let at = text.indexOf('("'); at >= 0; ) {
    // The name: up to the first quote not escaped by a backslash.
    let end = at + 2;
    while (end < text.length && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
    if (end >= text.length) break;
    SS_USER_TAIL.lastIndex = end + 1;
    const m = SS_USER_TAIL.exec(text);
    if (m) {
      const pid = Number(m[1]);
      if (!seen.has(pid)) {
        seen.add(pid);
        out.push({ pid, name: text.slice(at + 2, end), cmdline: '', exe: null, user: null, startTime: null });
      }
    }
    at = text.indexOf('("', m ? SS_USER_TAIL.lastIndex : end + 1);
  }
  return out;
}

interface Layout {
  netid: boolean;
  state: boolean;
}

function layoutOf(t: string[], header: Layout | null): Layout {
  if (header) return header;
  // Headerless (-H): the first token tells which leading columns are there.
  const first = t[0] ?? '';
  if (first in INET_NETIDS || first in UNIX_NETIDS || /^(nl|p_raw|p_dgr|v_str|v_dgr|tipc|xdp)$/.test(first))
    return { netid: true, state: SS_STATE_WORDS.has(t[1] ?? '') };
  return { netid: false, state: SS_STATE_WORDS.has(first) };
}

/** Parses saved `ss` output into connection rows. `defaultProto` is the protocol of captures without a
 *  Netid column (`ss -t...`). */
export function parseSs(text: string, source = 'ss', defaultProto: 'tcp' | 'udp' = 'tcp'): DatasetResult<Connection> {
  const d = emptyDiagnostics();
  const rows: Connection[] = [];
  let header: Layout | null = null;
  const others = new Map<string, number>();
  const lines = textLines(text);
  const bracketStyle = lines.some((l) => /\[[0-9a-f:.]*\](?:%[\w.-]+)?:/i.test(l));
  // A capture taken with -i (or -m) carries tcp_info: its rows get the same traffic columns as live ones.
  const traffic = hasTcpInfo(text);
  for (let n = 0; n < lines.length; n++) {
    // A line the parser cannot read (one past what the pattern engine takes) is a counted skip, not the end of the
    // table: its rows go, the next line is read.
    const kept = rows.length;
    try {
      let raw = lines[n] ?? '';
      if (raw.trim() === '' || /^\s/.test(raw)) continue; // continuation lines (-i, -m) belong to the row above
      // ss wraps a row whose addresses do not fit the line width: they continue on the next, indented line.
      const next = lines[n + 1];
      if (
        next !== undefined &&
        /^\s/.test(next) &&
        !/:/.test(raw.replace(/^\S+\s+\S+/, '')) &&
        /^\s*\S(?:[^\s:]*:)+[^\s:]+\s+\S(?:[^\s:]*:)+[^\s:]/.test(next)
      ) {
        raw = `${raw.trimEnd()} ${next.trim()}`;
        n++;
      }
      const line = raw.trim();
      if (/^(Netid\s+)?State\s+Recv-Q/i.test(line) || /^Netid\s/i.test(line) || /^Recv-Q\s+Send-Q/i.test(line)) {
        header = { netid: /^Netid/i.test(line), state: /\bState\b/i.test(line) };
        continue;
      }
      const t = line.split(/\s+/);
      const layout = layoutOf(t, header);
      let i = 0;
      const netid = layout.netid ? (t[i++] ?? '') : defaultProto;
      const stateText = layout.state ? (t[i++] ?? '') : null;
      const recvQ = toCount(t[i++]);
      const sendQ = toCount(t[i++]);
      if (recvQ === null || sendQ === null) {
        recordSkip(d, source, raw, 'no Recv-Q/Send-Q columns');
        continue;
      }
      const unixType = lookup(UNIX_NETIDS, netid);
      const proto = lookup(INET_NETIDS, netid);
      if (!unixType && !proto) {
        others.set(netid, (others.get(netid) ?? 0) + 1);
        continue;
      }
      const tail = t.slice(i);
      if (unixType) {
        parseUnix(tail, unixType, stateText, recvQ, sendQ, rows, d, source, raw);
        const row = rows.at(-1);
        if (traffic && row?.proto === 'unix' && row.bytesSent === undefined)
          assignTraffic(row, unknownTraffic(TRAFFIC_NOTES.unix));
        continue;
      }
      const before = rows.length;
      parseInet(
        tail,
        proto as 'tcp' | 'udp' | 'raw' | 'udplite',
        // icmp6 sockets are IPv6 whatever their address shows (`*%ens33:ipv6-icmp`).
        netid === 'icmp6' ? 'inet6' : null,
        stateText,
        recvQ,
        sendQ,
        bracketStyle,
        rows,
        d,
        source,
        raw,
      );
      const row = rows[before];
      if (traffic && row) {
        // The details: what follows the addresses on a one-line (-O) row, and the indented lines under it.
        let detail = tail.slice(2).join(' ');
        for (let k = n + 1; k < lines.length && /^\s+\S/.test(lines[k] ?? ''); k++) detail += ` ${lines[k]}`;
        setCaptureTraffic(row, detail, d, source, raw);
      }
    } catch (err) {
      rows.length = kept;
      recordSkip(d, source, lines[n] ?? '', `unreadable line (${errorText(err)})`);
    }
  }
  for (const [netid, count] of others)
    d.notes.push(`also held ${count} ${netid} sockets (netlink, packet...), which are not connections`);
  return { rows: uniqueIds(rows), diagnostics: d };
}

function setCaptureTraffic(row: Connection, detail: string, d: Diagnostics, source: string, raw: string): void {
  const gap = trafficGap(row.proto, row.state);
  let t = gap === null ? parseTcpInfoText(detail) : unknownTraffic(gap);
  if ('reason' in t) {
    recordSkip(d, source, raw, t.reason);
    t = unknownTraffic(TRAFFIC_NOTES.unreadable);
  }
  assignTraffic(row, t);
}

/** The text without its `users:((...))` field: ss prints process names raw (cut at the first ')'), so a process
 *  named `x ino:9` must not give its socket inode 9 (nor pose as the owner of socket 9 on a remote host). */
function withoutUsers(joined: string): string {
  const at = joined.indexOf('users:((');
  if (at < 0) return joined;
  const end = joined.indexOf('))', at);
  return end < 0 ? joined.slice(0, at) : joined.slice(0, at) + joined.slice(end + 2);
}

/**
 * Why the text after an inet row's addresses is not all ss's own, or null. ss prints unix socket names raw,
 * newlines included, so a name can hold a whole line that looks like a TCP row (`...0.0.0.0:22 0.0.0.0:*
 * users:(("sshd",pid=1,fd=3)) ino:4243`); that line then ends with the unix row's real columns (`7404044 * 0
 * users:((...)) <-> ino:... peers:`): a second users field or inode, or a bare `*`, which no inet row has.
 */
function forgedInetTail(joined: string): string | null {
  const fields = withoutUsers(joined);
  if (fields.includes('users:((')) return 'a second users field (text inside a socket name)';
  let ino = false;
  let uid = false;
  for (const token of fields.split(' ')) {
    if (token === '*' || token === 'peers:')
      return "a unix row's columns after the addresses (text inside a socket name)";
    const isIno = token.startsWith('ino:');
    const isUid = token.startsWith('uid:');
    if ((isIno && ino) || (isUid && uid)) return 'a second inode or uid (text inside a socket name)';
    ino ||= isIno;
    uid ||= isUid;
  }
  return null;
}

function extras(joined: string): { processes: ProcessInfo[]; uid: number | null; inode: number | null } {
  const fields = withoutUsers(joined);
  const uid = /(?:^|\s)uid:(\d+)/.exec(fields);
  const ino = /(?:^|\s)ino:(\d+)/.exec(fields);
  return { processes: parseSsUsers(joined), uid: uid ? Number(uid[1]) : null, inode: ino ? Number(ino[1]) : null };
}

function parseInet(
  tail: string[],
  proto: 'tcp' | 'udp' | 'raw' | 'udplite',
  knownFamily: 'inet6' | null,
  stateText: string | null,
  recvQ: number,
  sendQ: number,
  bracketStyle: boolean,
  rows: Connection[],
  d: Diagnostics,
  source: string,
  raw: string,
): void {
  const localText = tail[0] ?? '';
  const peerText = tail[1] ?? '';
  const hostOf = (s: string): string => s.replace(/:[^:\]]*$/, '');
  const localHost = hostOf(localText);
  // `*` is the IPv4 wildcard in old ss and the dual-stack IPv6 wildcard in bracket-style ss.
  const family = knownFamily
    ? knownFamily
    : localHost.startsWith('[')
      ? 'inet6'
      : localHost === '*'
        ? bracketStyle
          ? 'inet6'
          : 'inet'
        : familyOfAddress(withoutZone(localHost));
  const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
  const local = splitColonEndpoint(localText, wildcard);
  const remote = splitColonEndpoint(peerText, wildcard);
  if (!local || !remote) {
    recordSkip(d, source, raw, 'unreadable address');
    return;
  }
  let state: string;
  if (stateText === null) state = 'UNKNOWN';
  else if (proto === 'tcp') state = stateText === 'UNCONN' ? 'CLOSE' : (normalizeTcpState(stateText) ?? stateText);
  else
    state =
      stateText === 'ESTAB'
        ? 'ESTABLISHED'
        : stateText === 'UNCONN'
          ? 'UNCONN'
          : (normalizeTcpState(stateText) ?? stateText);
  const after = tail.slice(2).join(' ');
  const forged = forgedInetTail(after);
  if (forged !== null) {
    recordSkip(d, source, raw, forged);
    return;
  }
  const x = extras(after);
  const row = makeConnection({ proto, family, local, remote, state, recvQ, sendQ, uid: x.uid, inode: x.inode });
  row.processes = x.processes;
  row.ownerStatus = x.processes.length > 0 ? 'known' : 'none';
  rows.push(row);
}

/**
 * A unix row's text after its queues: the name (anything, spaces and text like what follows included), the
 * inode, the peer (`*`) and its inode, then only what -p, -Z, -m and -e print after them, in that order. Process
 * names are at most 15 characters without ')' (comm, cut there by ss), too short to take in the real columns
 * (` 1 * 0 users:(("`): so those are the last that the rest of the line fits after, wherever the name ends.
 * Each process is `("name",pid=N,fd=N)` (older iproute2: `("name",N,N)`): spelled out, not as "anything
 * but parentheses", so a group splits one way only (the looser form backtracked exponentially, recheck).
 */
const UNIX_COLUMNS =
  /^(\S.*?) (\d+) (\S+) (\d+)((?: users:\((?:\("[^)]{0,15}",(?:pid=)?\d+,(?:fd=)?\d+\),?)+\))?(?: (?:proc_ctx|sock_ctx)=\S+)*(?: skmem:\([^()\s]{0,256}\))?(?: [<-]-[->])?(?: ino:\d+ dev:\d+\/\d+)?(?: peers:(?: \d+)*)?)$/;

function parseUnix(
  tail: string[],
  socketType: string,
  stateText: string | null,
  recvQ: number,
  sendQ: number,
  rows: Connection[],
  d: Diagnostics,
  source: string,
  raw: string,
): void {
  // `path inode peer peer-inode`, read from the right: the path may hold spaces, and text that imitates the
  // columns after it (an unnamed socket's path is `*`).
  const m = UNIX_COLUMNS.exec(tail.join(' '));
  if (m === null) {
    recordSkip(d, source, raw, 'unix row without an inode');
    return;
  }
  const path = m[1] ?? '';
  const inode = Number(m[2]);
  const x = extras(m[5] ?? '');
  const row = makeConnection({
    proto: 'unix',
    family: 'unix',
    local: { address: '', port: 0 },
    remote: { address: '', port: 0 },
    state: stateText === null ? 'UNKNOWN' : (lookup(UNIX_STATES, stateText) ?? stateText),
    recvQ,
    sendQ,
    inode,
    uid: x.uid,
    path: path === '*' ? '' : path,
    socketType,
  });
  row.processes = x.processes;
  row.ownerStatus = x.processes.length > 0 ? 'known' : 'none';
  rows.push(row);
}
