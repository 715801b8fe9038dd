// The key of a connection row, the same on every OS and in captures: protocol, family, local and remote
// endpoint, inode. Built with Array.join, which gives a flat string: a template literal gives a rope that the
// first reader (the monitor, looking 50,000 ids up per tick) must flatten, which measured twice as slow
// (bench:pipeline). String(null) keeps an unknown inode as "null".
//
// A TCP connection from its SYN to the end of its TIME_WAIT is keyed by its endpoints alone (keyedByEndpoints): the
// kernel holds one socket per endpoints in those states, and its process closing it takes its inode (FIN_WAIT,
// TIME_WAIT), so a key with the inode made a closing connection a closed row and a new TIME_WAIT one.
//
// A socket listed again with the same endpoints gets the very string it got before (remembered by its inode,
// which the kernel gives one open socket at a time): building the key is most of the cost of a row, and the
// monitor, matching each read against its table, then compares two references instead of two strings of
// ~50 characters in memory that is no longer in cache (bench:pipeline). The string is the one building it
// would give: what is remembered is checked field by field against the arguments.

/** TCP states in which the kernel keys a socket by its four endpoints (its established hash): one socket per
 *  endpoints at a time, the same one from SYN to the end of TIME_WAIT. A listener, a bound or closed socket (LISTEN,
 *  CLOSE) may share its endpoints with others: their keys keep the inode. */
const ENDPOINT_STATES: ReadonlySet<string> = new Set([
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
]);

/** Whether a socket's key is its endpoints alone (a TCP connection in one of ENDPOINT_STATES). */
export function keyedByEndpoints(proto: string, state: string | null | undefined): boolean {
  return proto === 'tcp' && state != null && ENDPOINT_STATES.has(state);
}

interface Known {
  readonly byEndpoints: boolean;
  readonly proto: string;
  readonly family: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly id: string;
}

/**
 * Keys by inode, in two generations: a key is looked up in both and kept in the newer one. The newer becomes
 * the older (and the older is forgotten) after a few times as many lookups as it holds keys, that is every few
 * reads when every socket is looked up each read: keys of sockets gone since are dropped, a socket listed in
 * every read keeps its string, and memory stays within twice the sockets of a read (and never above 2 ×
 * MAX_KEYS). A collector that keeps its rows from read to read (KeptRows) looks up only the sockets it builds
 * afresh, new ones mostly: lookups then grow as the keys do and never reach that count, and under churn the
 * keys of closed sockets piled up to MAX_KEYS (at 20,000 sockets and 1 % churn, 200 new sockets a second: 23
 * MB of the worker's heap after 10 minutes, 48 MB after 22). So the newer also becomes the older when a key is
 * added GENERATION_MS after the last change of generations: a key not looked up for two of them is forgotten
 * (made again when asked for; a kept row keeps its own).
 */
const MAX_KEYS = 1 << 18;
const GENERATION_MS = 30_000;
let recent = new Map<number, Known>();
let older = new Map<number, Known>();
let lookups = 0;
let generationStart = Date.now();

function nextGeneration(): void {
  older = recent;
  recent = new Map();
  lookups = 0;
  generationStart = Date.now();
}

/** How many keys are remembered (both generations): for tests. */
export function rememberedKeys(): number {
  return recent.size + older.size;
}

/**
 * The key of an inet row: its protocol, family and endpoints, and its inode unless keyedByEndpoints. `remember` false: made, neither looked up nor remembered (a collector that keeps its
 * rows from read to read gives a socket found in the previous read that row's key, so it asks only for keys of
 * new sockets, which no cache has: remembered, they would be a second copy of what its rows hold, and the
 * keys of every open socket stay in it when nothing churns: 100,000 of them, about 12 MB, at 100,000 sockets).
 */
export function inetConnectionKey(
  proto: string,
  family: string,
  localAddress: string,
  localPort: number,
  remoteAddress: string,
  remotePort: number,
  inode: number | null,
  state: string | null = null,
  remember = true,
): string {
  const byEndpoints = keyedByEndpoints(proto, state);
  // Without an inode (TIME_WAIT, captures) many sockets share the number: nothing to remember them by.
  const remembered = remember && inode !== null && inode !== 0;
  const known = remembered ? lookUp(inode) : undefined;
  if (
    known !== undefined &&
    known.byEndpoints === byEndpoints &&
    known.localPort === localPort &&
    known.remotePort === remotePort &&
    known.localAddress === localAddress &&
    known.remoteAddress === remoteAddress &&
    known.proto === proto &&
    known.family === family
  ) {
    return known.id;
  }
  const endpoints = [proto, family, localAddress, String(localPort), remoteAddress, String(remotePort)].join('|');
  const id = byEndpoints ? endpoints : `${endpoints}|${inode}`;
  if (remembered) {
    if (Date.now() - generationStart >= GENERATION_MS) nextGeneration();
    recent.set(inode, { byEndpoints, proto, family, localAddress, localPort, remoteAddress, remotePort, id });
  }
  return id;
}

/** The key last made for this inode, kept in the newer generation. */
function lookUp(inode: number): Known | undefined {
  if (++lookups >= 4 * recent.size + 1024 || recent.size >= MAX_KEYS) nextGeneration();
  let known = recent.get(inode);
  if (known === undefined) {
    known = older.get(inode);
    if (known !== undefined) recent.set(inode, known);
  }
  return known;
}

export function unixConnectionKey(path: string, inode: number | null): string {
  return ['unix', 'unix', path, String(inode)].join('|');
}

/** The key of the n-th (from 1) unix socket without an inode named `path` in one read: a connection waiting on a
 *  listener (the kernel's embryo has no struct socket yet) or an orphan. Each is a row in /proc and ss; with
 *  one key they were one row (the table keeps the first of equal ids). The first keeps the plain key. */
export function inodelessUnixKey(path: string, n: number): string {
  const key = unixConnectionKey(path, 0);
  return n <= 1 ? key : `${key}|${n}`;
}

/** Numbers a read's unix sockets without an inode by name: the next key for `path` (see inodelessUnixKey). */
export class InodelessUnixKeys {
  private readonly seen = new Map<string, number>();
  next(path: string): string {
    const n = (this.seen.get(path) ?? 0) + 1;
    this.seen.set(path, n);
    return inodelessUnixKey(path, n);
  }
}
