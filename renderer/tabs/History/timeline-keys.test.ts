import { describe, expect, it } from 'vitest';
import { anchorOf, MINUTE, timelineKey } from './timeline-keys.js';

const bounds = { from: 0, to: 60 * MINUTE };
const at = (m: number) => ({ from: m * MINUTE, to: m * MINUTE });
const range = (a: number, b: number) => ({ from: a * MINUTE, to: b * MINUTE });

describe('the timeline from the keyboard', () => {
  it('moves a moment a minute with the arrows, ten with the page keys, to the ends with Home and End', () => {
    const m = at(30);
    expect(timelineKey('ArrowRight', false, m, m.from, bounds)).toEqual(at(31));
    expect(timelineKey('ArrowUp', false, m, m.from, bounds)).toEqual(at(31));
    expect(timelineKey('ArrowLeft', false, m, m.from, bounds)).toEqual(at(29));
    expect(timelineKey('ArrowDown', false, m, m.from, bounds)).toEqual(at(29));
    expect(timelineKey('PageUp', false, m, m.from, bounds)).toEqual(at(40));
    expect(timelineKey('PageDown', false, m, m.from, bounds)).toEqual(at(20));
    expect(timelineKey('Home', false, m, m.from, bounds)).toEqual(at(0));
    expect(timelineKey('End', false, m, m.from, bounds)).toEqual(at(60));
  });

  it('keeps within the span, and keeps the seconds of a moment it moves', () => {
    expect(timelineKey('PageUp', false, at(55), 55 * MINUTE, bounds)).toEqual(at(60));
    expect(timelineKey('ArrowLeft', false, at(0), 0, bounds)).toEqual(at(0));
    const odd = { from: 30 * MINUTE + 15_000, to: 30 * MINUTE + 15_000 };
    expect(timelineKey('ArrowRight', false, odd, odd.from, bounds)).toEqual({
      from: 31 * MINUTE + 15_000,
      to: 31 * MINUTE + 15_000,
    });
  });

  it('with Shift moves one end of a range and keeps the anchor', () => {
    let s = at(30);
    const anchor = s.from;
    s = timelineKey('ArrowRight', true, s, anchor, bounds)!;
    expect(s).toEqual(range(30, 31));
    s = timelineKey('PageUp', true, s, anchor, bounds)!;
    expect(s).toEqual(range(30, 41));
    // Back past the anchor: the range turns to the other side of it.
    s = timelineKey('PageDown', true, s, anchor, bounds)!;
    expect(s).toEqual(range(30, 31));
    s = timelineKey('PageDown', true, s, anchor, bounds)!;
    expect(s).toEqual(range(21, 30));
    expect(timelineKey('Home', true, s, anchor, bounds)).toEqual(range(0, 30));
  });

  it('without Shift slides a range whole, its length kept, within the span', () => {
    const s = range(21, 30);
    expect(timelineKey('ArrowLeft', false, s, 30 * MINUTE, bounds)).toEqual(range(20, 29));
    expect(timelineKey('PageUp', false, s, 30 * MINUTE, bounds)).toEqual(range(31, 40));
    expect(timelineKey('End', false, s, 30 * MINUTE, bounds)).toEqual(range(51, 60));
    expect(timelineKey('Home', false, s, 30 * MINUTE, bounds)).toEqual(range(0, 9));
    expect(timelineKey('PageUp', false, range(45, 58), 45 * MINUTE, bounds)).toEqual(range(47, 60));
    // Longer than the span: from its start.
    expect(timelineKey('ArrowRight', false, range(0, 90), 0, bounds)).toEqual(range(0, 90));
  });

  it('ignores the keys it does not take', () => {
    expect(timelineKey('Enter', false, at(1), MINUTE, bounds)).toBeNull();
    expect(timelineKey('a', true, at(1), MINUTE, bounds)).toBeNull();
    // Names of Object's members are not its keys (a page may dispatch any key name).
    for (const k of ['constructor', 'toString', 'hasOwnProperty', '__proto__'])
      expect(timelineKey(k, false, at(1), MINUTE, bounds)).toBeNull();
  });

  it('anchors a range typed in the fields at its start', () => {
    expect(anchorOf(range(10, 20), null)).toBe(10 * MINUTE);
    expect(anchorOf(range(10, 20), 20 * MINUTE)).toBe(20 * MINUTE);
    expect(anchorOf(range(10, 20), 15 * MINUTE)).toBe(10 * MINUTE);
    expect(anchorOf(at(5), 7 * MINUTE)).toBe(5 * MINUTE);
  });
});
