// The owner lists of the connections the page holds, one array per distinct list. The host builds each process's
// list once and gives it to every socket that process holds (electron/collectors/linux/socket-owners.ts); on the
// wire each row carries a copy, so 50,000 rows of a few hundred processes parsed to 50,000 arrays and objects: a
// third of the page's heap at bench:renderer's 50,000 rows, all of it for the garbage collector to mark. The store
// hands each arriving list to `share`, which gives back the one already held when its content is the same.
import type { ProcessInfo } from '../../shared/types.js';

/** Lists kept at most: past it the map starts again, so a host with more distinct owners than this
 *  costs sharing, never memory. */
export const MAX_OWNER_LISTS = 16_384;

/** Every field of a process, compared: a field added to ProcessInfo and not here fails the type check below. */
const FIELDS = ['pid', 'startTime', 'name', 'cmdline', 'exe', 'user'] as const satisfies readonly (keyof ProcessInfo)[];
const EVERY_FIELD: [Exclude<keyof ProcessInfo, (typeof FIELDS)[number]>] extends [never] ? true : never = true;
void EVERY_FIELD;

function sameList(a: readonly ProcessInfo[], b: readonly ProcessInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) for (const f of FIELDS) if (a[i]![f] !== b[i]![f]) return false;
  return true;
}

/** A process's key: its pid, start time and name (a pid reused, or a process that renamed itself, is another). The
 *  other fields are compared when a key is found. */
const keyOf = (p: ProcessInfo) => `${p.pid}\u0000${p.startTime}\u0000${p.name}`;

export class OwnerLists {
  private readonly lists = new Map<string, ProcessInfo[]>();

  constructor(private readonly max = MAX_OWNER_LISTS) {}

  /** The list held for this content, or this one, held from now on (the latest content of a key wins). */
  share(list: ProcessInfo[]): ProcessInfo[] {
    if (!Array.isArray(list) || list.length === 0) return list;
    const key = list.length === 1 ? keyOf(list[0]!) : list.map(keyOf).join('\u0001');
    const held = this.lists.get(key);
    if (held !== undefined && (held === list || sameList(held, list))) return held;
    if (held === undefined && this.lists.size >= this.max) this.lists.clear();
    this.lists.set(key, list);
    return list;
  }

  /** How many lists are held (tests). */
  get size(): number {
    return this.lists.size;
  }

  clear(): void {
    this.lists.clear();
  }
}
