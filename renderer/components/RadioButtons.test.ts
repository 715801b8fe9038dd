import { describe, expect, it } from 'vitest';
import { radioStep } from './RadioButtons.js';

describe('a radio group’s keys', () => {
  it('move to the next or previous option, round the ends, and to the first or last', () => {
    expect(radioStep('ArrowRight', 0, 3)).toBe(1);
    expect(radioStep('ArrowDown', 2, 3)).toBe(0);
    expect(radioStep('ArrowLeft', 0, 3)).toBe(2);
    expect(radioStep('ArrowUp', 1, 3)).toBe(0);
    expect(radioStep('Home', 2, 3)).toBe(0);
    expect(radioStep('End', 0, 3)).toBe(2);
  });
  it('leave every other key alone', () => {
    for (const key of ['Tab', 'Enter', ' ', 'a', 'Escape']) expect(radioStep(key, 1, 3)).toBeNull();
  });
});
