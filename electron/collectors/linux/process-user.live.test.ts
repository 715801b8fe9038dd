// Live, as root: the user a socket's process runs as is its effective uid's, as `ps -o user` says, both here
// (the local collector) and on a remote host (the remote script, run here by a stand-in for ssh). The child is
// a process that is not dumpable (it changed its effective uid, and calls prctl(PR_SET_DUMPABLE, 0) as sshd's
// privilege-separated children do): the kernel makes the files of its /proc/<pid> root's (the folder itself
// too before Linux 4.11), and its real uid is root, so neither names the user it runs as.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { LinuxConnectionsCollector } from '../connections/linux.js';
import { RemoteHost, remoteCollectors } from '../../remote/host.js';
import { fakeSshFolder } from '../../remote/testing/fake-ssh.js';

const NOBODY = 65534;
const usable =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('ss', ['-V']).status === 0 &&
  spawnSync('python3', ['-c', 'import ctypes']).status === 0 &&
  spawnSync('id', ['-nu', String(NOBODY)], { encoding: 'utf8' }).stdout.trim() === 'nobody';

// Real and saved uid root, effective uid nobody, not dumpable; a listener on loopback; prints its port.
const CHILD = `
import ctypes, os, socket, sys
os.setresuid(0, ${NOBODY}, 0)
ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`;

const fakes = fakeSshFolder();

describe.skipIf(!usable)('the user of a process that is not dumpable', () => {
  let child: ChildProcess;
  let port = 0;
  let host: RemoteHost;

  beforeAll(async () => {
    child = spawn('python3', ['-c', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the child exited (${String(code)})`)));
    });
    port = Number(line);
    host = new RemoteHost({
      destination: 'fake',
      intervalMs: 500,
      ssh: fakes.make('ok', 'exec sh -s -- 0.5 0'),
      reconnect: false,
    });
  }, 20_000);

  afterAll(async () => {
    child?.kill();
    await host?.close();
    fakes.remove();
  });

  const listenerUser = (rows: Connection[]) => {
    const row = rows.find((r) => r.state === 'LISTEN' && r.localPort === port);
    return row?.processes.map((p) => [p.pid, p.user]);
  };

  it('is a real case: ps shows nobody as its user and root as its real user, /proc/<pid>/status is root', () => {
    const ps = spawnSync('ps', ['-o', 'user=,ruser=', '-p', String(child.pid)], { encoding: 'utf8' });
    expect(ps.stdout.trim().split(/\s+/)).toEqual(['nobody', 'root']);
    expect(statSync(`/proc/${child.pid}/status`).uid).toBe(0);
  });

  it('is the effective uid here, as ps says', async () => {
    const collector = new LinuxConnectionsCollector({ tables: ['tcp'] });
    const { rows } = await collector.read();
    expect(listenerUser(rows)).toEqual([[child.pid, 'nobody']]);
  }, 20_000);

  it('is the effective uid on a remote host, as ps says there', async () => {
    const { rows } = await remoteCollectors(host).connections.read();
    expect(listenerUser(rows)).toEqual([[child.pid, 'nobody']]);
  }, 20_000);
});
