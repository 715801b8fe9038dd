// Reverse DNS for the names dataset, off the collector path: host(address) answers from the cache at once
// and queues what it does not know; at most `concurrency` queries run at a time, each with a timeout;
// answers and failures are cached with a TTL and a size bound; an address is never queued or asked twice
// at once; the queue is bounded (what does not fit is asked again on a later tick). A server that did not answer
// (a timeout, SERVFAIL, a refused connection) is asked again sooner than a name that does not exist: after
// retryMs, doubling with each miss in a row up to failureTtlMs, so a moment's loss of the DNS server does not leave
// the addresses seen then unnamed for five minutes.
//
// Where names come from:
// - The hosts file (/etc/hosts; %SystemRoot%\System32\drivers\etc\hosts), read by NetLens and re-read when
//   it changes. Loopback, link-local and unspecified addresses are answered from it alone: they are never
//   sent to a DNS server, whose answer would describe some other machine.
// - Every other address: a PTR query with c-ares (node:dns Resolver.resolvePtr) to the system's DNS servers
//   (resolv.conf; the registry on Windows). Not dns.lookupService: getnameinfo(3) would honour nsswitch
//   (mDNS, LDAP...) but runs on libuv's four-thread pool, shared with the collectors' file reads, so a DNS
//   server that never answers would stall every tick. c-ares uses its own non-blocking sockets.
// - A server the user named (--dns-server, the setting) is asked instead, about every address, loopback
//   included, and the hosts file is not consulted: the user chose that server.
import { promises as dns } from 'node:dns';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addressSortKey, isUnspecified, isV4Mapped, parseIp } from '../../../shared/address.js';
import { formatDnsServer, type DnsServer } from '../../../shared/names.js';
import { rangeLabel } from '../../../shared/ranges.js';
import { emptyDiagnostics, type Diagnostics } from '../../../shared/types.js';
import type { HostSource } from './book.js';

export interface ResolverOptions {
  /** Ask this server instead of the system's. */
  server?: DnsServer | null;
  /** Off: host() answers null and nothing is asked (the user's choice, and the CLI's default). */
  enabled?: boolean;
  concurrency?: number;
  timeoutMs?: number;
  /** How long a name, and a failure, is believed. */
  answerTtlMs?: number;
  failureTtlMs?: number;
  /** A server that did not answer is asked again after this, doubled for each miss in a row (up to failureTtlMs). */
  retryMs?: number;
  /** Addresses remembered (answers and failures); past this the oldest are forgotten. */
  maxEntries?: number;
  /** Addresses waiting for a free query slot. */
  maxQueue?: number;
  hostsPath?: string;
  /** Tests only: the servers "the system" resolver asks (default: the OS's own configuration). */
  systemServers?: string[];
  now?: () => number;
}

export const RESOLVER_DEFAULTS = {
  concurrency: 8,
  timeoutMs: 2000,
  answerTtlMs: 30 * 60_000,
  failureTtlMs: 5 * 60_000,
  retryMs: 5000,
  maxEntries: 10_000,
  maxQueue: 2_000,
} as const;

export interface ResolverStats {
  /** Queries sent to a DNS server. */
  queries: number;
  answered: number;
  failed: number;
  timedOut: number;
  /** Queries the server failed or refused (SERVFAIL, REFUSED, a refused connection): asked again soon. */
  unanswered: number;
  /** From the hosts file. */
  fromHosts: number;
  /** Addresses not queued because the queue was full (they are asked again on a later tick). */
  dropped: number;
  inFlight: number;
  maxInFlight: number;
  queued: number;
  maxQueued: number;
  cached: number;
}

interface Cached {
  name: string | null;
  expires: number;
  /** Queries in a row that the server did not answer (0 for a name, or a name known not to exist). */
  misses: number;
}

/** What became of a query: a name, no name (the server said so, or gave none DNS can hold), or no answer from
 *  the server, which is worth asking again soon. */
type Outcome = 'answered' | 'failed' | 'timedOut' | 'unanswered';

/** c-ares's codes for a server that did not answer the question, as against one that said there is no name. */
const UNANSWERED_CODES: ReadonlySet<string> = new Set([dns.TIMEOUT, dns.SERVFAIL, dns.CONNREFUSED, dns.REFUSED]);

export function hostsPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32')
    return join(env.SystemRoot ?? env.windir ?? 'C:\\Windows', 'System32', 'drivers', 'etc', 'hosts');
  return '/etc/hosts';
}

/** A host name as DNS may hold it: labels of letters, digits, '-' and '_', at most 253 characters. Anything
 *  else in a PTR answer (spaces, control or bidi characters) is refused, never shown. So is a name that reads
 *  as an address: its last label a number (`127.0.0.1`, `10`, inet_aton's `0x7f.1`). No top-level domain is
 *  numeric (RFC 3696 §2), and shown in place of an address such a name would pass for another one: whoever
 *  answers for an address's reverse zone could make it read as 127.0.0.1 or a LAN address (OpenSSH refuses
 *  these too). */
