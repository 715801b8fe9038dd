// The remote kill and close scripts, run here through a login shell as ssh would run them there (the
// command string to `sh -c`): the guard refuses a start time that is not the process's, a thread and a pid
// that is gone, and signals the process it confirmed; arguments that are not plain tokens never reach a shell.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RunCommand } from './command.js';
import { readProcessIdentity } from './process-identity.js';
import { closeRemote, killRemote, remoteCommand } from './remote.js';

/** Runs the remote command (the last argv entry ssh would send) with this machine's sh, as ssh's remote end. */
const here: RunCommand = (_file, args) =>
  new Promise((resolve) => {
    const child = spawn('sh', ['-c', args[args.length - 1]!], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, error: null }));
  });

function sleeper() {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { child, exited };
}

describe.skipIf(process.platform !== 'linux')('remote actions', () => {
  it('kills the process it confirmed on the host, and refuses one whose start time changed', async () => {
    const { child, exited } = sleeper();
    try {
      const id = await readProcessIdentity(child.pid!);
      const base = { pid: child.pid!, signal: 'TERM' as const, elevate: false };
      const changed = await killRemote(here, [], 'web1', { ...base, startTime: id!.startTime! + 10 });
      expect(changed.result.outcome).toBe('refused');
      expect(changed.result.message).toBe(`the process has exited; PID ${child.pid} on web1 now belongs to sleep`);
      expect(child.exitCode).toBeNull();
      const unknown = await killRemote(here, [], 'web1', { ...base, startTime: null });
      expect(unknown.result.outcome).toBe('refused');
      const killed = await killRemote(here, [], 'web1', { ...base, startTime: id!.startTime });
      expect(killed.result).toEqual({ outcome: 'killed', message: `Terminated sleep (PID ${child.pid}) on web1` });
      expect(killed.name).toBe('sleep');
      await exited;
      const gone = await killRemote(here, [], 'web1', { ...base, startTime: id!.startTime });
      expect(gone.result.outcome).toBe('gone');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is not fooled by a process name with a newline, and shows names inert', async () => {
    // A process that ignores SIGTERM and names itself "x\nexited y" (its comm, as any user may set it).
    const child = spawn(
      'sh',
      ['-c', `trap '' TERM; printf 'x\\nexited y' > /proc/$$/comm; echo ready; while :; do sleep 0.2; done`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      await new Promise<void>((r) => child.stdout!.once('data', () => r()));
      const id = await readProcessIdentity(child.pid!);
      expect(id!.name).toBe('x\nexited y');
      const r = await killRemote(here, [], 'web1', {
        pid: child.pid!,
        startTime: id!.startTime,
        signal: 'TERM',
        elevate: false,
      });
      expect(r.result.outcome).toBe('alive');
      expect(r.result.message).toBe(
        `x\\nexited y (PID ${child.pid}) on web1 is still running after SIGTERM: Force kill?`,
      );
      // A name with a bidi override cannot reorder the sentence.
      const bidi = spawn('sh', ['-c', `printf 'a\u202eb' > /proc/$$/comm; echo ready; while :; do sleep 1; done`], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      await new Promise<void>((r) => bidi.stdout!.once('data', () => r()));
      const changed = await killRemote(here, [], 'web1', {
        pid: bidi.pid!,
        startTime: 1,
        signal: 'TERM',
        elevate: false,
      }).finally(() => bidi.kill('SIGKILL'));
      expect(changed.result.message).toBe(`the process has exited; PID ${bidi.pid} on web1 now belongs to a\\u202eb`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses PID 1 and a thread, and says when the host cannot be reached', async () => {
    const init = await killRemote(here, [], 'web1', { pid: 1, startTime: 0, signal: 'KILL', elevate: false });
    expect(init.result.outcome).toBe('refused');
    // A thread of this process (node's worker threads have their own tids).
    const tid = (await import('node:fs'))
      .readdirSync(`/proc/${process.pid}/task`)
      .map(Number)
      .find((t) => t !== process.pid)!;
    const thread = await killRemote(here, [], 'web1', { pid: tid, startTime: 0, signal: 'TERM', elevate: false });
    expect(thread.result.message).toBe(`PID ${tid} on web1 is a thread, not a process`);
    const down: RunCommand = async () => ({
      code: 255,
      stdout: '',
      stderr: 'ssh: connect to host web1: Connection refused',
      error: null,
    });
    const failed = await killRemote(down, [], 'web1', { pid: 4242, startTime: 1, signal: 'TERM', elevate: false });
    expect(failed.result).toEqual({
      outcome: 'failed',
      message: 'could not reach web1: ssh: connect to host web1: Connection refused',
    });
  });

  it('shows what a hostile host prints inert and short when an action fails there', async () => {
    // The remote's login shell, its banner or its ss may print anything: escapes, bidi overrides, megabytes.
    const hostile = `\u001b]0;owned\u0007\u202eevil\n${'x'.repeat(1_000_000)}`;
    const says =
      (stdout: string, stderr: string): RunCommand =>
      async () => ({ code: 1, stdout, stderr, error: null });
    const kill = await killRemote(says('', hostile), [], 'web1', {
      pid: 4242,
      startTime: 1,
      signal: 'TERM',
      elevate: false,
    });
    const close = await closeRemote(says(`${hostile}\nfailed`, ''), [], 'web1', {
      proto: 'tcp',
      family: 'inet',
      localAddress: '10.0.0.2',
      localPort: 22,
      remoteAddress: '10.0.0.1',
      remotePort: 5000,
    });
    for (const { result } of [kill, close]) {
      expect(result.outcome).toBe('failed');
      expect(result.message).toContain('\\x1b]0;owned\\x07\\u202eevil\\nxxx');
      expect(result.message).not.toMatch(/[\u0000-\u001f\u202e]/);
      expect(result.message.length).toBeLessThan(500);
    }
    // A name after the verdict is a comm there (15 bytes), or whatever a hostile host prints: cut short too.
    const named = await killRemote(says(`NETLENS-RESULT exited\n${hostile}`, ''), [], 'web1', {
      pid: 4242,
      startTime: 1,
      signal: 'TERM',
      elevate: false,
    });
    expect(named.result.outcome).toBe('killed');
    expect(named.result.message.length).toBeLessThan(500);
    expect(named.name!.length).toBeLessThan(500);
  });

  it('puts only plain tokens into the command string', () => {
    expect(remoteCommand('true', 'x', ['123', '[::1]', ':22', '='])).toBe("sh -c 'true' x '123' '[::1]' ':22' '='");
    for (const bad of ["a'b", 'a b', '$(id)', '`id`', 'a;b', '', 'a\\b']) {
      expect(() => remoteCommand('true', 'x', [bad])).toThrow(/not a safe argument/);
    }
  });

  it('closes only an established connection, through ss there', async () => {
    const bad = await closeRemote(here, [], 'web1', {
      proto: 'tcp',
      family: 'inet',
      localAddress: '0.0.0.0',
      localPort: 22,
      remoteAddress: '10.0.0.1',
      remotePort: 5000,
    });
    expect(bad.result.outcome).toBe('failed');
    // A tuple no socket has: ss -K destroys nothing.
    const none = await closeRemote(here, [], 'web1', {
      proto: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.1',
      localPort: 1,
      remoteAddress: '127.0.0.1',
      remotePort: 2,
    });
    expect(none.result.outcome).toBe('gone');
    expect(none.target).toBe('127.0.0.1:1 → 127.0.0.1:2');
    expect(none.result.message).toBe(
      '127.0.0.1:1 → 127.0.0.1:2 on web1 is not open now (gone, or closed at both ends)',
    );
  });
});
