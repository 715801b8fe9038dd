import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cached } from './capabilities.js';
import { findExecutable, interpretElevatedResult, linuxElevationCapability, polkitAgentRunning } from './elevate.js';

describe('can Kill as administrator be offered (Linux)?', () => {
  const full = { uid: 1000, pkexecPath: '/usr/bin/pkexec', agentRunning: true, graphicalSession: true };

  it('needs pkexec and a polkit agent or a graphical session, and says which is missing', () => {
    expect(linuxElevationCapability(full)).toEqual({ available: true, reason: null });
    expect(linuxElevationCapability({ ...full, agentRunning: false })).toEqual({ available: true, reason: null });
    expect(linuxElevationCapability({ ...full, pkexecPath: null }).reason).toMatch(/pkexec is not installed/);
    const headless = linuxElevationCapability({ ...full, agentRunning: false, graphicalSession: false });
    expect(headless.available).toBe(false);
    expect(headless.reason).toMatch(/no polkit authentication agent/);
    expect(linuxElevationCapability({ ...full, uid: 0 })).toEqual({
      available: false,
      reason: 'NetLens already runs as root',
    });
  });

  it('finds executables the way the shell would, without a shell', async () => {
    const which = spawnSync('sh', ['-c', 'command -v ss'], { encoding: 'utf8' }).stdout.trim();
    expect(await findExecutable('ss')).toBe(which || null);
    expect(await findExecutable('netlens-no-such-program')).toBeNull();
  });

  it('sees no polkit agent in a /proc that has none', async () => {
    expect(await polkitAgentRunning('/nonexistent')).toBe(false);
  });
});

describe('elevation helper exits', () => {
  const r = (code: number | null, stderr = '') => ({ code, stdout: '', stderr, error: null });
  it('pkexec: 126 dismissed, 127 no agent, kill "No such process" gone', () => {
    expect(interpretElevatedResult('linux', r(0)).kind).toBe('done');
    expect(interpretElevatedResult('linux', r(126)).kind).toBe('cancelled');
    expect(
      interpretElevatedResult(
        'linux',
        r(127, 'Error executing command as another user: No authentication agent found.'),
      ),
    ).toEqual({
      kind: 'failed',
      message: 'pkexec could not authenticate: Error executing command as another user: No authentication agent found.',
    });
    expect(interpretElevatedResult('linux', r(1, 'kill: (4242) - No such process')).kind).toBe('gone');
  });
  it('osascript: user canceled (-128); UAC cancelled; taskkill 128 gone', () => {
    expect(interpretElevatedResult('darwin', r(1, '0:93: execution error: User canceled. (-128)')).kind).toBe(
      'cancelled',
    );
    expect(
      interpretElevatedResult(
        'win32',
        r(1, 'Start-Process : This command cannot be run due to the error: The operation was canceled by the user.'),
      ).kind,
    ).toBe('cancelled');
    expect(interpretElevatedResult('win32', r(128)).kind).toBe('gone');
    expect(
      interpretElevatedResult('win32', {
        code: null,
        stdout: '',
        stderr: '',
        error: Object.assign(new Error('spawn powershell.exe ENOENT'), { code: 'ENOENT' }),
      }).kind,
    ).toBe('failed');
  });
});

describe('cached probes', () => {
  it('answers from the cache within its lifetime, probes again after it and after a failure', async () => {
    let t = 0;
    let calls = 0;
    let fail = true;
    const probe = cached(
      async () => {
        calls++;
        if (fail) throw new Error('first probe fails');
        return calls;
      },
      1000,
      () => t,
    );
    await expect(probe()).rejects.toThrow(/fails/);
    fail = false;
    expect(await probe()).toBe(2);
    t = 500;
    expect(await probe()).toBe(2);
    t = 1501;
    expect(await probe()).toBe(3);
  });
});
