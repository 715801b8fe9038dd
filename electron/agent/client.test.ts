// NetLens's side of the agent protocol against fake agents (small Node scripts): garbage is dropped and
// counted, never trusted or fatal; an agent that dies or never starts is reported with the reason; requests
// in flight fail instead of hanging.
import { describe, expect, it } from 'vitest';
import { until } from '../../test/until.js';
import { AgentClient, MAX_REJECTED_FROM_AGENT, inertText, refusalReason } from './client.js';

const HELLO = JSON.stringify({ v: 2, type: 'hello', pid: 4242, uid: 0, appVersion: 'x' });

/** A fake agent: `script` runs in Node with `hello` and `answer(id, result)` helpers and stdin lines as `lines`. */
function fake(
  script: string,
  onRejected?: (n: number) => void,
  onExit?: (r: string) => void,
  requestTimeoutMs?: number,
): AgentClient {
  const prelude = `
    const out = (m) => process.stdout.write(typeof m === 'string' ? m : JSON.stringify(m) + '\\n');
    const answer = (id, result) => out({ v: 2, type: 'result', id, ok: true, result });
    const lines = [];
    let onLine = () => {};
    let buf = '';
    process.stdin.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { const l = JSON.parse(buf.slice(0, i)); buf = buf.slice(i + 1); lines.push(l); onLine(l); } });
    process.stdin.on('end', () => process.exit(0));
  `;
  return new AgentClient({
    command: [process.execPath, '-e', `${prelude}\n${script}`],
    log: () => {},
    ...(onRejected ? { onRejected } : {}),
    ...(onExit ? { onExit } : {}),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
}

describe('AgentClient against fake agents', () => {
  it('drops and counts garbage, invalid answers and answers to nothing, and still serves valid ones', async () => {
    const counts: number[] = [];
    const client = fake(
      `out(${JSON.stringify(HELLO)} + '\\n');
       onLine = (req) => {
         out('not json at all\\n');
         out({ v: 2, type: 'result', id: 999, ok: true, result: {} });
         out({ v: 9, type: 'result', id: req.id, ok: true, result: {} });
         out({ v: 2, type: 'exec', cmd: 'rm -rf /' });
         out('\\u001b]0;evil\\u0007\\n');
         if (req.params.inodes[0] === 1) answer(req.id, { processes: [], owners: [[5, [3]]] });
         else answer(req.id, { processes: [{ pid: 7, name: 'sshd', cmdline: 'sshd', exe: null, user: 'root', startTime: 1 }], owners: [[5, [0]]] });
       };`,
      (n) => counts.push(n),
    );
    try {
      await client.ready;
      await expect(client.owners([1])).rejects.toThrow(/invalid answer \(owners result: index out of range\)/);
      const good = await client.owners([5]);
      expect(good.owners).toEqual([[5, [0]]]);
      // Per request: five garbage lines; the first request's answer was itself invalid (a sixth).
      expect(client.stats.rejected).toBe(11);
      expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(client.running).toBe(true);
    } finally {
      client.stop();
    }
  });

  it('puts an owners answer together from its parts, and refuses a part of any other answer', async () => {
    const proc = (pid: number) => ({ pid, name: 'p', cmdline: 'p', exe: null, user: 'nobody', startTime: pid });
    const client = fake(
      `out(${JSON.stringify(HELLO)} + '\\n');
       onLine = (req) => {
         if (req.method === 'capabilities') {
           out({ v: 2, type: 'part', id: req.id, processes: [], owners: [] });
           return out({ v: 2, type: 'result', id: req.id, ok: false, error: 'no' });
         }
         out({ v: 2, type: 'part', id: req.id, processes: [${JSON.stringify(proc(7))}], owners: [] });
         out({ v: 2, type: 'part', id: req.id, processes: [${JSON.stringify(proc(8))}], owners: [[5, [0, 1]]] });
         answer(req.id, { processes: [${JSON.stringify(proc(9))}], owners: [[6, [2]]] });
       };`,
    );
    try {
      await client.ready;
      expect(await client.owners([5, 6])).toEqual({
        processes: [proc(7), proc(8), proc(9)],
        owners: [
          [5, [0, 1]],
          [6, [2]],
        ],
      });
      await expect(client.capabilities()).rejects.toThrow('no');
      expect(client.stats.rejected).toBe(1);
    } finally {
      client.stop();
    }
  });

  it('drops the parts of an answer that came too late without counting them, and goes on serving', async () => {
    const client = fake(
      `out(${JSON.stringify(HELLO)} + '\\n');
       onLine = (req) => {
         if (req.method === 'capabilities') return answer(req.id, { kill: { available: true, reason: null }, killElevated: { available: true, reason: null }, closeConnection: { available: true, reason: null } });
         setTimeout(() => {
           for (let i = 0; i < 80; i++) out({ v: 2, type: 'part', id: req.id, processes: [], owners: [[i + 1, []]] });
           answer(req.id, { processes: [], owners: [] });
         }, 400);
       };`,
      undefined,
      undefined,
      100,
    );
    try {
      await client.ready;
      await expect(client.owners([1])).rejects.toThrow(/did not answer owners in time/);
      await new Promise((r) => setTimeout(r, 800));
      // On main: 81 lines taken for answers to nothing asked, and the agent stopped at 50.
      expect(client.stats.rejected).toBe(0);
      expect(client.running).toBe(true);
      expect((await client.capabilities()).kill.available).toBe(true);
    } finally {
      client.stop();
    }
  });

  it(`stops an agent that sends ${MAX_REJECTED_FROM_AGENT} invalid lines, and its pending requests fail`, async () => {
    let exitReason = '';
    const client = fake(
      `out(${JSON.stringify(HELLO)} + '\\n'); onLine = () => { for (let i = 0; i < 200; i++) out('{"garbage":' + i + '}\\n'); };`,
      undefined,
      (r) => (exitReason = r),
    );
    await client.ready;
    await expect(client.owners([1])).rejects.toThrow(/exited/);
    expect(client.stats.rejected).toBeGreaterThanOrEqual(MAX_REJECTED_FROM_AGENT);
    expect(client.running).toBe(false);
    expect(exitReason).toMatch(/^the NetLens agent exited/);
  });

  it('a line before hello does not count as a hello; an agent that never says it is refused when it exits', async () => {
    const client = fake(
      `out({ v: 2, type: 'result', id: 1, ok: true, result: {} }); process.stderr.write('sudo: a password is required\\n'); process.exit(1);`,
    );
    await expect(client.ready).rejects.toThrow(
      /sudo needs a password it cannot ask for here \(sudo: a password is required\)/,
    );
    expect(client.stats.rejected).toBe(1);
    await expect(client.owners([1])).rejects.toThrow(/password/);
  });

  it('an agent killed mid-request fails that request with the reason, without hanging', async () => {
    let exitReason = '';
    const client = fake(
      `out(${JSON.stringify(HELLO)} + '\\n'); onLine = () => process.kill(process.pid, 'SIGKILL');`,
      undefined,
      (r) => (exitReason = r),
    );
    await client.ready;
    await expect(client.owners([1])).rejects.toThrow('the NetLens agent exited (SIGKILL)');
    expect(exitReason).toBe('the NetLens agent exited (SIGKILL)');
  });

  it('a helper that cannot start at all is a refusal with the reason', async () => {
    const client = new AgentClient({ command: ['/nonexistent/desktop-elevate'], log: () => {} });
    await expect(client.ready).rejects.toThrow(
      /could not start the helper: spawn \/nonexistent\/desktop-elevate ENOENT/,
    );
  });
});

describe('refusal reasons and inert text', () => {
  it('names the pkexec and sudo outcomes the way a user understands them', () => {
    expect(refusalReason(126, null, '')).toBe('the administrator prompt was dismissed or not authorized');
    expect(refusalReason(127, null, 'Error executing command as another user: Not authorized')).toMatch(
      /^pkexec could not authenticate/,
    );
    expect(refusalReason(1, null, 'sudo: a terminal is required to read the password')).toMatch(
      /^sudo needs a password/,
    );
    expect(refusalReason(3, null, 'boom\n')).toBe('the helper exited with code 3: boom');
    expect(refusalReason(null, 'SIGTERM', '')).toBe('the helper was stopped by SIGTERM');
  });

  it('strips control and bidi characters and bounds the length', () => {
    expect(inertText('a\u001b[31mb\u0007c\u202ed')).toBe('a [31mb c d');
    expect(inertText('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});

describe('an agent that stops reading', () => {
  it('is stopped once its unread requests pass the bound, and the request says why', async () => {
    // Says hello, then never reads stdin again.
    const client = new AgentClient({
      command: [
        process.execPath,
        '-e',
        `process.stdout.write(${JSON.stringify(HELLO)} + '\\n'); process.stdin.pause(); setInterval(() => {}, 1000);`,
      ],
      log: () => {},
    });
    await client.ready;
    const pid = client.pid!;
    const big = Array.from({ length: 190_000 }, (_, i) => i + 1_000_000_000);
    const outcomes: string[] = [];
    for (let i = 0; i < 40 && client.running; i++) {
      client.owners(big).catch((e: Error) => outcomes.push(e.message));
      await new Promise((r) => setImmediate(r));
    }
    await until('the stalled agent refused', () => outcomes.length > 0 && !client.running, 10_000, 10);
    expect(outcomes).toContain('the NetLens agent stopped reading its requests');
    expect(client.running).toBe(false);
    // And it is gone: closing its stdin does not end an agent that stopped reading, the SIGKILL 2 s later does
    // (waited for here: the test's process ended first and left it running for good).
    await until(
      'the stalled agent killed',
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
    );
  });
});
