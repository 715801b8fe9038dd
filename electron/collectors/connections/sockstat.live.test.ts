// Live: the kernel counts in /proc/net/sockstat{,6} exactly the UDP, UDP-Lite and raw sockets its /proc/net
// tables list, so a table counted empty may be left unread (emptyInetTables). Checked in a network namespace of
// the test's own (`unshare -n`, root), where no other process opens sockets between the reads: python3 opens
// each kind of socket in turn (Node cannot open UDP-Lite or raw sockets) and prints, at each step, sockstat and
// every table.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ReadOutcome } from '../linux/proc-files.js';
import { emptyInetTables } from './linux.js';

const root = process.platform === 'linux' && process.getuid?.() === 0;

const STEPS = `
import json, socket
FILES = ['sockstat', 'sockstat6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6']
def snap():
    out = {}
    for f in FILES:
        with open('/proc/net/' + f) as fh:
            out[f] = fh.read()
    return out
held, steps = [], [snap()]
for family, kind, proto, where in [
    (socket.AF_INET, socket.SOCK_DGRAM, 0, ('0.0.0.0', 0)),
    (socket.AF_INET6, socket.SOCK_DGRAM, 0, ('::', 0)),
    (socket.AF_INET, socket.SOCK_DGRAM, 136, ('0.0.0.0', 0)),
    (socket.AF_INET6, socket.SOCK_DGRAM, 136, ('::', 0)),
    (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP, None),
    (socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6, None),
]:
    s = socket.socket(family, kind, proto)
    if where is not None:
        s.bind(where)
    held.append(s)
    steps.append(snap())
for s in held:
    s.close()
steps.append(snap())
print(json.dumps(steps))
`;

const TABLES = ['udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6'];

/** The sockets a /proc/net table lists (its lines after the header). */
function listed(text: string): number {
  return text.split('\n').filter((line, i) => i > 0 && line.trim() !== '').length;
}

describe.skipIf(!root)('sockstat against the tables it counts', () => {
  it('counts a table empty exactly when it lists no socket, as sockets of each kind open and close', () => {
    const steps = JSON.parse(
      execFileSync('unshare', ['-n', 'python3', '-c', STEPS], { encoding: 'utf8', timeout: 20_000 }),
    ) as Record<string, string>[];
    expect(steps.length).toBe(8);
    const seen = new Set<string>();
    for (const step of steps) {
      const empty = emptyInetTables((file): ReadOutcome => ({ ok: true, text: step[file]! }));
      for (const table of TABLES) {
        const n = listed(step[table]!);
        expect({ table, empty: empty.has(table) }).toEqual({ table, empty: n === 0 });
        if (n > 0) seen.add(table);
      }
    }
    // Each kind was open at some step (so "not empty" was checked too), and none is left after the close.
    expect([...seen].sort()).toEqual([...TABLES].sort());
    const last = steps[steps.length - 1]!;
    expect(emptyInetTables((file): ReadOutcome => ({ ok: true, text: last[file]! })).size).toBe(TABLES.length);
  });
});
