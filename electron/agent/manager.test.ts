// The session's agent: one prompt for concurrent requests, remembered once running, a notice for each turn
// (started, refused, stopped), and the collectors' owner source switched with it. (The actions asking it for
// what this process may not do: test/e2e/agent.test.ts.)
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol.js';
import { until } from '../../test/until.js';
import type { PrivilegedOwners } from '../collectors/linux/socket-owners.js';
import { AgentClient } from './client.js';
import { createAgentManager } from './manager.js';

const HELLO = JSON.stringify({ v: 2, type: 'hello', pid: 4242, uid: 0, appVersion: 'x' });
/** A fake agent: hello, then answers owners with one process for every inode, until stdin closes. */
const FAKE_AGENT = `
  process.stdout.write(${JSON.stringify(HELLO)} + '\\n');
  let buf = '';
  process.stdin.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { const r = JSON.parse(buf.slice(0, i)); buf = buf.slice(i + 1);
    if (r.method === 'owners') process.stdout.write(JSON.stringify({ v: 2, type: 'result', id: r.id, ok: true, result: { processes: [{ pid: 7, name: 'sshd', cmdline: 'sshd', exe: null, user: 'root', startTime: 1 }], owners: r.params.inodes.map((n) => [n, [0]]) } }) + '\\n');
    if (r.method === 'kill') process.stdout.write(JSON.stringify({ v: 2, type: 'result', id: r.id, ok: true, result: { outcome: 'killed', message: 'killed by the agent' } }) + '\\n');
    if (r.method === 'garbage') process.stdout.write('garbage\\n');
  } });
  process.stdin.on('end', () => process.exit(0));
`;

function setup(command: string[], agent: string[] | null = null) {
  const notices: ServerMessage[] = [];
  const sources: (PrivilegedOwners | null)[] = [];
  let starts = 0;
  const manager = createAgentManager({
    invocation: () => command,
    plan: async () => ({ available: true, prefix: [], via: 'test', agent }),
    setOwnerSource: (s) => sources.push(s),
    notify: (m) => notices.push(m),
    log: () => {},
    startClient: (o) => {
      starts++;
      return new AgentClient(o);
    },
  });
  return { manager, notices, sources, starts: () => starts };
}

const codes = (notices: ServerMessage[]) => notices.map((n) => (n.type === 'notice' ? n.code : n.type));

describe('agent manager', () => {
  it('starts once for concurrent requests, stays running for the session, and serves owners', async () => {
    const { manager, notices, sources, starts } = setup([process.execPath, '-e', FAKE_AGENT]);
    try {
      const [a, b] = await Promise.all([manager.elevate(), manager.elevate()]);
      expect([a.state, b.state]).toEqual(['running', 'running']);
      expect((await manager.elevate()).state).toBe('running');
      expect(starts()).toBe(1);
      expect(codes(notices)).toEqual(['agent-started']);
      expect(sources).toEqual([manager.owners]);
      expect((await manager.owners.owners([11]))?.owners).toEqual([[11, [0]]]);
    } finally {
      manager.stop();
    }
  });

  it("starts the plan's own agent command where the elevation allows no other (the deb's wrapper)", async () => {
    const { manager, notices } = setup(['/nonexistent/netlens-host-invocation'], [process.execPath, '-e', FAKE_AGENT]);
    try {
      expect((await manager.elevate()).state).toBe('running');
      expect(codes(notices)).toEqual(['agent-started']);
    } finally {
      manager.stop();
    }
  });

  it('a refused start is a notice and a failed state that may be tried again', async () => {
    const { manager, notices, sources } = setup([
      process.execPath,
      '-e',
      "process.stderr.write('sudo: a password is required\\n'); process.exit(1)",
    ]);
    const status = await manager.elevate();
    expect(status.state).toBe('failed');
    expect(status.message).toMatch(/sudo needs a password/);
    expect(codes(notices)).toEqual(['agent-refused']);
    expect(sources).toEqual([]);
    expect(await manager.owners.owners([1])).toBeNull();
    expect(manager.actions()).toBeNull();
    expect((await manager.elevate()).state).toBe('failed');
    expect(codes(notices)).toEqual(['agent-refused', 'agent-refused']);
  });

  it('an agent that dies is a notice; the owner source is withdrawn and the choice can be made again', async () => {
    const { manager, notices, sources } = setup([
      process.execPath,
      '-e',
      `${FAKE_AGENT}; setTimeout(() => process.exit(3), 300)`,
    ]);
    await manager.elevate();
    await until('the stop notice', () => notices.length === 2, 10_000, 20);
    expect(codes(notices)).toEqual(['agent-started', 'agent-stopped']);
    expect(sources).toEqual([manager.owners, null]);
    const status = await manager.status();
    expect(status.state).toBe('failed');
    expect(status.message).toBe('the NetLens agent exited (code 3)');
  });

  it('invalid lines from the agent are counted in its status, with a notice at 1, 10 and 100 of them', async () => {
    const garbage = `${FAKE_AGENT}; let n = 0; const t = setInterval(() => { process.stdout.write('garbage ' + (++n) + '\\n'); if (n === 12) clearInterval(t); }, 5);`;
    const { manager, notices } = setup([process.execPath, '-e', garbage]);
    try {
      await manager.elevate();
      await until('12 rejected lines', async () => (await manager.status()).rejectedLines === 12, 10_000, 20);
      const texts = notices.flatMap((n) => (n.type === 'notice' && n.code === 'agent-rejected' ? [n.text] : []));
      expect(texts).toEqual([
        'The NetLens administrator helper sent 1 invalid message; it was ignored.',
        'The NetLens administrator helper sent 10 invalid messages; they were ignored.',
      ]);
      expect((await manager.status()).state).toBe('running');
    } finally {
      manager.stop();
    }
  });

  it('no way to elevate: a failed state with the reason, nothing started', async () => {
    const manager = createAgentManager({
      invocation: () => ['x'],
      plan: async () => ({ available: false, reason: 'pkexec is not installed' }),
      log: () => {},
    });
    expect(await manager.elevate()).toMatchObject({
      state: 'failed',
      message: 'pkexec is not installed',
      elevation: { available: false, reason: 'pkexec is not installed' },
    });
  });
});
