// Remote hosts as every layer sees them: which destinations may be asked for (checked the same way at the
// protocol's door and on the command line), how their rows are keyed, and what a client hears of each host.
import { isInert } from './inert-text.js';

/** A destination ssh would take as an option, or that could not be a host name at all, is refused. */
export function checkDestination(dest: string): string | null {
  if (dest === '' || dest.length > 255) return 'a host must be 1 to 255 characters';
  if (dest.startsWith('-')) return 'a host cannot start with "-"';
  // Bidi and invisible characters too: a host shown as `x\u202egnp.exe` would read as `xexe.png` wherever it is
  // printed whole (netlens dump's errors printed it so).
  if (/\s/.test(dest) || !isInert(dest)) return 'a host cannot contain spaces, control, bidi or invisible characters';
  // Never a shell word: ssh hands the name to a ProxyCommand or Match exec of the user's config (%h), and OpenSSH
  // before 9.6 ran `x$(touch /tmp/f)` there (attack review of 12-05). A host name, a user, a port, an IPv6
  // address with its zone, an ssh:// URL and a config alias need none of these.
  if (!/^[\p{L}\p{N}._@:[\]%/+-]+$/u.test(dest))
    return 'a host may hold only letters, digits and . _ - + @ : / % [ ] (no shell characters)';
  return null;
}

/** A remote row's id: this machine's ids never start with "@", so the two never meet in one table. */
export function remoteRowId(host: string, id: string): string {
  return `@${host}/${id}`;
}

export function isRemoteRowId(id: string): boolean {
  return id.startsWith('@');
}

/** The remote host a row is from, or undefined for this machine's rows (and for rows of other kinds, whose
 *  `host` may mean something else: a name entry's reverse DNS name). */
export function rowHost(row: unknown): string | undefined {
  const r = row as { id?: unknown; host?: unknown };
  return typeof r.id === 'string' && isRemoteRowId(r.id) && typeof r.host === 'string' ? r.host : undefined;
}

export type RemoteHostState = 'connecting' | 'connected' | 'disconnected';

/** One remote host as a client sees it (the `remoteHosts` request and those that change the list). */
export interface RemoteHostInfo {
  destination: string;
  state: RemoteHostState;
  /** Why it is disconnected ('host key changed', 'authentication failed', 'timeout', ...), else null. */
  reason: string | null;
  /** When it entered this state (ms since the epoch). */
  since: number;
  /** When its last frame came: its rows are as of then. Null before the first. */
  lastFrameAt: number | null;
}

/** The hosts a client may choose to show: this machine, one remote host, or all of them. */
export type HostSelection = { kind: 'local' } | { kind: 'all' } | { kind: 'remote'; destination: string };

/** Whether a row (its `host`, absent for this machine) is shown under a selection. */
export function hostShown(selection: HostSelection, host: string | undefined): boolean {
  if (selection.kind === 'all') return true;
  if (selection.kind === 'local') return host === undefined;
  return host === selection.destination;
}
