import { describe, expect, it, vi } from 'vitest';
import { hostLog, MAX_KINDS } from './log-lines.js';

describe('host log lines', () => {
  it('writes every line inert and cut short', () => {
    const lines: string[] = [];
    const log = hostLog((l) => lines.push(l), { maxLength: 40 });
    log('rejected: "\x1b]0;pwned\x07\x1b[2J"\n[netlens] forged line');
    log(`huge: ${'x'.repeat(64 * 1024 * 1024)}`);
    expect(lines[0]).toBe('rejected: "\\x1b]0;pwned\\x07\\x1b[2J"\\n[netlens] for… (8 more characters)');
    expect(lines[1]!.length).toBeLessThan(100);
    expect(lines.join('')).not.toMatch(/[\x00-\x1f]/);
  });

  it('rate-limits a kind of line anyone can repeat, and reports how many were left out', () => {
    const lines: string[] = [];
    let t = 0;
    const log = hostLog((l) => lines.push(l), { perWindow: 3, windowMs: 1000, now: () => t });
    for (let i = 0; i < 1000; i++) log.limited('refused 401', `refused ${i}`);
    log.limited('refused 403', 'other kind');
    expect(lines).toEqual(['refused 0', 'refused 1', 'refused 2', 'other kind']);
    t = 1000;
    log.limited('refused 401', 'refused later');
    expect(lines.at(-1)).toBe('refused later (and 997 more like it in the last 1 s, not logged)');
    log('an ordinary line is never limited');
    expect(lines.at(-1)).toBe('an ordinary line is never limited');
  });

  it('forgets the kinds whose window ended with nothing held back, past MAX_KINDS (a kind per client)', () => {
    const lines: string[] = [];
    let t = 0;
    const log = hostLog((l) => lines.push(l), { perWindow: 1, windowMs: 1000, now: () => t });
    // A client that held lines back keeps its count for its next line, however many came after it.
    log.limited('web#0 refused', 'first');
    log.limited('web#0 refused', 'held back');
    for (let i = 1; i <= 10 * MAX_KINDS; i++) {
      t += 10;
      log.limited(`web#${i} refused`, `client ${i}`);
    }
    expect(log.kindsHeld()).toBeLessThanOrEqual(MAX_KINDS + 100);
    log.limited('web#0 refused', 'again');
    expect(lines.at(-1)).toBe('again (and 1 more like it in the last 1 s, not logged)');
  });
});

describe('many kinds of limited lines', () => {
  it('costs a pass over the kinds per doubling, not per new kind, with 10,000 clients refused in one window', () => {
    const lines: string[] = [];
    const t = 0;
    const log = hostLog((l) => lines.push(l), { perWindow: 1, windowMs: 1000, now: () => t });
    // A pass over the kinds is a for-of over their Map.
    const passes = vi.spyOn(Map.prototype as unknown as Record<symbol, () => unknown>, Symbol.iterator);
    try {
      for (let i = 0; i < 10_000; i++) log.limited(`web#${i} refused`, `client ${i}`);
      // All within their window: each kept, each line written.
      expect(log.kindsHeld()).toBe(10_000);
      expect(passes.mock.calls.length).toBeLessThan(20);
    } finally {
      passes.mockRestore();
    }
    expect(lines).toHaveLength(10_000);
  });

  it('forgets a kind that held lines back after a while, logging what it held back', () => {
    const lines: string[] = [];
    let t = 0;
    const log = hostLog((l) => lines.push(l), { perWindow: 1, windowMs: 1000, now: () => t });
    log.limited('web#0 refused', 'first');
    log.limited('web#0 refused', 'held back');
    t = 61 * 1000;
    for (let i = 1; i <= MAX_KINDS; i++) log.limited(`web#${i} refused`, `client ${i}`);
    expect(lines).toContain('web#0 refused: 1 more like it in 1 s, not logged');
    log.limited('web#0 refused', 'again');
    expect(lines.at(-1)).toBe('again');
  });
});