export function cleanHostName(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (name.length === 0 || name.length > 253 || !/^[A-Za-z0-9_.-]+$/.test(name)) return null;
  const labels = name.split('.');
  if (/^(\d+|0x[0-9a-f]*)$/i.test(labels[labels.length - 1]!)) return null;
  return labels.every((label) => label.length > 0 && label.length <= 63) ? name : null;
}

/** A PTR answer as a name to show for `address`: cleanHostName, and never a `localhost` name (RFC 6761 §6.3: they
 *  name loopback only) for an address that is not loopback: whoever answers for an address's reverse zone could
 *  make a remote peer read as this machine. */
export function ptrAnswerName(address: string, raw: string | undefined): string | null {
  const name = cleanHostName(raw);
  if (name === null) return null;
  return /(^|\.)localhost$/i.test(name) && rangeLabel(address) !== 'loopback' ? null : name;
}

/** hosts(5): `address name [aliases...]`; the first name of the first line for an address wins. */
export function parseHostsFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/);
    if (fields.length < 2) continue;
    const name = cleanHostName(fields[1]);
    if (!parseIp(fields[0]!) || name === null) continue;
    const key = addressSortKey(fields[0]!);
    if (!out.has(key)) out.set(key, name);
  }
  return out;
}

/** Addresses that only this machine (or its link) can name. */
function localOnly(address: string): boolean {
  const label = rangeLabel(address);
  return label === 'loopback' || label === 'link-local' || isUnspecified(address);
}

/** The PTR name of an address (an IPv4-mapped address as the IPv4 address it maps); null for no address.
 *  Asked with resolvePtr rather than reverse(), whose getHostByAddr reports a timeout as ENOTFOUND. */
