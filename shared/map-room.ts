// The room a Map keeps after deletions, for the per-socket Maps (the connection table's, the recorder's, the
// traffic totals', the owner cache's) whose entries come and go as sockets open and close.
//
// V8 keeps a Map's entries in a table of a power-of-two capacity; a deleted entry keeps its place until the
// table is full, and then V8 makes a new table: of the same capacity when half of it is deleted entries, else
// of twice it. It halves one only when fewer than a quarter of its entries are live. So a Map that keeps more
// than half its capacity live while entries churn doubles once and stays so: 20,000 sockets at 1 % churn held
// tables with room for 65,536 entries (1.8 MB each) where 32,768 hold them (docs/performance.md, "The worker's
// Maps at the room their entries need"). A copy of such a Map made before it fills is made at the capacity its
// entries need. Nothing here changes what a Map holds or its order: only when a copy is made.

/** The capacity V8 gives a Map of `n` entries made by adding them one by one (its first table holds 4). */
export function builtCapacity(n: number): number {
  let capacity = 4;
  while (capacity < n) capacity *= 2;
  return capacity;
}

/** A copy is not made for fewer deletions than an eighth of the entries (a Map whose size is just under a
 *  power of two would be copied every few deletions), nor for fewer than this. */
const LEAST_DELETIONS = 64;

/** Counts a Map's deletions, and says when a copy of it (`compacted`) would keep it at the room it needs. */
export class MapRoom {
  private deletions = 0;
  /** The deletions after which the Map's table is full (its live entries and deleted ones); -1 before the
   *  first `compacted`. */
  private room = -1;

  /** Counts `n` entries deleted from the Map. */
  deleted(n = 1): void {
    this.deletions += n;
  }

  /**
   * The Map to keep: `map` itself, or a copy of it (the same entries, in the same order) once as many entries
   * were deleted since the last copy as its table had room for. To be called only where nothing is going
   * through `map` (a copy would not see what is done to the Map after it). The first call only notes the room.
   */
  compacted<K, V>(map: Map<K, V>): Map<K, V> {
    if (this.room >= 0 && this.deletions < this.room) return map;
    let kept = map;
    if (this.room >= 0) {
      // Entry by entry (not `new Map(map)`, which a V8 could make by copying the table, room and all).
      const copy = new Map<K, V>();
      map.forEach((value, key) => {
        copy.set(key, value);
      });
      kept = copy;
    }
    const n = kept.size;
    this.room = Math.max(builtCapacity(n) - n, n >> 3, LEAST_DELETIONS);
    this.deletions = 0;
    return kept;
  }
}
