import { describe, expect, it } from 'vitest';
import { remoteRows } from './datasets.js';

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

describe("a remote host's connections", () => {
  it('keep the owners ss gives for every shown socket, however many unix sockets ss lists before them', () => {
    // ss prints unix sockets first and TCP last: 200,000 unix lines, then 1,000 TCP listeners /proc shows.
    const tcp = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
    const ss: string[] = [];
    for (let u = 0; u < 200_000; u++)
      ss.push(`u_str ESTAB 0 0 * ${900_000 + u} * 0 users:(("x",pid=2,fd=${u + 3})) ---`);
    for (let i = 0; i < 1_000; i++) {
      tcp.push(
        `${i}: 0A000001:${hex(2000 + i, 4)} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${i + 1} 1 0000000000000000 100 0 0 10 0`,
      );
      ss.push(
        `tcp LISTEN 0 128 10.0.0.1:${2000 + i} 0.0.0.0:* users:(("srv",pid=1,fd=${i + 3})) ino:${i + 1} sk:1 <->`,
      );
    }
    const sections = {
      'net/tcp': `${tcp.join('\n')}\n`,
      ss: `${ss.join('\n')}\n`,
      passwd: 'root:x:0:0::/root:/bin/sh\n',
    };
    const reading = {
      host: 'big',
      at: Date.now(),
      hello: { uid: 1000, sudo: false, hasIp: false, hasSs: true },
      frame: {
        seq: 1,
        bytes: 0,
        sections: new Map(Object.entries(sections).map(([k, v]) => [k, { ok: true, data: Buffer.from(v) }])),
      },
    };
    const { rows, diagnostics } = remoteRows('connections', reading as never);
    expect(rows).toHaveLength(1_000);
    expect(rows.filter((r) => r.processes.length === 0 || r.ownerStatus === 'denied')).toEqual([]);
    expect(rows[0]?.processes[0]?.name).toBe('srv');
    expect(diagnostics.notes.join('\n')).not.toMatch(/other users/);
  });
});
