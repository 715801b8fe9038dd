import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ReadingTime } from '../../shared/types.js';
import { InterfaceHistory } from './history.js';
import { CounterRateTracker, InterfaceRateTracker, MAX_BYTES_PER_SEC, perSecond } from './rates.js';
import { syntheticCounter, syntheticInterface } from './testing/synthetic.js';

describe('rates', () => {
  it('is never negative nor above the cap, whatever the counters do', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 5000 })), {
          minLength: 2,
          maxLength: 20,
        }),
        (samples) => {
          let prev: number | undefined;
          for (const [value, dt] of samples) {
            const r = perSecond(prev, value, dt, MAX_BYTES_PER_SEC);
            if (r !== null) {
              expect(r).toBeGreaterThanOrEqual(0);
              expect(r).toBeLessThanOrEqual(MAX_BYTES_PER_SEC);
            }
            if (prev !== undefined && value < prev) expect(r).toBeNull();
            prev = value;
          }
        },
      ),
    );
  });

  it('gives an interface no rates for the tick its counters went back (a re-created device, a 32-bit wrap)', () => {
    const t = new InterfaceRateTracker();
    const eth = (rx: number) => syntheticInterface('eth0', { rxBytes: rx, txBytes: 100, rxPackets: 1, txPackets: 1 });
    const rows = [eth(4_294_967_000)];
    t.apply(rows, 0);
    expect(rows[0]!.rates).toBeNull();
    const wrapped = [eth(200)];
    t.apply(wrapped, 1000);
    expect(wrapped[0]!.rates).toBeNull();
    const after = [eth(2200)];
    t.apply(after, 2000);
    expect(after[0]!.rates).toEqual({ rxBytesPerSec: 2000, txBytesPerSec: 0, rxPacketsPerSec: 0, txPacketsPerSec: 0 });
  });

  it('rates counters only, never gauges', () => {
    const t = new CounterRateTracker();
    const read = (v: number) => [
      syntheticCounter('Tcp', 'InSegs', v),
      syntheticCounter('Tcp', 'CurrEstab', v, 'gauge'),
    ];
    t.apply(read(10), 0);
    const rows = read(30);
    t.apply(rows, 500);
    expect(rows.map((r) => r.rate)).toEqual([40, null]);
  });

  // Review N5: a remote host's interfaces and counters (as its connections, connections.test.ts) are measured
  // between its frames' times, which come slower than the ticks; a tick that sees the last frame again keeps
  // the rates (not 0), and the chart's history gets a point per frame, at its time.
  it("measures a remote host's rows between its frames' times, and this machine's between the ticks", () => {
    const interfaces = new InterfaceRateTracker();
    const counters = new CounterRateTracker();
    const history = new InterfaceHistory();
    const RATE = 100_000; // bytes (and segments) per second on the remote; 1000 per tick here
    const seen: unknown[][] = [];
    const frames = Array.from({ length: 12 }, (_, k) => 1_000_000 + 1300 * k);
    for (let tick = 0; tick < 15; tick++) {
      const now = 1_000_000 + 1000 * tick;
      const frameAt = frames.filter((f) => f + 100 <= now).pop();
      const mine = () => syntheticInterface('lo', { rxBytes: 1000 * tick, txBytes: 0, rxPackets: 0, txPackets: 0 });
      const ifaces = [mine()];
      const stats = [syntheticCounter('Tcp', 'InSegs', 1000 * tick)];
      const readAt: ReadingTime[] = [];
      if (frameAt !== undefined) {
        const moved = (RATE * (frameAt - 1_000_000)) / 1000;
        readAt.push({ from: 1, key: 'web', at: frameAt });
        ifaces.push({
          ...syntheticInterface('@web/eth0', { rxBytes: moved, txBytes: moved / 2, rxPackets: 0, txPackets: 0 }),
          host: 'web',
        });
        stats.push({ ...syntheticCounter('Tcp', 'InSegs', moved), id: '@web/Tcp.InSegs', host: 'web' });
      }
      interfaces.apply(ifaces, now, readAt);
      counters.apply(stats, now, readAt);
      history.record(now, ifaces, readAt);
      seen.push([ifaces[0]!.rates?.rxBytesPerSec, ifaces[1]?.rates?.rxBytesPerSec, stats[0]!.rate, stats[1]?.rate]);
    }
    expect(seen.slice(0, 2)).toEqual([
      [undefined, undefined, null, undefined],
      [1000, undefined, 1000, null],
    ]);
    for (const [local, remote, localCounter, remoteCounter] of seen.slice(2)) {
      expect(local).toBe(1000);
      expect(localCounter).toBe(1000);
      expect(remote).toBeCloseTo(RATE, 6);
      expect(remoteCounter).toBeCloseTo(RATE, 6);
    }
    // One point per tick for this machine; one per new frame, at the frame's time, for the remote.
    expect(history.get('lo').map((p) => p.rx)).toEqual(Array(14).fill(1000));
    const theirs = history.get('@web/eth0');
    expect(theirs.map((p) => p.t)).toEqual(frames.slice(1, 11));
    for (const p of theirs) {
      expect(p.rx).toBeCloseTo(RATE, 6);
      expect(p.tx).toBeCloseTo(RATE / 2, 6);
    }
  });
});
