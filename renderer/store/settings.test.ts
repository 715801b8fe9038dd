import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, DEFAULT_TOGGLES, sanitizeSettings } from './settings.js';

describe('sanitizeSettings', () => {
  it('keeps each known toggle and mode, and the defaults for the rest', () => {
    const s = sanitizeSettings({
      toggles: { unix: true, tcp: false, hideLoopback: true, mode: 'listening', raw: 'yes' },
    });
    expect(s.toggles).toEqual({ ...DEFAULT_TOGGLES, unix: true, tcp: false, hideLoopback: true, mode: 'listening' });
    expect(sanitizeSettings({ toggles: { mode: 'some' } }).toggles.mode).toBe('all');
  });
  it('keeps a saved tab only if it is one of the tabs', () => {
    expect(sanitizeSettings({ activeTab: 'history' }).activeTab).toBe('history');
    expect(sanitizeSettings({ activeTab: 'names' }).activeTab).toBe(DEFAULT_SETTINGS.activeTab);
  });
  it('never breaks on a file that is not settings', () => {
    expect(sanitizeSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(sanitizeSettings([1, 2])).toEqual(DEFAULT_SETTINGS);
  });
});
