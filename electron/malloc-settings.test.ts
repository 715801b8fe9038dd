import { describe, expect, it } from 'vitest';
import { MALLOC_SETTINGS, RESTARTED, withMallocSettings } from './malloc-settings.js';

describe('withMallocSettings', () => {
  it('adds each setting the environment does not name, on Linux only', () => {
    expect(withMallocSettings({ PATH: '/bin' }, 'linux')).toEqual({
      PATH: '/bin',
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      MALLOC_TRIM_THRESHOLD_: '131072',
      [RESTARTED]: '1',
    });
    expect(withMallocSettings({ PATH: '/bin' }, 'darwin')).toBeNull();
    expect(withMallocSettings({ PATH: '/bin' }, 'win32')).toBeNull();
  });

  it("keeps the user's values, empty ones too, and asks for nothing once each is named (no second restart)", () => {
    expect(withMallocSettings({ MALLOC_ARENA_MAX: '8', MALLOC_TRIM_THRESHOLD_: '' }, 'linux')).toEqual({
      MALLOC_ARENA_MAX: '8',
      MALLOC_MMAP_THRESHOLD_: '131072',
      MALLOC_TRIM_THRESHOLD_: '',
      [RESTARTED]: '1',
    });
    const restarted = withMallocSettings({}, 'linux')!;
    expect(withMallocSettings(restarted, 'linux')).toBeNull();
    // A restart whose settings were erased on the way (glibc's secure mode) is not restarted again.
    const erased = { ...restarted };
    for (const name of Object.keys(MALLOC_SETTINGS)) delete erased[name];
    expect(withMallocSettings(erased, 'linux')).toBeNull();
    expect(Object.keys(MALLOC_SETTINGS).sort()).toEqual([
      'MALLOC_ARENA_MAX',
      'MALLOC_MMAP_THRESHOLD_',
      'MALLOC_TRIM_THRESHOLD_',
    ]);
  });
});