export function reverseName(address: string): string | null {
  const ip = parseIp(address);
  if (!ip) return null;
  if (ip.family === 4 || isV4Mapped(ip.bytes)) return `${[...ip.bytes.subarray(-4)].reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (let i = 15; i >= 0; i--) nibbles.push((ip.bytes[i]! & 15).toString(16), (ip.bytes[i]! >> 4).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}

export class HostResolver implements HostSource {
  private readonly options: Required<Omit<ResolverOptions, 'server' | 'systemServers' | 'enabled'>> &
    Pick<ResolverOptions, 'systemServers'>;
  private server: DnsServer | null;
  private enabled: boolean;
  private resolver: dns.Resolver;
  private readonly cache = new Map<string, Cached>();
  private readonly queue = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Bumped by configure(): answers to queries of an earlier configuration are not kept. */
  private generation = 0;
  private hosts: { map: Map<string, string>; mtimeMs: number; checked: number } | null = null;
  private idle: (() => void)[] = [];
  readonly stats: ResolverStats = {
    queries: 0,
    answered: 0,
    failed: 0,
    timedOut: 0,
    unanswered: 0,
    fromHosts: 0,
    dropped: 0,
    inFlight: 0,
    maxInFlight: 0,
    queued: 0,
    maxQueued: 0,
    cached: 0,
  };

  constructor(options: ResolverOptions = {}) {
    this.options = {
      concurrency: options.concurrency ?? RESOLVER_DEFAULTS.concurrency,
      timeoutMs: options.timeoutMs ?? RESOLVER_DEFAULTS.timeoutMs,
      answerTtlMs: options.answerTtlMs ?? RESOLVER_DEFAULTS.answerTtlMs,
      failureTtlMs: options.failureTtlMs ?? RESOLVER_DEFAULTS.failureTtlMs,
      retryMs: options.retryMs ?? RESOLVER_DEFAULTS.retryMs,
      maxEntries: options.maxEntries ?? RESOLVER_DEFAULTS.maxEntries,
      maxQueue: options.maxQueue ?? RESOLVER_DEFAULTS.maxQueue,
      hostsPath: options.hostsPath ?? hostsPath(),
      now: options.now ?? Date.now,
      systemServers: options.systemServers,
    };
    this.server = options.server ?? null;
    this.enabled = options.enabled ?? false;
    this.resolver = this.makeResolver();
  }

  /** Turns resolution on or off and chooses the server; a new server forgets what the old one said. */
  configure(settings: { enabled: boolean; server: DnsServer | null }): void {
    const serverChanged =
      (settings.server === null) !== (this.server === null) ||
      (settings.server !== null &&
        this.server !== null &&
        formatDnsServer(settings.server) !== formatDnsServer(this.server));
    this.enabled = settings.enabled;
    if (serverChanged) {
      this.server = settings.server;
      this.generation++;
      this.cache.clear();
      this.resolver.cancel();
      this.resolver = this.makeResolver();
    }
    if (!this.enabled || serverChanged) this.queue.clear();
    this.updateCounts();
  }

  get active(): boolean {
    return this.enabled;
  }

  host(address: string): string | null {
    if (!this.enabled) return null;
    const hit = this.cache.get(address);
    // An expired entry stays until its address is answered again: its misses set the next wait.
    if (hit !== undefined && hit.expires > this.options.now()) return hit.name;
    if (this.server === null) {
      const fromFile = this.hostsFile().get(addressSortKey(address));
      if (fromFile !== undefined) {
        this.stats.fromHosts++;
        this.remember(address, fromFile);
        return fromFile;
      }
      if (localOnly(address)) {
        this.remember(address, null);
        return null;
      }
    }
    this.enqueue(address);
    return null;
  }

  /** Resolves once nothing is queued or in flight (the CLI waits for its one reading's names). */
  settle(): Promise<void> {
    if (this.queue.size === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  describe(): string {
    if (!this.enabled) return 'host names: not resolved';
    return this.server
      ? `host names: reverse DNS asked of ${formatDnsServer(this.server)} for every address`
      : `host names: ${this.options.hostsPath}, then the system's DNS servers (${this.resolver.getServers().join(', ') || 'none configured'}); loopback and link-local from the hosts file only`;
  }

  diagnostics(): Diagnostics {
    const d = emptyDiagnostics();
    d.notes.push(this.describe());
    const s = this.stats;
    if (this.enabled && s.queries > 0) {
      d.notes.push(
        `reverse DNS: ${s.queries} queries, ${s.answered} named, ${s.failed} without a name, ${s.timedOut} timed out, ${s.unanswered ? `${s.unanswered} failed by the server, ` : ''}${s.inFlight} running, ${s.queued} waiting${s.dropped ? `, ${s.dropped} deferred (queue full)` : ''}`,
      );
    }
    return d;
  }

  private makeResolver(): dns.Resolver {
    // tries: 1 and our timeout: one slow server costs one timeout per address, not c-ares's default retries.
    const r = new dns.Resolver({ timeout: this.options.timeoutMs, tries: 1 });
    if (this.server) r.setServers([formatDnsServer(this.server)]);
    else if (this.options.systemServers) r.setServers(this.options.systemServers);
    return r;
  }

  private hostsFile(): Map<string, string> {
    const now = this.options.now();
    // Checked at most every 5 s: a stat per address would cost more than the lookups it saves.
    if (this.hosts && now - this.hosts.checked < 5000) return this.hosts.map;
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(this.options.hostsPath).mtimeMs;
    } catch {
      // No hosts file: nothing is named from it.
    }
    if (!this.hosts || this.hosts.mtimeMs !== mtimeMs) {
      let map = new Map<string, string>();
      try {
        if (mtimeMs >= 0) map = parseHostsFile(readFileSync(this.options.hostsPath, 'utf8'));
      } catch {
        // Unreadable: as if empty.
      }
      this.hosts = { map, mtimeMs, checked: now };
    } else this.hosts.checked = now;
    return this.hosts.map;
  }

  private remember(address: string, name: string | null, unanswered = false): void {
    const misses = unanswered ? (this.cache.get(address)?.misses ?? 0) + 1 : 0;
    const { answerTtlMs, failureTtlMs, retryMs } = this.options;
    const ttl =
      name !== null
        ? answerTtlMs
        : unanswered
          ? Math.min(failureTtlMs, retryMs * 2 ** Math.min(misses - 1, 30))
          : failureTtlMs;
    this.cache.delete(address);
    while (this.cache.size >= this.options.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(address, { name, expires: this.options.now() + ttl, misses });
    this.stats.cached = this.cache.size;
  }

  private enqueue(address: string): void {
    if (this.inFlight.has(address) || this.queue.has(address)) return;
    if (this.queue.size >= this.options.maxQueue) {
      this.stats.dropped++;
      return;
    }
    this.queue.add(address);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight.size < this.options.concurrency && this.queue.size > 0) {
      const address = this.queue.values().next().value!;
      this.queue.delete(address);
      this.ask(address);
    }
    this.updateCounts();
    if (this.queue.size === 0 && this.inFlight.size === 0) for (const done of this.idle.splice(0)) done();
  }

  private ask(address: string): void {
    const generation = this.generation;
    this.inFlight.add(address);
    this.stats.queries++;
    let settled = false;
    const finish = (name: string | null, outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      this.inFlight.delete(address);
      this.stats[outcome]++;
      if (generation === this.generation)
        this.remember(address, name, outcome === 'timedOut' || outcome === 'unanswered');
      this.pump();
    };
    // c-ares times out by itself (timeout, tries: 1); this guard only makes sure a slot is never lost.
    const guard = setTimeout(() => finish(null, 'timedOut'), this.options.timeoutMs * 2 + 500);
    const ptr = reverseName(address);
    if (ptr === null) {
      finish(null, 'failed');
      return;
    }
    this.resolver.resolvePtr(ptr).then(
      (names) => {
        const name = ptrAnswerName(address, names[0]);
        finish(name, name === null ? 'failed' : 'answered');
      },
      (err: NodeJS.ErrnoException) =>
        finish(
          null,
          err.code === dns.TIMEOUT ? 'timedOut' : UNANSWERED_CODES.has(err.code ?? '') ? 'unanswered' : 'failed',
        ),
    );
  }

  private updateCounts(): void {
    const s = this.stats;
    s.inFlight = this.inFlight.size;
    s.queued = this.queue.size;
    s.cached = this.cache.size;
    if (s.inFlight > s.maxInFlight) s.maxInFlight = s.inFlight;
    if (s.queued > s.maxQueued) s.maxQueued = s.queued;
  }
}
