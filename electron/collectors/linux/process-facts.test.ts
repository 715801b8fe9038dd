// The socket owners (which put a start time in every row) and the kill action's PID-reuse guard (which reads
// it again before signalling) must agree to the millisecond, or kill refuses every process as "restarted".
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test/until.js';
import { readProcessIdentity } from '../../actions/process-identity.js';
import { startNamedProcess, type NamedProcess } from '../../actions/test-support/named-process.js';
import {
  COMM_MAX_BYTES,
  parsePasswd,
  parseStatusUid,
  processName,
  processUserUid,
  userFromPasswd,
} from './process-facts.js';
import { SocketOwners } from './socket-owners.js';
import { UserNames } from './users.js';

// A name with spaces and both parentheses: the classic /proc/[pid]/stat trap, for both readers.
const TRICKY_NAME = 'core) x (y';

function socketInodes(pid: number): number[] {
  const out: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.push(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

describe.runIf(process.platform === 'linux')('one reading of a Linux process', () => {
  let named: NamedProcess;
  let child: ChildProcess;

  beforeAll(() => {
    named = startNamedProcess(
      '/usr/bin/socat',
      TRICKY_NAME,
      (dir) => [`UNIX-LISTEN:${join(dir, 'sock')}`, '/dev/null'],
      'core-process-facts-',
    );
    child = named.child;
  });

  afterAll(() => named.stop());

  it('gives the socket owners and the kill guard the same start time', async () => {
    const pid = child.pid!;
    const inodes = await until('the child listens', () => {
      const found = socketInodes(pid);
      return found.length > 0 ? found : null;
    });
    const users = new UserNames();
    await users.refresh();
    const owners = new SocketOwners(users);
    owners.update(inodes);
    const row = owners.processesOf(inodes[0]!).find((p) => p.pid === pid);
    const identity = await readProcessIdentity(pid);
    expect(row?.name).toBe(TRICKY_NAME);
    expect(identity?.name).toBe(TRICKY_NAME);
    expect(row?.startTime).not.toBeNull();
    expect(row?.startTime).toBe(identity?.startTime);
    expect(row?.user).toBe(identity?.user);
  });

  it('reads passwd the same way for both', () => {
    const passwd =
      '# comment\nroot:x:0:0::/root:/bin/sh\n:x:5:5::/:\nbad\nalice:x:1000:1000::/home/a:/bin/sh\nbob:x:1000:1::/:';
    expect([...parsePasswd(passwd)]).toEqual([
      [0, 'root'],
      [1000, 'alice'],
    ]);
    expect(userFromPasswd(passwd, 1000)).toBe('alice');
    expect(userFromPasswd(passwd, 5)).toBeNull();
    // Of the uids wanted only (a remote's rows): the others are not held.
    expect([...parsePasswd(passwd, new Set([1000, 7]))]).toEqual([[1000, 'alice']]);
  });
});

describe('the uids of a /proc/<pid>/status', () => {
  const status = 'Name:\tsshd\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\nUid:\t0\t74\t0\t74\nGid:\t0\t74\t0\t74\n';

  it('gives the user a process runs as from the effective uid (as ps -o user), the kill message the real one', () => {
    expect(processUserUid(status)).toBe(74);
    expect(parseStatusUid(status)).toBe(0);
  });

  it('reads nothing from a malformed Uid: line', () => {
    for (const bad of ['Uid:\t0\n', 'Uid:\t0\tx\t0\t0\n', 'Uid:\t0\t1\t2\t3\t4\n', 'Gid:\t0\t1\t2\t3\n', '']) {
      expect(processUserUid(bad)).toBeNull();
      expect(parseStatusUid(bad)).toBeNull();
    }
  });
});

describe('processName', () => {
  const comm = (text: string, cut = COMM_MAX_BYTES) =>
    Buffer.concat([Buffer.from(text, 'utf8').subarray(0, cut), Buffer.from('\n')]);

  it('drops a character the kernel cut in two, never shows it as U+FFFD', () => {
    const full = 'ünïcødé-сервер-日本語';
    // 15 bytes end inside е (ü, ï, ø, é, с and е take two bytes each): the name up to it, the full one from argv[0].
    expect(processName(comm(full), '', null)).toBe('ünïcødé-с');
    expect(processName(comm(full), `/tmp/x/${full} --flag`, null)).toBe(full);
    expect(processName(comm(full), '', `/tmp/x/${full} (deleted)`)).toBe(full);
  });

  it('gives the full name where comm was cut and argv[0] or the executable begins with it', () => {
    expect(processName(comm('chrome_crashpad_handler'), '/usr/lib/chromium/chrome_crashpad_handler --x', null)).toBe(
      'chrome_crashpad_handler',
    );
    expect(processName(comm('systemd-journald'), '', '/usr/lib/systemd/systemd-journald')).toBe('systemd-journald');
    // Shorter than 15 bytes: comm is whole, whatever argv[0] says.
    expect(processName(comm('sh'), '/bin/sh -c x', '/usr/bin/dash')).toBe('sh');
    expect(processName(comm('nginx'), 'nginx: worker process', null)).toBe('nginx');
    // A process that named itself (15 bytes) otherwise keeps its name.
    expect(processName(comm('worker-pool-001'), '/usr/bin/python3 app.py', '/usr/bin/python3.11')).toBe(
      'worker-pool-001',
    );
    expect(processName(Buffer.alloc(0), '/bin/x', null)).toBe('');
  });

  it('takes no argv[0] longer than a file name can be: a process may name itself with 4,096 bytes', () => {
    const long = `pythonpythonpyt${'b'.repeat(600)}`;
    expect(processName(comm(long), `${long} -c x`, '/usr/bin/python3.11')).toBe('pythonpythonpyt');
    const longest = `pythonpythonpyt${'b'.repeat(240)}`;
    expect(processName(comm(longest), longest, null)).toBe(longest);
  });
});
