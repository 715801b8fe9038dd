// The backend as an unprivileged user: another user's process is "denied" (with whether Kill as
// administrator could be offered, and why not), nothing is elevated, and Close connection is unavailable
// without CAP_NET_ADMIN.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capabilities, CloseResult, KillResult } from '../../shared/protocol.js';
import { readProcessIdentity } from './process-identity.js';
import { dropPrivilegesPrefix, prepareAsUser, type AsUser, NOBODY } from './test-support/as-user.js';

const prefix = process.platform === 'linux' ? dropPrivilegesPrefix() : null;

describe.runIf(prefix !== null)('actions as an unprivileged user (nobody)', () => {
  let asUser: AsUser;
  let rootOwned: ChildProcess;

  beforeAll(async () => {
    asUser = await prepareAsUser(prefix!);
    rootOwned = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((r) => rootOwned.once('spawn', r));
  });

  afterAll(() => {
    rootOwned?.kill('SIGKILL');
    asUser?.dispose();
  });

  it('reports permission denied on a root-owned process, attempts no elevation, and the process lives', async () => {
    const pid = rootOwned.pid!;
    const startTime = (await readProcessIdentity(pid))!.startTime;
    const out = asUser.run('kill', { pid, startTime, signal: 'KILL', elevate: false });
    expect(out.uid).toBe(NOBODY);
    const result = out.result as KillResult;
    expect(result.outcome).toBe('denied');
    expect(result.message).toMatch(/permission denied/);
    expect(result.message).toContain('belongs to root');
    expect(result.elevation).toBeDefined();
    if (!result.elevation!.available) expect(result.elevation!.reason).toBeTruthy();
    expect(out.commands).toEqual([]);
    expect(rootOwned.exitCode).toBeNull();
    expect(rootOwned.signalCode).toBeNull();
    expect((await readProcessIdentity(pid))?.startTime).toBe(startTime);
  });

  it('capabilities: no Close connection without CAP_NET_ADMIN, with the reason', () => {
    const caps = asUser.run('capabilities', {}).result as Capabilities;
    expect(caps.kill.available).toBe(true);
    expect(caps.closeConnection).toEqual({ available: false, reason: expect.stringMatching(/CAP_NET_ADMIN/) });
    expect(caps.killElevated.available || Boolean(caps.killElevated.reason)).toBe(true);
  });

  it('Close connection is denied without CAP_NET_ADMIN and runs nothing', () => {
    const out = asUser.run('closeConnection', {
      proto: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.1',
      localPort: 40000,
      remoteAddress: '127.0.0.1',
      remotePort: 40001,
    });
    expect((out.result as CloseResult).outcome).toBe('denied');
    expect(out.commands).toEqual([]);
  });
});
