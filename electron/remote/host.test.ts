// RemoteHost with a stand-in for ssh (a shell script that runs the remote script locally, or misbehaves on
// purpose): reasons for a remote that is not Linux, a frame cut off mid-way, garbage instead of frames; the
// private control directory; and the reconnection after a drop.
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../test/until.js';
import { RemoteHost, type RemoteStatus } from './host.js';
import { fakeSshFolder } from './testing/fake-ssh.js';

const fakes = fakeSshFolder();
const { dir } = fakes;
const fakeSsh = fakes.make;
afterAll(() => fakes.remove());

function host(
  ssh: string,
  extra: Partial<ConstructorParameters<typeof RemoteHost>[0]> = {},
): { host: RemoteHost; states: RemoteStatus[] } {
  const states: RemoteStatus[] = [];
  const h = new RemoteHost({
    destination: 'fake',
    intervalMs: 200,
    ssh,
    reconnect: false,
    onStatus: (s) => states.push(s),
    ...extra,
  });
  return { host: h, states };
}

describe.skipIf(process.platform !== 'linux')('RemoteHost', () => {
  it('reads frames through ssh from a private control directory, and removes it when closed', async () => {
    const { host: h } = host(fakeSsh('ok', 'exec sh -s -- 0.2 0'));
    const controlPath = h
      .sshArgs()
      .find((a) => a.startsWith('ControlPath='))!
      .slice('ControlPath='.length);
    const controlDir = controlPath.slice(0, controlPath.lastIndexOf('/'));
    expect(statSync(controlDir).mode & 0o777).toBe(0o700);
    expect(h.sshArgs()).toEqual(expect.arrayContaining(['BatchMode=yes', 'ControlMaster=auto', 'ControlPersist=60']));
    const routes = await h.read('routes');
    expect(routes.rows.length).toBeGreaterThan(0);
    expect(h.status.state).toBe('connected');
    await h.close();
    expect(existsSync(controlDir)).toBe(false);
  });

  it('says when the remote is not Linux', async () => {
    // uname answers FreeBSD: the script stops before its first frame.
    writeFileSync(join(dir, 'uname'), '#!/bin/sh\necho FreeBSD\n');
    chmodSync(join(dir, 'uname'), 0o755);
    const { host: h } = host(fakeSsh('bsd', `PATH=${dir}:$PATH exec sh -s -- 0.2 0`));
    await expect(h.read('connections')).rejects.toThrow('fake: remote is not Linux (FreeBSD)');
    expect(h.status).toMatchObject({ state: 'disconnected', reason: 'remote is not Linux (FreeBSD)' });
    await h.close();
  });

  it('never uses a frame cut off by the connection, and names what ssh said', async () => {
    const cut = fakeSsh(
      'cut',
      `printf 'NETLENS-HELLO 1 0 0 0 0\\nNETLENS-BEGIN 1 2\\nNETLENS-SECTION net/tcp ok 4\\nabcd'; echo 'Connection reset by peer' >&2; exit 255`,
    );
    const { host: h } = host(cut);
    await expect(h.read('connections')).rejects.toThrow('fake: connection lost');
    await h.close();
  });

  it('drops a stream that is not frames', async () => {
    const { host: h } = host(fakeSsh('garbage', `echo 'Welcome to our server!'; exec sleep 30`));
    await expect(h.read('statistics')).rejects.toThrow(/unexpected output from the remote/);
    await h.close();
  });

  it('comes back after a silence longer than its timeout, however long the new connection takes to answer', async () => {
    // The first connection sends a frame and then nothing (a host gone without a word: the watchdog ends it after
    // 15 s); every later one takes 2 s before its first frame. The watchdog once measured a new attempt from the
    // old connection's last frame and killed each within a second: the host never came back.
    const marker = join(dir, 'silent-once');
    const slow = fakeSsh(
      'silent-then-slow',
      `if [ ! -e ${marker} ]; then touch ${marker}; sh -s -- 0.2 1; exec sleep 60; fi\nsleep 2\nexec sh -s -- 0.2 0`,
    );
    const { host: h, states } = host(slow, { reconnect: true });
    await until('the silence to be given up', () => states.some((s) => s.state === 'disconnected'), 30_000, 50);
    expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(/^timeout: nothing from fake/);
    await until('a second connection', () => states.filter((s) => s.state === 'connected').length >= 2, 20_000, 50);
    await h.close();
  }, 60_000);

  it('reconnects after a drop, with the reason shown meanwhile', async () => {
    // The first connection dies after one frame; the next ones live.
    const marker = join(dir, 'dropped-once');
    const flaky = fakeSsh(
      'flaky',
      `if [ ! -e ${marker} ]; then touch ${marker}; exec sh -s -- 0.2 1; fi\nexec sh -s -- 0.2 0`,
    );
    const { host: h, states } = host(flaky, { reconnect: true });
    await until('a second connection', () => states.filter((s) => s.state === 'connected').length >= 2, 20_000, 20);
    const drop = states.find((s) => s.state === 'disconnected');
    expect(drop?.reason).toMatch(/connection lost|exited/);
    expect((await h.read('multicast')).diagnostics).toBeDefined();
    await h.close();
  });
});
