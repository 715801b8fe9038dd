// The agent's line protocol: lines split at any chunk boundary, an oversized line dropped whole with bounded
// memory, and every message checked against its schema (version, method, extra keys, sizes, indices).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENT_PROTOCOL_VERSION,
  LineSplitter,
  MAX_INODES,
  PROCESS_TEXT_LIMITS,
  checkResult,
  encodeLine,
  fitProcess,
  ownersLines,
  parseAgentMessage,
  parseAgentRequest,
} from './protocol.js';

function split(chunks: Buffer[], max?: number) {
  const lines: string[] = [];
  let oversize = 0;
  const s = new LineSplitter(
    (l) => lines.push(l),
    () => oversize++,
    max,
  );
  for (const c of chunks) s.push(c);
  return { lines, oversize };
}

describe('LineSplitter', () => {
  it('yields the same lines however the bytes are chunked, multi-byte characters included', () => {
    const text = Array.from({ length: 20 }, (_, i) => encodeLine({ i, s: 'ünïcødé ✓ '.repeat(i) })).join('');
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const chunks = points.slice(1).map((p, i) => bytes.subarray(points[i], p));
        expect(split(chunks).lines).toEqual(text.trimEnd().split('\n'));
      }),
    );
  });

  it('drops a line longer than the cap, up to its newline, and goes on with the next', () => {
    const long = 'x'.repeat(100);
    const r = split([Buffer.from(`ok1\n${long.slice(0, 50)}`), Buffer.from(`${long.slice(50)}\nok2\n`)], 64);
    expect(r).toEqual({ lines: ['ok1', 'ok2'], oversize: 1 });
  });

  it('keeps memory bounded by the cap when a newline never comes', () => {
    const s = new LineSplitter(
      () => {},
      () => {},
      1024,
    );
    for (let i = 0; i < 1000; i++) s.push(Buffer.alloc(4096, 120));
    expect((s as unknown as { size: number }).size).toBe(0);
  });
});

describe('agent requests', () => {
  const ok = (m: object) => parseAgentRequest(JSON.stringify({ v: AGENT_PROTOCOL_VERSION, id: 1, ...m }));

  it('accepts the four methods with valid parameters', () => {
    expect(ok({ method: 'owners', params: { inodes: [1, 2] } }).ok).toBe(true);
    expect(ok({ method: 'kill', params: { pid: 42, startTime: 5, signal: 'TERM', elevate: false } }).ok).toBe(true);
    expect(ok({ method: 'capabilities', params: {} }).ok).toBe(true);
    expect(
      ok({
        method: 'closeConnection',
        params: {
          proto: 'tcp',
          family: 'inet',
          localAddress: '127.0.0.1',
          localPort: 1,
          remoteAddress: '127.0.0.1',
          remotePort: 2,
        },
      }).ok,
    ).toBe(true);
  });

  it('refuses another version, an unknown method, extra keys, bad values and too many inodes', () => {
    const bad = [
      parseAgentRequest('not json'),
      parseAgentRequest(JSON.stringify({ v: 3, id: 1, method: 'owners', params: { inodes: [] } })),
      ok({ method: 'exec', params: { argv: ['sh'] } }),
      ok({ method: 'owners', params: { inodes: [1], path: '/etc/shadow' } }),
      ok({ method: 'owners', params: { inodes: [-1] } }),
      ok({ method: 'owners', params: { inodes: Array.from({ length: MAX_INODES + 1 }, (_, i) => i + 1) } }),
      ok({ method: 'kill', params: { pid: '1; rm -rf /', startTime: null, signal: 'TERM' } }),
      ok({ method: 'kill', params: { pid: 42, startTime: null, signal: 'HUP' } }),
      ok({
        method: 'closeConnection',
        params: {
          proto: 'tcp',
          family: 'inet',
          localAddress: '$(reboot)',
          localPort: 1,
          remoteAddress: '127.0.0.1',
          remotePort: 2,
        },
      }),
      parseAgentRequest(JSON.stringify({ v: 2, id: 0, method: 'capabilities', params: {} })),
      parseAgentRequest(JSON.stringify({ v: 2, id: 1, method: 'capabilities', params: {}, extra: true })),
    ];
    expect(bad.map((r) => r.ok)).toEqual(bad.map(() => false));
  });
});

