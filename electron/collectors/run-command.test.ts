// Spawning tools with an argument array: output, a missing tool and a failing tool are values, never
// throws; the macOS and Windows collector sets are complete.
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../shared/types.js';
import { commandCollector, runCommand } from './run-command.js';
import { createCollectors } from './index.js';
import { createWin32Collectors } from './win32.js';
import { parseLinuxRouteTable } from '../capture/linux-net-tools.js';

describe('runCommand', () => {
  it('returns the output of a real tool, passed its arguments without a shell', async () => {
    const r = await runCommand('printf', ['%s|', 'a b', '$HOME', ';ls']);
    expect(r).toMatchObject({ ok: true, text: 'a b|$HOME|;ls|' });
  });

  it('reports a missing tool and a failing tool', async () => {
    expect(await runCommand('netlens-no-such-tool', [])).toEqual({
      ok: false,
      error: 'netlens-no-such-tool is not installed',
    });
    const fail = await runCommand('ls', ['/netlens/does/not/exist']);
    expect(fail.ok).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('feeds a collector: route -n here parses as the kernel table', async () => {
    const c = commandCollector('route', ['-n'], (t) => parseLinuxRouteTable(t));
    const r = await c.read();
    if (r.diagnostics.missing.length === 0) {
      expect(r.diagnostics.skipped).toBe(0);
      expect(r.rows.length).toBeGreaterThan(0);
    } else expect(r.diagnostics.missing[0]?.reason).toMatch(/not installed/);
    const missing = await commandCollector('netlens-no-such-tool', ['-x'], (t) => parseLinuxRouteTable(t)).read();
    expect(missing.diagnostics.missing).toEqual([
      { source: 'netlens-no-such-tool -x', reason: 'netlens-no-such-tool is not installed' },
    ]);
  });
});

describe('collector sets', () => {
  it('macOS and Windows provide every dataset', () => {
    for (const set of [createCollectors('darwin'), createCollectors('win32')]) {
      for (const d of DATASETS) expect(typeof set[d].read).toBe('function');
      for (const d of DATASETS) set[d].dispose?.();
    }
  });

  it('Windows multicast says why it is empty', async () => {
    const set = createWin32Collectors();
    const r = await set.multicast.read();
    expect(r.rows).toEqual([]);
    expect(r.diagnostics.missing[0]?.reason).toMatch(/netsh interface ipv4 show joins/);
    set.connections.dispose?.();
  });
});
