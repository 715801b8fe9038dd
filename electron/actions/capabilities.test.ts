import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from './command.js';
import { readCapabilities } from './capabilities.js';
import { WINDOWS_ADMIN_SCRIPT } from './close-connection.js';
import { createActions } from './index.js';

describe('capabilities', () => {
  it.runIf(process.platform === 'linux' && process.getuid?.() === 0)(
    'as root here: kill yes, elevation pointless, close as the kernel allows',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'netlens-caps-'));
      try {
        const caps = await createActions({ dataDir: dir }).capabilities();
        expect(caps.kill).toEqual({ available: true, reason: null });
        expect(caps.killElevated).toEqual({ available: false, reason: 'NetLens already runs as root' });
        expect(typeof caps.closeConnection.available).toBe('boolean');
        if (!caps.closeConnection.available) expect(caps.closeConnection.reason).toBeTruthy();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  const linuxSupport = async () => ({ ssPath: null, netAdmin: false, destroy: null });
  const elevation = async () => ({ available: true, reason: null });

  it('Windows: Close connection depends on running as administrator, asked of PowerShell', async () => {
    for (const [stdout, available] of [
      ['True\r\n', true],
      ['False\r\n', false],
    ] as const) {
      const calls: { file: string; args: readonly string[] }[] = [];
      const run = async (file: string, args: readonly string[]): Promise<CommandResult> => {
        calls.push({ file, args });
        return { code: 0, stdout, stderr: '', error: null };
      };
      const caps = await readCapabilities({ platform: 'win32', run, elevation, linuxSupport });
      expect(caps.closeConnection.available).toBe(available);
      if (!available) expect(caps.closeConnection.reason).toMatch(/administrator/);
      expect(calls).toEqual([
        { file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_ADMIN_SCRIPT] },
      ]);
    }
  });

  it('macOS: no Close connection, with the reason; other OSes: nothing', async () => {
    const run = async (): Promise<CommandResult> => ({ code: 0, stdout: '', stderr: '', error: null });
    const mac = await readCapabilities({ platform: 'darwin', run, elevation, linuxSupport });
    expect(mac.closeConnection).toEqual({
      available: false,
      reason: 'macOS has no public interface to close a single TCP connection',
    });
    const aix = await readCapabilities({ platform: 'aix', run, elevation, linuxSupport });
    expect(aix.kill.available).toBe(false);
    expect(aix.closeConnection.available).toBe(false);
  });
});
