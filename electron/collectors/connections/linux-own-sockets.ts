// NetLens's own TCP connections in a reading, and their ends in this namespace: the browser host's page talks to
// it over a WebSocket on loopback, about 6 segments a second, which moves TCP's segment counters on a machine
// where nothing else changes. The connections collector reads these sockets alone (a sock_diag get: a lookup in
// the kernel's hash, not a walk of it) and gives its last reading again, these rows fresh, while the counters
// moved by exactly their segments (linux.ts, QuietRead).
//
// The get is asked, then InSegs and OutSegs read. Their baseline is read just before the full read's TCP dump, so
// before every row of it: another socket's segment after it is in the counters' growth and not in the sockets'. The
// sockets' baseline is a get of the last full read's own sockets made just then, where the counters read before it
// and after it are equal (no segment crossed it: its counts are those of the counters' reading), else that dump
// (made after the counters' reading); and the quiet read's get is answered before the counters are read again: the
// sockets' growth from baseline to get is at most what they moved the counters by from the one reading to the other.
// So the counters' growth, equal to it, holds no other socket's segment, where the kernel counts both alike; and
// that get and that reading of the counters are the baseline of the reads after it (the sockets' counts then are
// the get's: no segment of theirs came between the two, or the counters would have grown past them). The
// get's baseline is the one that holds while the host writes to its page as the dump runs, which moves the dump's.
// A segment of theirs sent as a tick's read runs (the host writing another dataset's diff to the page) is in both
// when sent before the get; sent between the get and the counters' reading, it leaves them unequal, and the get is
// asked again. Sent: OutSegs and tcpi_segs_out both add a segment count per segment (tcp_skb_pcount, under the
// socket's lock, which the get takes); a retransmission adds to tcpi_segs_out and not OutSegs, and moves
// RetransSegs, which is in the compared text: a full read at the next tick (one made between that text's reading
// and the get could hide as many of another socket's segments for that tick). Received: InSegs adds one per packet
// as it arrives, before its socket is found; tcpi_segs_in one per segment a packet carries (a coalesced or GSO
// packet of loopback counts more), once the socket is. So the sockets may count more than the counters: a coalesced
// packet, or one that arrived just before the baseline's reading and reached its socket after the baseline's get or
// dump read it. There, packets of another socket exactly as many as that excess, in the same interval, would go
// unseen until the next full read, at most FULL_READ_EVERY_MS later (a received packet that moves no other counter:
// an acknowledgement, or data for a queue).
import { parseIp } from '../../../shared/address.js';
import { assignTraffic, type Connection } from '../../../shared/types.js';
import { MAX_GETS } from '../linux/netlink.js';
import { AF_INET, AF_INET6, inetDiagGetRequest, IPPROTO_TCP } from '../linux/sock-diag.js';
import type { SsTcpRows } from './linux-ss-rows.js';

/** One of NetLens's own TCP sockets, or its peer, as a full reading gave it. */
export interface OwnSocket {
  /** Its row's position in the reading. */
  at: number;
  cookie: string;
  /** The sock_diag get that finds it (inetDiagGetRequest). */
  request: Buffer;
  segsIn: number;
  segsOut: number;
}

/** An address as both ends of a loopback connection name it: IPv4 where v4-mapped (a dual-stack listener's). */
const plain = (address: string) =>
  address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
const endpoints = (a: string, ap: number | null, b: string, bp: number | null) => `${plain(a)} ${ap} ${plain(b)} ${bp}`;

/**
 * The TCP sockets of `rows` (the first `cookies.length`, with their cookies by position) that process `pid`
 * holds and are not listening, and every socket whose endpoints are one of those's reversed (its peer in this
 * namespace); [] when there are none, more than one get asks (MAX_GETS), or one has no counters or no request
 * can be made for it: then every segment counts.
 */
