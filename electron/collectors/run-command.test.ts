// Spawning tools with an argument array: output, a missing tool and a failing tool are values, never
// throws; the macOS and Windows collector sets are complete.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../shared/types.js';
import { until } from '../../test/until.js';
import { pidExists } from '../actions/process-identity.js';
import { KILL_GRACE_MS, commandCollector, run, runCommand, runQuietSync } from './run-command.js';
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

describe('run: one runner, typed results', () => {
  it('gives the exit code and both streams, whatever the code', async () => {
    const r = await run('sh', ['-c', 'printf out; printf err >&2; exit 3']);
    expect(r).toEqual({ status: 'exited', code: 3, stdout: 'out', stderr: 'err', truncated: false });
  });
  it('says how a run failed: not installed, timed out, killed by a signal', async () => {
    expect(await run('netlens-no-such-tool', [])).toMatchObject({
      status: 'failed',
      reason: 'not-installed',
      errno: 'ENOENT',
    });
    // A child that ignores SIGTERM still ends the run at the timeout.
    expect(await run('sh', ['-c', "trap '' TERM; sleep 5"], { timeoutMs: 200 })).toMatchObject({
      status: 'failed',
      reason: 'timeout',
    });
    expect(await run('sh', ['-c', 'kill -KILL $$'])).toMatchObject({ status: 'failed', reason: 'signal' });
  });
  it('does not leave a child that ignores SIGTERM running after the timeout: SIGKILL follows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-command-'));
    try {
      const pidFile = join(dir, 'pid');
      // exec keeps the ignored SIGTERM: the pid written is the one that would linger for 60 s.
      const r = await run('sh', ['-c', `trap '' TERM; printf $$ > ${pidFile}; exec sleep 60`], { timeoutMs: 300 });
      expect(r).toMatchObject({ status: 'failed', reason: 'timeout' });
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await until('the child killed', () => !pidExists(pid), 10 * KILL_GRACE_MS, 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('caps the output, decodes it and passes environment entries as data', async () => {
    const capped = await run('head', ['-c', '100000', '/dev/zero'], { maxBytes: 1000 });
    expect(capped).toMatchObject({ status: 'exited', truncated: true });
    expect(capped.stdout.length).toBe(1000);
    const latin1 = await run('printf', ['\\374'], { decode: (b) => b.toString('latin1') });
    expect(latin1.stdout).toBe('ü');
    const env = await run('sh', ['-c', 'printf %s "$CORE_VALUE"'], { env: { CORE_VALUE: '$(id); `id`' } });
    expect(env.stdout).toBe('$(id); `id`');
  });
  it.skipIf(process.platform !== 'linux')(
    'spools stdout and stderr to files: the child gets no socket of this process (no pipe)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'netlens-run-test-'));
      try {
        // The child lists what its stdout and stderr are: files, where a pipe would be a socket.
        const script = 'readlink /proc/$$/fd/1; readlink /proc/$$/fd/2 >&2; printf more >&2; exit 2';
        const r = await run('sh', ['-c', script], {
          stdoutFile: join(dir, 'out'),
          stderrFile: join(dir, 'err'),
        });
        expect(r).toEqual({
          status: 'exited',
          code: 2,
          stdout: `${join(dir, 'out')}\n`,
          stderr: `${join(dir, 'err')}\nmore`,
          truncated: false,
        });
        const piped = await run('sh', ['-c', 'readlink /proc/$$/fd/2 >&2']);
        expect(piped.stderr).toMatch(/^socket:\[\d+\]/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('runQuietSync: a run the caller waits for', () => {
  it('is true only for a program that exits 0 within its time, with its arguments passed without a shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-run-sync-'));
    try {
      const made = join(dir, 'a b; touch pwned');
      expect(runQuietSync('touch', ['--', made])).toBe(true);
      expect(readFileSync(made, 'utf8')).toBe('');
      expect(runQuietSync('sh', ['-c', `test -e "${join(dir, 'pwned')}"`])).toBe(false);
      expect(runQuietSync('false', [])).toBe(false);
      expect(runQuietSync('netlens-no-such-program', [])).toBe(false);
      // Killed at its timeout, however long it would have run.
      expect(runQuietSync('sleep', ['30'], 100)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
