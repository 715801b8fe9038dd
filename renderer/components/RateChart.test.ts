// The rate chart's time axis: how close its ticks may be and what they say.
import { describe, expect, it } from 'vitest';
import { timeAxisSpace, timeTicks } from './RateChart.js';

describe('the time axis', () => {
  it('lets ticks a minute or more apart sit closer, so a narrow 10-minute chart gets more than one', () => {
    // 10 minutes over 200 px: 50 px is 150 s, so ticks are minutes apart (HH:MM labels, 50 px of room).
    expect(timeAxisSpace(0, 600, 200)).toBe(50);
    // 10 minutes over 900 px: 50 px is 33 s, ticks would carry seconds: the room HH:MM:SS needs.
    expect(timeAxisSpace(0, 600, 900)).toBe(80);
    expect(timeAxisSpace(0, 600, 0)).toBe(50);
  });

  it('says HH:MM when every tick is on a whole minute, else HH:MM:SS', () => {
    const at = (h: number, m: number, s = 0) => new Date(2026, 11, 5, h, m, s).getTime() / 1000;
    expect(timeTicks([at(12, 0), at(12, 5)])).toEqual(['12:00', '12:05']);
    expect(timeTicks([at(12, 0), at(12, 0, 30)])).toEqual(['12:00:00', '12:00:30']);
    expect(timeTicks([])).toEqual([]);
  });
});
