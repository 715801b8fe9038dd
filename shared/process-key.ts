// What the process list, its filter, its traffic and its chart know a process name by. Sockets no process can be
// named for are gathered under three labels, (no process), (other users) and (owner not listed: cap reached); anyone may name a process so, and such
// a process must stay an entry of its own: its key is its name with a NUL after it (no process name from the OS
// holds one). Every other name is its own key.
import { NO_PROCESS, OTHER_USERS, OWNER_NOT_LISTED } from './types.js';

/** Whether a key is one of the buckets (sockets no process can be named for), not a process's. */
export function isBucket(key: string): boolean {
  return key === OTHER_USERS || key === NO_PROCESS || key === OWNER_NOT_LISTED;
}

/** The key of the processes of a name. */
export function processKey(name: string): string {
  return isBucket(name) ? `${name}\u0000` : name;
}

/** The name a key stands for. */
export function keyName(key: string): string {
  return key.endsWith('\u0000') && isBucket(key.slice(0, -1)) ? key.slice(0, -1) : key;
}

/** The key of a row of the processes dataset: a bucket's own (it has no pid), else its name's. */
export function trafficKey(row: { id: string; pid: number | null; name: string }): string {
  return row.pid === null && isBucket(row.id) ? row.id : processKey(row.name);
}
