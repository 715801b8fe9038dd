// History's moment fields take and show the one 24-hour form NetLens writes everywhere (a new user's review of
// 12-03 saw "12/03/2026, 02:07:32 AM" from datetime-local beside "2026-12-03 02:07:32"); a wrong one is refused with
// a sentence, never taken for a neighbouring moment. What changed offers a few minutes back, as the CLI's --since 10m.
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../../shared/format.js';
import { AGO } from './Changes.js';
import { parseTypedMoment as parseMoment } from '../../../shared/record.js';

describe('a typed moment', () => {
  it('reads the form the captions show, seconds optional, a T allowed, in local time', () => {
    const t = new Date(2026, 11, 3, 14, 5, 9).getTime();
    expect(parseMoment('2026-12-03 14:05:09')).toEqual({ ok: true, ms: t });
    expect(parseMoment(' 2026-12-03T14:05:09 ')).toEqual({ ok: true, ms: t });
    expect(parseMoment('2026-12-03 14:05')).toEqual({ ok: true, ms: t - 9000 });
    // What the field shows of a moment reads back as that moment.
    expect(parseMoment(formatDateTime(t))).toEqual({ ok: true, ms: t });
  });

  it('reads a time alone as its last occurrence: today, or yesterday where it is still to come', () => {
    const now = new Date(2026, 11, 7, 23, 10, 0).getTime();
    // On main "Type a moment as YYYY-MM-DD HH:MM:SS".
    expect(parseMoment('22:55', now)).toEqual({ ok: true, ms: new Date(2026, 11, 7, 22, 55, 0).getTime() });
    expect(parseMoment(' 9:05:30 ', now)).toEqual({ ok: true, ms: new Date(2026, 11, 7, 9, 5, 30).getTime() });
    expect(parseMoment('23:30', now)).toEqual({ ok: true, ms: new Date(2026, 11, 6, 23, 30, 0).getTime() });
    expect(parseMoment('00:00', new Date(2026, 0, 1, 0, 0, 0).getTime())).toEqual({
      ok: true,
      ms: new Date(2026, 0, 1).getTime(),
    });
    const r = parseMoment('24:00', now);
    expect(r.ok ? null : r.error).toMatch(/00 to 23/);
  });

  it('refuses what is not a moment with a sentence saying why', () => {
    const refused = (text: string) => {
      const r = parseMoment(text);
      return r.ok ? null : r.error;
    };
    expect(refused('12/03/2026, 02:07:32 AM')).toMatch(/YYYY-MM-DD HH:MM:SS \(24-hour\)/);
    expect(refused('')).toMatch(/YYYY-MM-DD/);
    expect(refused('2026-13-01 00:00:00')).toMatch(/Month 13/);
    expect(refused('2026-02-30 10:00:00')).toBe('2026-02-30 is not a date');
    expect(refused('2026-12-03 24:00:00')).toMatch(/00 to 23/);
    expect(refused('2026-12-03 12:60:00')).toMatch(/00 to 59/);
    expect(refused(`2026-12-03 12:00:00${'9'.repeat(50_000)}`)).toMatch(/YYYY-MM-DD/);
  });
});

describe('What changed presets', () => {
  it('go a few minutes back, as the CLI does with --since 10m', () => {
    const minutes = AGO.map((a) => a.ms / 60_000);
    expect(minutes).toEqual(expect.arrayContaining([5, 15]));
    expect(minutes[0]).toBeLessThanOrEqual(5);
  });
});
