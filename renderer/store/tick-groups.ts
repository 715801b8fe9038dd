// The monitor reads each shown dataset on the same tick but sends each as soon as its own read is done: the
// Connections tab gets its sockets, then a few milliseconds later its processes' traffic (Interfaces: its
// interfaces, then their multicast groups). Applied as they came, each tick was two store updates, two React
// renders and two frames (issue 15: at rest, most of the page's cost is per frame). TickGroups learns which
// datasets came with the last tick and says whether this tick still waits for one of them, so the store
// applies a tick's datasets together; a dataset that does not come (its read was late, its tab closed) is
// waited for only until the store's deadline (GATHER_MS), and is not expected on the ticks after.
import type { Dataset } from '../../shared/types.js';

/** The longest the store holds a tick's first datasets for the others. */
export const GATHER_MS = 100;

export class TickGroups {
  /** The tick being gathered (its `at`) and the datasets of it that came. */
  private at = -Infinity;
  /** The tick before it (its `at`): a diff between the two is a late one of that tick. */
  private previousAt = -Infinity;
  private came = new Set<Dataset>();
  /** The datasets of the tick before it. */
  private expected = new Set<Dataset>();

  /** A dataset's diff of the tick that started at `at` came. */
  arrived(dataset: Dataset, at: number): void {
    // A tick's `at` is the host's clock: one set back (by hand, by NTP) starts ticks before the last one, and
    // is a new tick too, else every later diff would count as late and no tick would be gathered again.
    if (at > this.at || (at < this.at && at < this.previousAt)) {
      // A new tick: the previous one's datasets are what this one should bring.
      this.expected = this.came;
      this.came = new Set();
      this.previousAt = this.at;
      this.at = at;
    } else if (at < this.at) return; // a late diff of the tick before: applied with this one
    this.came.add(dataset);
  }

  /** Some dataset of the previous tick has not come yet for this one. */
  waiting(): boolean {
    for (const d of this.expected) if (!this.came.has(d)) return true;
    return false;
  }

  /** The deadline passed: what came is what this tick brings. */
  giveUp(): void {
    this.expected = new Set(this.came);
  }
}
