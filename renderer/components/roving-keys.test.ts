import { describe, expect, it } from 'vitest';
import { rovingStep } from './roving-keys.js';

describe('a radio group’s keys', () => {
  const radioStep = (key: string, at: number, count: number) => rovingStep(key, at, count, true);

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

describe('a tab list’s keys', () => {
  it('are ← → Home End, not ↑ ↓', () => {
    expect(rovingStep('ArrowRight', 4, 5)).toBe(0);
    expect(rovingStep('ArrowLeft', 0, 5)).toBe(4);
    expect(rovingStep('End', 1, 5)).toBe(4);
    expect(rovingStep('ArrowDown', 1, 5)).toBeNull();
    expect(rovingStep('ArrowUp', 1, 5)).toBeNull();
  });
});
