import { describe, expect, it } from 'vitest';
import { TickGroups } from './tick-groups.js';

describe('TickGroups', () => {
  it('waits for the datasets that came with the previous tick, and only for them', () => {
    const g = new TickGroups();
    // The first tick: nothing is known yet, nothing is waited for.
    g.arrived('connections', 1000);
    expect(g.waiting()).toBe(false);
    g.arrived('processes', 1000);
    expect(g.waiting()).toBe(false);
    // The next tick brings the same two: after the first, the store waits for the second.
    g.arrived('connections', 2000);
    expect(g.waiting()).toBe(true);
    g.arrived('processes', 2000);
    expect(g.waiting()).toBe(false);
    // In either order.
    g.arrived('processes', 3000);
    expect(g.waiting()).toBe(true);
    g.arrived('connections', 3000);
    expect(g.waiting()).toBe(false);
  });

  it('stops expecting a dataset that did not come (a late read, a closed tab)', () => {
    const g = new TickGroups();
    g.arrived('interfaces', 1000);
    g.arrived('multicast', 1000);
    g.arrived('interfaces', 2000);
    expect(g.waiting()).toBe(true);
    // The deadline passed without multicast: this tick is what came.
    g.giveUp();
    expect(g.waiting()).toBe(false);
    g.arrived('interfaces', 3000);
    expect(g.waiting()).toBe(false);
    // A dataset that comes again is expected again from the tick after.
    g.arrived('multicast', 3000);
    g.arrived('interfaces', 4000);
    expect(g.waiting()).toBe(true);
  });

  it('does not wait on a diff of an older tick', () => {
    const g = afterTicks(1000, 2000);
    g.arrived('routes', 1500);
    expect(g.waiting()).toBe(false);
  });

  it("gathers again after the host's clock is set back", () => {
    const g = afterTicks(10_000, 11_000);
    // The clock went back an hour: the next ticks are new ones, and still wait for both datasets.
    g.arrived('connections', 11_000 - 3_600_000);
    expect(g.waiting()).toBe(true);
    g.arrived('processes', 11_000 - 3_600_000);
    expect(g.waiting()).toBe(false);
    g.arrived('processes', 12_000 - 3_600_000);
    expect(g.waiting()).toBe(true);
  });
});

/** Groups that saw connections and processes come with each of these ticks. */
function afterTicks(...ats: number[]): TickGroups {
  const g = new TickGroups();
  for (const at of ats) {
    g.arrived('connections', at);
    g.arrived('processes', at);
  }
  return g;
}