describe('agent messages and results', () => {
  it('checks hello, results and refusals, and the owners answer indices', () => {
    expect(parseAgentMessage(JSON.stringify({ v: 2, type: 'hello', pid: 5, uid: 0, appVersion: '1.0' })).ok).toBe(true);
    expect(parseAgentMessage(JSON.stringify({ v: 2, type: 'hello', pid: 5, uid: 0 })).ok).toBe(false);
    expect(parseAgentMessage(JSON.stringify({ v: 2, type: 'result', id: 3, ok: false, error: 'x' })).ok).toBe(true);
    expect(parseAgentMessage(JSON.stringify({ v: 2, type: 'result', id: 3, ok: true, result: null })).ok).toBe(true);
    expect(parseAgentMessage(JSON.stringify({ v: 2, type: 'result', id: 3, ok: true })).ok).toBe(false);
    expect(parseAgentMessage(JSON.stringify({ v: 2, type: 'shell', cmd: 'x' })).ok).toBe(false);
    const proc = { pid: 9, name: 'sshd', cmdline: 'sshd -D', exe: '/usr/sbin/sshd', user: 'root', startTime: 1 };
    expect(checkResult('owners', { processes: [proc], owners: [[77, [0]]] }).ok).toBe(true);
    expect(checkResult('owners', { processes: [proc], owners: [[77, [1]]] })).toEqual({
      ok: false,
      error: 'owners result: index out of range',
    });
    expect(checkResult('owners', { processes: [{ ...proc, pid: -1 }], owners: [] }).ok).toBe(false);
    expect(checkResult('kill', { outcome: 'exploded', message: '' }).ok).toBe(false);
    expect(checkResult('kill', { outcome: 'killed', message: 'ok' }).ok).toBe(true);
  });
});

describe('owners answers in parts', () => {
  const proc = (pid: number, name = 'sleep', cmdline = 'sleep 600') => ({
    pid,
    name,
    cmdline,
    exe: '/usr/bin/sleep',
    user: 'nobody',
    startTime: pid,
  });

  it('cuts each text to its limit, never between the halves of a character', () => {
    const p = proc(1);
    expect(fitProcess(p)).toBe(p);
    const long = fitProcess({ ...proc(2, `${'n'.repeat(255)}😀x`, 'c'.repeat(200_000)), user: 'u'.repeat(300) });
    expect(long.name).toBe('n'.repeat(255));
    expect(long.cmdline).toHaveLength(PROCESS_TEXT_LIMITS.cmdline);
    expect(long.user).toHaveLength(PROCESS_TEXT_LIMITS.user);
    expect(checkResult('owners', { processes: [long], owners: [] }).ok).toBe(true);
  });

  it('splits an answer into parts of about the size asked, which put together give the answer back', () => {
    const processes = Array.from({ length: 300 }, (_, i) => proc(i + 1, 'sleep', '\x01'.repeat(4096)));
    const owners = processes.map((_, i) => [1000 + i, [i, (i + 1) % 300]] as [number, number[]]);
    const lines = ownersLines(7, { processes, owners }, 100_000);
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThan(130_000);
    const messages = lines.map((l) => {
      const m = parseAgentMessage(l.trimEnd());
      if (!m.ok) throw new Error(m.error);
      return m.value as { type: string; id: number; processes?: unknown[]; owners?: unknown[]; result?: unknown };
    });
    expect(messages.map((m) => m.type)).toEqual([...Array(lines.length - 1).fill('part'), 'result']);
    expect(messages.every((m) => m.id === 7)).toBe(true);
    const last = messages.at(-1)!.result as { processes: unknown[]; owners: unknown[] };
    const parts = messages.slice(0, -1);
    expect([...parts.flatMap((m) => m.processes!), ...last.processes]).toEqual(processes);
    expect([...parts.flatMap((m) => m.owners!), ...last.owners]).toEqual(owners);
    // Past the answer's budget for whole texts, the command lines and executables that follow are cut short.
    const budget = ownersLines(9, { processes, owners }, 100_000, 200_000).map(
      (l) => JSON.parse(l) as { processes?: { cmdline: string }[]; result?: { processes: { cmdline: string }[] } },
    );
    const lengths = budget.flatMap((m) => (m.processes ?? m.result!.processes).map((p) => p.cmdline.length));
    expect(lengths).toHaveLength(300);
    expect(lengths.filter((n) => n === 4096).length).toBeGreaterThan(5);
    expect(lengths.filter((n) => n === 256).length).toBeGreaterThan(100);
    // Past twice that, a name and no texts: each process a few dozen bytes, whatever it named itself.
    const named = processes.map((p) => ({ ...p, name: '\x01'.repeat(256), exe: `/${'\x01'.repeat(4000)}` }));
    const tiers = ownersLines(9, { processes: named, owners }, 100_000, 200_000).map(
      (l) =>
        JSON.parse(l) as {
          processes?: { name: string; cmdline: string; exe: string | null }[];
          result?: { processes: { name: string; cmdline: string; exe: string | null }[] };
        },
    );
    const latest = tiers.flatMap((m) => m.processes ?? m.result!.processes).slice(-50);
    expect(latest.every((p) => p.name.length === 15 && p.cmdline === '' && p.exe === null)).toBe(true);
    expect(tiers.reduce((sum, m) => sum + JSON.stringify(m).length, 0)).toBeLessThan(600_000);
    // A small answer is one result, as before.
    expect(ownersLines(8, { processes: [proc(1)], owners: [[5, [0]]] })).toEqual([
      encodeLine({
        v: AGENT_PROTOCOL_VERSION,
        type: 'result',
        id: 8,
        ok: true,
        result: { processes: [proc(1)], owners: [[5, [0]]] },
      }),
    ]);
  });
});
