import { describe, expect, it } from 'vitest';
import { InterfaceHistory, SAMPLE_MS } from './history.js';
import { syntheticInterface } from './testing/synthetic.js';

const lo = (rxBytes: number) => [syntheticInterface('lo', { rxBytes, txBytes: 0, rxPackets: 0, txPackets: 0 })];

describe('InterfaceHistory: when a sample is due and when it is late', () => {
  it('is due from 100 ms before a second has passed, and late from 100 ms after', () => {
    const h = new InterfaceHistory();
    expect(h.due(0)).toBe(true);
    expect(h.overdue(0)).toBe(true);
    h.record(10_000, lo(0));
    expect([h.due(10_899), h.due(10_900)]).toEqual([false, true]);
    expect([h.overdue(10_900), h.overdue(11_099), h.overdue(11_100)]).toEqual([false, false, true]);
    // A read that was not due adds nothing and does not move the clock.
    h.record(10_500, lo(500));
    expect(h.overdue(11_100)).toBe(true);
    expect(h.get('lo')).toEqual([]);
  });

  // The monitor's two timers (monitor.ts, sampleHistory): the tick's read records the sample while the interfaces are
  // shown; the sampler reads on its own only while that sample is late. Regular ticks leave it nothing to do; a tick
  // that came too early to be due (or none at all) leaves a late sample, which the sampler's next turn reads.
  it('lets a sampler fill in exactly the seconds the ticks missed', () => {
    const h = new InterfaceHistory();
    // Ticks a second apart with one early (at 5,820: 820 ms after the last, not due) and none from 9 to 12 s; the
    // one at 13 s is not due after the sampler's at 12.5 s, but tells it the ticks are back.
    const ticks = [1000, 2000, 3000, 4000, 5000, 5820, 6800, 7800, 8800, 13_000, 14_000];
    const samplerTurns = Array.from({ length: 14 }, (_, k) => 1500 + SAMPLE_MS * k);
    const events = [
      ...ticks.map((at) => ({ at, by: 'tick' as const })),
      ...samplerTurns.map((at) => ({ at, by: 'sampler' as const })),
    ].sort((a, b) => a.at - b.at);
    const sampled: number[] = [];
    for (const { at, by } of events) {
      if (by === 'sampler' && !h.overdue(at)) continue;
      if (by === 'sampler') sampled.push(at);
      h.record(at, lo(at), undefined, by); // a byte a millisecond
    }
    expect(sampled).toEqual([6500, 10_500, 11_500, 12_500]);
    const points = h.get('lo');
    expect(points.map((p) => p.t)).toEqual([2000, 3000, 4000, 5000, 6500, 7800, 8800, 10_500, 11_500, 12_500, 14_000]);
    for (const p of points) expect(p.rx).toBe(1000);
    // No gap in the chart longer than a late sample's margin and one turn of the sampler.
    const gaps = points.slice(1).map((p, i) => p.t - points[i]!.t);
    expect(Math.max(...gaps)).toBeLessThan(2 * SAMPLE_MS);
  });
});