export function ownSockets(
  rows: readonly Connection[],
  cookies: SsTcpRows['cookies'],
  pid: number,
  ext: number,
): OwnSocket[] {
  const peers = new Set<string>();
  // The peers' local ports: a row's endpoints are made into a key only where its port is one (a full read of
  // 20,000 sockets looks at each).
  const peerPorts = new Set<number | null>();
  const mine: number[] = [];
  const tcp = Math.min(cookies.length, rows.length);
  for (let i = 0; i < tcp; i++) {
    const row = rows[i]!;
    if (row.proto !== 'tcp' || row.state === 'LISTEN' || !row.processes.some((p) => p.pid === pid)) continue;
    mine.push(i);
    peers.add(endpoints(row.remoteAddress, row.remotePort, row.localAddress, row.localPort));
    peerPorts.add(row.remotePort);
  }
  if (mine.length === 0) return [];
  const at = new Set(mine);
  for (let i = 0; i < tcp; i++) {
    const row = rows[i]!;
    if (
      peerPorts.has(row.localPort) &&
      !at.has(i) &&
      row.proto === 'tcp' &&
      peers.has(endpoints(row.localAddress, row.localPort, row.remoteAddress, row.remotePort))
    )
      at.add(i);
  }
  if (at.size > MAX_GETS) return [];
  const own: OwnSocket[] = [];
  for (const i of at) {
    const row = rows[i]!;
    const cookie = cookies[i];
    const local = parseIp(row.localAddress);
    const remote = parseIp(row.remoteAddress);
    if (
      cookie === null ||
      cookie === undefined ||
      typeof row.segsIn !== 'number' ||
      typeof row.segsOut !== 'number' ||
      local === null ||
      remote === null ||
      row.localPort === null ||
      row.remotePort === null
    )
      return [];
    const family = row.family === 'inet' ? AF_INET : AF_INET6;
    const request = inetDiagGetRequest(
      family,
      IPPROTO_TCP,
      ext,
      local.bytes,
      row.localPort,
      remote.bytes,
      row.remotePort,
      cookie,
    );
    if (request === null) return [];
    own.push({ at: i, cookie, request, segsIn: row.segsIn, segsOut: row.segsOut });
  }
  return own;
}

/** A get's (or dump's) rows by their cookies. */
function rowsByCookie(got: SsTcpRows): Map<string, Connection> {
  const byCookie = new Map<string, Connection>();
  for (let i = 0; i < got.rows.length; i++) {
    const cookie = got.cookies[i];
    if (cookie !== null && cookie !== undefined) byCookie.set(cookie, got.rows[i]!);
  }
  return byCookie;
}

/**
 * `own` with the counts a get of them (`got`) gives, where it has every one of them with its counters (one reading
 * is the baseline of all, never some of one and some of another); else `own` as it is, with the counts of the dump
 * that found them.
 */
export function countedAt(own: OwnSocket[], got: SsTcpRows | null): OwnSocket[] {
  if (got === null) return own;
  const byCookie = rowsByCookie(got);
  const out: OwnSocket[] = [];
  for (const o of own) {
    const c = byCookie.get(o.cookie);
    if (c === undefined || typeof c.segsIn !== 'number' || typeof c.segsOut !== 'number') return own;
    out.push({ ...o, segsIn: c.segsIn, segsOut: c.segsOut });
  }
  return out;
}

/**
 * The reading `rows` with each of `own` replaced by its socket as `fresh` (a get of them, its cookies by
 * position) gives it now: the row as it was (its key, owners, user) with the kernel's state, queues and
 * counters of now; and how many segments they received and sent since. Null when one of them is not in `fresh`
 * (gone, or another socket on its endpoints) or has no counters.
 */
export function withFreshOwnRows(
  rows: readonly Connection[],
  own: readonly OwnSocket[],
  fresh: SsTcpRows,
): { rows: Connection[]; segsIn: number; segsOut: number } | null {
  if (fresh.rows.length !== own.length) return null;
  const byCookie = rowsByCookie(fresh);
  const out = rows.slice();
  let segsIn = 0;
  let segsOut = 0;
  for (const o of own) {
    const now = byCookie.get(o.cookie);
    if (now === undefined || typeof now.segsIn !== 'number' || typeof now.segsOut !== 'number') return null;
    segsIn += now.segsIn - o.segsIn;
    segsOut += now.segsOut - o.segsOut;
    // A row once given is never changed: a copy.
    const row = { ...out[o.at]!, state: now.state, recvQ: now.recvQ, sendQ: now.sendQ };
    assignTraffic(row, now);
    out[o.at] = row;
  }
  return { rows: out, segsIn, segsOut };
}
