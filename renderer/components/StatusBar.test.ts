// The status bar's tick duration holds still through jitter (a redraw a second costs an idle page a frame) and
// follows a real change at once.
import { describe, expect, it } from 'vitest';
import { steadyDuration } from './StatusBar.js';

describe('the tick duration shown', () => {
  it('keeps the figure shown while ticks stay within a factor of 1.5 of it', () => {
    let shown: number | null = null;
    const seen = [3.2, 4.1, 2.6, 4.7, 3.0].map((ms) => (shown = steadyDuration(shown, ms)));
    expect(seen).toEqual([3.2, 3.2, 3.2, 3.2, 3.2]);
  });

  it('shows a tick that took more than 1.5 times as long, or less than two thirds, at once', () => {
    expect(steadyDuration(3.2, 4.9)).toBe(4.9);
    expect(steadyDuration(3.2, 2.1)).toBe(2.1);
    expect(steadyDuration(3.2, 250)).toBe(250);
  });
});
