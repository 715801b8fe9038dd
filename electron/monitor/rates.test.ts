import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
});
