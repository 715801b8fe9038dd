// The framed stream of the remote script: whole frames in any chunking, a cut-off frame never emitted, a
// stream that lost its place or grows past the limits refused; and the real script run by sh on this machine
// gives frames that the Linux parsers read like local data.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, MAX_FRAME_BYTES, MAX_SECTION_BYTES, type FrameEvent } from './frames.js';
import { PROC_NET_FILES, REMOTE_SCRIPT } from './script.js';
import { classifySshFailure, checkDestination, RemoteClock } from './host.js';
import { frameClock, MAX_REMOTE_ROWS, procFacts, remoteConnections, remoteRows } from './datasets.js';
import { createCollectors } from '../collectors/index.js';

function frame(seq: number, sections: [string, string, boolean?][]): string {
  const body = sections
    .map(
      ([name, data, ok]) =>
        `NETLENS-SECTION ${name} ${ok === false ? 'fail' : 'ok'} ${Buffer.byteLength(data)}\n${data}`,
    )
    .join('');
  return `NETLENS-BEGIN ${seq} ${sections.length}\n${body}NETLENS-END ${seq}\n`;
}

const HELLO = 'NETLENS-HELLO 1 0 0 1 1\n';

function feed(chunks: Buffer[]): FrameEvent[] {
  const reader = new FrameReader();
  return chunks.flatMap((c) => reader.push(c));
}

describe('FrameReader', () => {
  it('reads hello and whole frames however the bytes are cut', () => {
    const text =
      HELLO +
      frame(1, [
        ['net/tcp', 'a\nb\n'],
        ['passwd', 'root:x:0:0::/root:/bin/sh\n'],
        ['ss', '', false],
      ]) +
      frame(2, [['net/tcp', 'ünï\n']]);
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, i) => bytes.subarray(p, points[i] ?? bytes.length));
        const events = feed(chunks);
        expect(events.map((e) => e.type)).toEqual(['hello', 'frame', 'frame']);
        const [, f1, f2] = events as [
          FrameEvent,
          Extract<FrameEvent, { type: 'frame' }>,
          Extract<FrameEvent, { type: 'frame' }>,
        ];
        expect(f1.frame.sections.get('net/tcp')!.data.toString()).toBe('a\nb\n');
        expect(f1.frame.sections.get('ss')).toEqual({ ok: false, data: Buffer.alloc(0) });
        expect(f2.frame.sections.get('net/tcp')!.data.toString('utf8')).toBe('ünï\n');
      }),
    );
  });

  it('never emits a frame cut off by the connection closing', () => {
    const whole = Buffer.from(HELLO + frame(1, [['net/tcp', 'abc\n']]) + frame(2, [['net/tcp', 'def\n']]));
    for (let end = HELLO.length; end < whole.length; end++) {
      const frames = feed([whole.subarray(0, end)]).filter((e) => e.type === 'frame');
      expect(frames.length).toBe(end >= whole.length - frame(2, [['net/tcp', 'def\n']]).length ? 1 : 0);
    }
  });

  it('refuses a stream that lost its place, a wrong count, a wrong end, or a section past the limit', () => {
    const errors = (text: string) =>
      feed([Buffer.from(text)])
        .filter((e) => e.type === 'error')
        .map((e) => (e as { message: string }).message);
    // A length that is one byte short: the next header is not where it should be.
    expect(errors(`${HELLO}NETLENS-BEGIN 1 1\nNETLENS-SECTION net/tcp ok 2\nabc\nNETLENS-END 1\n`)[0]).toMatch(
      /lost its place/,
    );
    expect(errors(`${HELLO}NETLENS-BEGIN 1 2\nNETLENS-SECTION net/tcp ok 0\nNETLENS-END 1\n`)[0]).toMatch(
      /1 sections, not 2/,
    );
    expect(errors(`${HELLO}NETLENS-BEGIN 1 0\nNETLENS-END 7\n`)[0]).toMatch(/ended as 7/);
    expect(errors(`${HELLO}NETLENS-BEGIN 1 1\nNETLENS-SECTION net/tcp ok ${MAX_FRAME_BYTES + 1}\n`)[0]).toMatch(
      /larger than 256 MB/,
    );
    expect(errors('Welcome to my server!\n')[0]).toMatch(/unexpected output/);
    expect(errors('x'.repeat(10_000))[0]).toMatch(/not a NetLens header/);
    // After an error nothing more is read.
    const reader = new FrameReader();
    reader.push(Buffer.from('garbage\n'));
    expect(reader.push(Buffer.from(HELLO + frame(1, [])))).toEqual([]);
  });

  // A host with more TCP sockets than MAX_SECTION_BYTES holds of `ss -tinHem` (about 90,000) was refused whole, at
  // each reconnection: the section is now passed over as it comes, and the rest of the frame read.
  it('passes over a section larger than a section may hold, without holding it, and reads the rest', () => {
    const reader = new FrameReader();
    const big = MAX_SECTION_BYTES + 10;
    const events = [
      ...reader.push(Buffer.from(`${HELLO}NETLENS-BEGIN 1 3\nNETLENS-SECTION net/tcp ok 4\nabc\n`)),
      ...reader.push(Buffer.from(`NETLENS-SECTION ss-info ok ${big}\n`)),
    ];
    // Fed in 1 MB pieces: none is kept.
    const piece = Buffer.alloc(1024 * 1024, 0x41);
    for (let left = big; left > 0; left -= piece.length) {
      events.push(...reader.push(piece.subarray(0, Math.min(piece.length, left))));
      expect((reader as unknown as { buffered: number }).buffered).toBe(0);
    }
    events.push(...reader.push(Buffer.from('NETLENS-SECTION passwd ok 2\nx\nNETLENS-END 1\n')));
    expect(events.map((e) => e.type)).toEqual(['hello', 'frame']);
    const f = (events[1] as Extract<FrameEvent, { type: 'frame' }>).frame;
    expect(f.sections.get('ss-info')).toEqual({ ok: false, data: Buffer.alloc(0), tooLarge: big });
    expect(f.sections.get('net/tcp')!.data.toString()).toBe('abc\n');
    expect(f.sections.get('passwd')!.data.toString()).toBe('x\n');
    // Its rows say why they have no traffic.
    const hello = { uid: 0, sudo: false, hasIp: false, hasSs: true };
    const reading = { host: 'big', hello, frame: f, at: Date.now() };
    const { rows, diagnostics } = remoteConnections(reading, true).result;
    expect(rows).toEqual([]);
    expect(diagnostics.missing).toContainEqual({
      source: 'ss -tinHem on big',
      reason: `ss -tinHem printed ${big.toLocaleString('en-US')} bytes on big, more than the 64 MB a section may hold: not read`,
    });
    // ss itself passed over: the owners say so in the same words.
    const sections = new Map(f.sections).set('ss', { ok: false, data: Buffer.alloc(0), tooLarge: big });
    const owners = remoteConnections({ ...reading, frame: { ...f, sections } }, false).result;
    expect(owners.diagnostics.notes).toContain(
      `process owners unknown: ss printed ${big.toLocaleString('en-US')} bytes on big, more than the 64 MB a section may hold: not read`,
    );
  });

  it('refuses a frame that sends more sections than it declared, or one twice, before holding them', () => {
    // A frame that never ends: sections of no bytes, each a new name, would each be held (millions of them
    // within the frame limit) until its end marker.
    const reader = new FrameReader();
    const sections = Array.from({ length: 10_000 }, (_, i) => `NETLENS-SECTION s${i} ok 0\n`).join('');
    const events = reader.push(Buffer.from(`${HELLO}NETLENS-BEGIN 1 3\n${sections}`));
    expect(events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message)).toEqual([
      'frame 1 has more sections than the 3 it declared',
    ]);
    const twice = feed([Buffer.from(`${HELLO}NETLENS-BEGIN 1 2\nNETLENS-SECTION ss ok 0\nNETLENS-SECTION ss ok 0\n`)]);
    expect(twice.map((e) => (e as { message?: string }).message)).toEqual([undefined, 'frame 1 sent section ss twice']);
  });

  it('says when the remote is not Linux', () => {
    expect(feed([Buffer.from('NETLENS-NOT-LINUX FreeBSD\n')])).toEqual([{ type: 'notLinux', system: 'FreeBSD' }]);
  });
});

describe('ssh around it', () => {
  it('names the reasons ssh fails, keeping its text inert', () => {
    expect(
      classifySshFailure(
        '@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.\n',
        255,
      ),
    ).toMatch(/^host key changed/);
    expect(classifySshFailure('Host key verification failed.\n', 255)).toMatch(/^host key not trusted/);
    expect(classifySshFailure('root@10.0.0.1: Permission denied (publickey).\n', 255)).toBe('authentication failed');
    expect(classifySshFailure('ssh: connect to host 10.0.0.1 port 22: Connection timed out\n', 255)).toBe('timeout');
    expect(classifySshFailure('ssh: connect to host x port 22: Connection refused\n', 255)).toBe('connection refused');
    expect(classifySshFailure('odd \u001b[31mred\u202e text\n', 1)).toBe('ssh exited with code 1: odd ?[31mred? text');
  });

  it('refuses destinations ssh would read as options', () => {
    expect(checkDestination('user@web1')).toBeNull();
    expect(checkDestination('-oProxyCommand=x')).toMatch(/cannot start with "-"/);
    expect(checkDestination('a b')).toMatch(/spaces/);
    // A bidi override or an invisible character: the name would not read as what it is.
    for (const hidden of ['x\u202egnp.exe', 'web\u200b1', 'a\u2066b', 'a\u0085b'])
      expect(checkDestination(hidden), hidden).toMatch(/bidi or invisible/);
    expect(checkDestination('user@höst.example')).toBeNull();
    for (const ok of ['ssh://admin@[fe80::1%eth0]:2222', 'web_1.example:22', 'u+x@10.0.0.1'])
      expect(checkDestination(ok), ok).toBeNull();
    // Shell words: a ProxyCommand of the user's with %h ran them on OpenSSH before 9.6.
    for (const shell of [
      'x$(touch\x24{IFS}/tmp/f)',
      'x`id`',
      'a;b',
      'a|b',
      "a'b",
      'a"b',
      'a&b',
      'a>b',
      'a\\b',
      'a*',
      'a{b,c}',
    ])
      expect(checkDestination(shell), shell).toMatch(/no shell characters/);
    expect(checkDestination('')).toMatch(/1 to 255/);
  });
});

describe('procFacts', () => {
  /** A /proc/<pid>/stat text whose field 22 (start time) is `ticks`. */
  const stat = (pid: number, comm: string, ticks: number) =>
    `${pid} (${comm}) S 1 1 1 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 ${ticks} 1000 1 18446744073709551615`;
  const entry = (pid: number, body: string) => `stat ${pid} ${Buffer.byteLength(body, 'latin1')}\n${body}\n`;
  const startTimes = (text: string) => new Map([...procFacts(text)].map(([pid, f]) => [pid, f.startTime]));

  it('takes each stat by its length, so a name with a newline cannot pose as another process', () => {
    // 777 names itself "x\n666 (y": split into lines, its second half would read as PID 666.
    const text = `btime 1000\n${entry(777, stat(777, 'x\n666 (y', 500))}${entry(666, stat(666, 'real', 900))}`;
    const times = startTimes(text);
    expect(times.get(777)).toBe(1000 * 1000 + 5000);
    expect(times.get(666)).toBe(1000 * 1000 + 9000);
    // In the other order too: 666's own stat is never overwritten.
    const reversed = `btime 1000\n${entry(666, stat(666, 'real', 900))}${entry(777, stat(777, 'x\n666 (y', 500))}`;
    expect(startTimes(reversed).get(666)).toBe(1000 * 1000 + 9000);
  });

  it('reads nothing out of place: no btime first, a header that lies about its pid or length', () => {
    expect(procFacts(entry(1, stat(1, 'init', 1))).size).toBe(0);
    expect(procFacts(`btime 1\nstat 2 ${stat(3, 'a', 1).length}\n${stat(3, 'a', 1)}\n`).size).toBe(0);
    expect(procFacts(`btime 1\nstat 3 999\n${stat(3, 'a', 1)}\n`).size).toBe(0);
  });

  it('gives each process the uid its own line names, unknown (null) without one, and a uid of another pid ends the reading', () => {
    // The four uids of the Uid: line, of which the effective one (the second) is the user, as `ps -o user`.
    const text = `btime 1\n${entry(5, stat(5, 'a', 1))}uid 5 0\t65534\t0\t65534\n${entry(6, stat(6, 'b', 1))}${entry(7, stat(7, 'c', 1))}uid 7 0\t0\t0\t0\n`;
    const facts = procFacts(text);
    expect([...facts].map(([pid, f]) => [pid, f.uid])).toEqual([
      [5, 65534],
      [6, null],
      [7, 0],
    ]);
    // A uid line that does not follow its own pid's stat (a name posing as one): nothing more is read.
    const posing = `btime 1\n${entry(5, stat(5, 'a', 1))}uid 6 0\t0\t0\t0\n${entry(6, stat(6, 'b', 1))}`;
    expect([...procFacts(posing)].map(([pid, f]) => [pid, f.uid])).toEqual([[5, null]]);
    expect(procFacts(`btime 1\nuid 5 0\t0\t0\t0\n${entry(5, stat(5, 'a', 1))}`).size).toBe(0);
  });
});

// Review attack2 A3: one host (a huge one, or a hostile one printing sections of up to MAX_SECTION_BYTES) made
// the monitor hold and send as many rows as it liked. Its rows of a dataset are now cut at MAX_REMOTE_ROWS, and
// the rest counted in a note; the lines left out of a socket table are not even parsed.
describe('a remote host with more rows than are shown', () => {
  const hello = { uid: 0, sudo: false, hasIp: false, hasSs: false };
  const reading = (sections: Record<string, string>) => ({
    host: 'big',
    hello,
    at: Date.now(),
    frame: {
      seq: 1,
      bytes: 0,
      sections: new Map(Object.entries(sections).map(([k, v]) => [k, { ok: true, data: Buffer.from(v) }])),
    },
  });
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  /** A /proc/net/tcp (or udp) of `n` sockets in state `st`, from socket `first` on (each its own address, port
   *  and inode). */
  const tcp = (first: number, n: number, st = '0A') => {
    const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
    for (let i = first; i < first + n; i++)
      lines.push(
        `${i}: ${hex(0x0a000000 + (i >> 14), 8)}:${hex(1024 + (i & 0x3fff), 4)} 00000000:0000 ${st} 00000000:00000000 ` +
          `00:00000000 00000000     0        0 ${i + 1} 1 0000000000000000 100 0 0 10 0`,
      );
    return `${lines.join('\n')}\n`;
  };

  it('shows at most MAX_REMOTE_ROWS sockets, across its tables, and says how many it left out', () => {
    const r = reading({
      'net/tcp': tcp(0, MAX_REMOTE_ROWS - 10),
      'net/tcp6': '',
      'net/udp': tcp(MAX_REMOTE_ROWS, 25, '07'),
    });
    const { rows, diagnostics } = remoteRows('connections', r);
    expect(rows.length).toBe(MAX_REMOTE_ROWS);
    expect(rows.at(-1)!.inode).toBe(MAX_REMOTE_ROWS + 10);
    expect(diagnostics.notes).toContain(
      `15 sockets of big not shown (NetLens shows at most ${MAX_REMOTE_ROWS.toLocaleString('en-US')} sockets of a remote host)`,
    );
    expect(diagnostics.skipped).toBe(0);
  });

  it('says nothing of a host within the bound', () => {
    const { rows, diagnostics } = remoteRows('connections', reading({ 'net/tcp': tcp(0, 3) }));
    expect(rows.length).toBe(3);
    expect(diagnostics.notes.join('\n')).not.toContain('not shown');
  });

  it("cuts a host's other datasets too", () => {
    const head = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';
    const route = (i: number) => `eth0\t${hex(i, 8)}\t00000000\t0001\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n`;
    const text =
      head + Array.from({ length: MAX_REMOTE_ROWS }, (_, i) => route(i)).join('') + 'not a route\n'.repeat(2);
    const { rows, diagnostics } = remoteRows('routes', reading({ 'net/route': text }));
    expect(rows.length).toBe(MAX_REMOTE_ROWS);
    expect(diagnostics.notes).toContain(
      `2 routes of big not shown (NetLens shows at most ${MAX_REMOTE_ROWS.toLocaleString('en-US')} routes of a remote host)`,
    );
    expect(diagnostics.skipped).toBe(0);
  });

  // A hostile host's huge section once cost all its rows' parsing (and the objects of each) before the cut: the
  // lines and elements beyond the cap are now counted without being read. Those here would each be a skipped
  // line if they were parsed.
  const notShown = (n: number, what: string) =>
    `${n} ${what} of big not shown (NetLens shows at most ${MAX_REMOTE_ROWS.toLocaleString('en-US')} ${what} of a remote host)`;

  it('reads no more of /proc/net/dev than the interfaces shown, and counts the rest', () => {
    const head =
      'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
    const iface = (i: number) => `e${i}: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n`;
    const text =
      head + Array.from({ length: MAX_REMOTE_ROWS }, (_, i) => iface(i)).join('') + 'not an interface\n'.repeat(7);
    const { rows, diagnostics } = remoteRows('interfaces', reading({ 'net/dev': text }));
    expect(rows.length).toBe(MAX_REMOTE_ROWS);
    expect(rows.at(-1)!.name).toBe(`e${MAX_REMOTE_ROWS - 1}`);
    expect(diagnostics.notes).toContain(notShown(7, 'interfaces'));
    expect(diagnostics.skipped).toBe(0);
  });

  it('reads no more of dev_mcast and igmp6 than the memberships shown, and counts the rest', () => {
    const mcast = (i: number) => `2 eth${i} 1 0 01005e${(i & 0xffffff).toString(16).padStart(6, '0')}\n`;
    const text = Array.from({ length: MAX_REMOTE_ROWS - 2 }, (_, i) => mcast(i)).join('');
    const igmp6 =
      '2 eth0 ff020000000000000000000000000001 1 0000000C 0\n2 eth0 ff020000000000000000000000000002 1 0 0\n';
    const { rows, diagnostics } = remoteRows(
      'multicast',
      reading({ 'net/igmp': '', 'net/igmp6': igmp6, 'net/dev_mcast': `${text}${'not a membership\n'.repeat(5)}` }),
    );
    expect(rows.length).toBe(MAX_REMOTE_ROWS);
    expect(rows.filter((g) => g.family === 'inet6')).toHaveLength(2);
    expect(diagnostics.notes).toContain(notShown(5, 'multicast memberships'));
    expect(diagnostics.skipped).toBe(0);
  });

  it("reads no more of ip's routes than are shown, across both families, and counts the rest", () => {
    const route = (i: number) => `{"dst":"10.${i >> 16}.${(i >> 8) & 255}.${i & 255}","dev":"eth0"}`;
    const v4 = `[${Array.from({ length: MAX_REMOTE_ROWS - 1 }, (_, i) => route(i)).join(',')}]\n`;
    // One IPv6 route fits; the four after it are not read (each, without a dst, would be a skipped line).
    const v6 = `[{"dst":"fd00::/64","dev":"eth0"}${',{"dev":"eth0"}'.repeat(4)}]\n`;
    const r = { ...reading({ 'ip-route4': v4, 'ip-route6': v6 }), hello: { ...hello, hasIp: true } };
    const { rows, diagnostics } = remoteRows('routes', r);
    expect(rows.length).toBe(MAX_REMOTE_ROWS);
    expect(rows.at(-1)).toMatchObject({ family: 'inet6', destination: 'fd00::', prefixLength: 64 });
    expect(diagnostics.notes).toContain(notShown(4, 'routes'));
    expect(diagnostics.skipped).toBe(0);
    // A route of several next hops is a row each: those past the cap are counted too.
    const multi = `[${Array.from({ length: MAX_REMOTE_ROWS - 1 }, (_, i) => route(i)).join(',')},{"dst":"default","nexthops":[{"dev":"a"},{"dev":"b"},{"dev":"c"}]}]`;
    const m = remoteRows('routes', {
      ...reading({ 'ip-route4': multi, 'ip-route6': '[]' }),
      hello: { ...hello, hasIp: true },
    });
    expect(m.rows.length).toBe(MAX_REMOTE_ROWS);
    expect(m.diagnostics.notes).toContain(notShown(2, 'routes'));
  });
});

describe("the remote's clock", () => {
  const withClock = (text: string, ok = true) => ({
    seq: 1,
    bytes: 0,
    sections: new Map([['clock', { ok, data: Buffer.from(text) }]]),
  });

  it('reads the uptimes of the clock section; anything else says nothing', () => {
    expect(frameClock(withClock('proc 12345.67\ntraffic 12345.9\n'))).toEqual({
      proc: 12_345_670,
      traffic: 12_345_900,
    });
    expect(frameClock(withClock('proc 7\ntraffic \n'))).toEqual({ proc: 7000, traffic: null });
    for (const bad of ['proc -1\n', 'proc 1e9\n', 'proc 1.5 \n', 'when 5\n', `proc ${'9'.repeat(300)}\n`])
      expect(frameClock(withClock(bad))).toEqual({ proc: null, traffic: null });
    expect(frameClock(withClock('proc 5\n', false))).toEqual({ proc: null, traffic: null });
    expect(frameClock({ seq: 1, bytes: 0, sections: new Map() })).toEqual({ proc: null, traffic: null });
  });

  it("moves a frame's times onto this clock, their differences the remote's, whenever the frames come", () => {
    const clock = new RemoteClock();
    // Uptime 100 s; the first frame comes 0.3 s after its ss, the next 0.2 s after (quicker: the times keep the
    // first gap, so the interval between them stays the remote's 1.3 s, not 1.2), then 0.9 s (a slow link).
    expect(clock.place({ proc: 99_900, traffic: 100_000 }, 5_000_300)).toEqual({
      procAt: 5_000_200,
      trafficAt: 5_000_300,
    });
    const second = clock.place({ proc: 101_200, traffic: 101_300 }, 5_001_500);
    expect(second).toEqual({ procAt: 5_001_500, trafficAt: 5_001_600 });
    const late = clock.place({ proc: 102_500, traffic: 102_600 }, 5_003_500);
    expect(late.trafficAt - second.trafficAt).toBe(1_300);
    // The review's case: a first frame 0.6 s late, the next on time: the interval is the remote's 1 s, not 0.5.
    const c2 = new RemoteClock();
    const a = c2.place({ proc: null, traffic: 0 }, 1_000_600);
    const b = c2.place({ proc: null, traffic: 1_000 }, 1_001_100);
    expect(b.trafficAt - a.trafficAt).toBe(1_000);
    // A time more than 2 s ahead of its frame (a first frame held for seconds) sets the clock again from it; so
    // does one a minute behind (the remote's clock stepped back).
    const c3 = new RemoteClock();
    c3.place({ proc: null, traffic: 0 }, 10_000);
    expect(c3.place({ proc: null, traffic: 1_000 }, 8_500).trafficAt).toBe(8_500);
    expect(c3.place({ proc: null, traffic: 100_000 }, 200_000).trafficAt).toBe(200_000);
    // A proc stamp far past its traffic stamp (a hostile host) places nothing more than 2 s after its frame came.
    const c4 = new RemoteClock();
    c4.place({ proc: 1_000, traffic: 1_000 }, 50_000);
    expect(c4.place({ proc: 9_999_999_000, traffic: 2_000 }, 51_000).procAt).toBeLessThanOrEqual(53_000);
    // Without a clock, the time the frame came.
    expect(clock.place({ proc: null, traffic: null }, 5_009_000)).toEqual({ procAt: 5_009_000, trafficAt: 5_009_000 });
  });
});

describe.skipIf(process.platform !== 'linux')('the remote script on this machine', () => {
  it('frames every source, and the Linux parsers read them as the local collectors do', async () => {
    const r = spawnSync('sh', ['-s', '--', '0.1', '1'], { input: REMOTE_SCRIPT, maxBuffer: 512 * 1024 * 1024 });
    expect(r.status).toBe(0);
    const events = feed([r.stdout]);
    expect(events.map((e) => e.type)).toEqual(['hello', 'frame']);
    const hello = (events[0] as Extract<FrameEvent, { type: 'hello' }>).hello;
    const f = (events[1] as Extract<FrameEvent, { type: 'frame' }>).frame;
    for (const file of PROC_NET_FILES) expect(f.sections.has(`net/${file}`)).toBe(true);
    // The counters are read first, right after the frame's proc stamp their rates are measured from.
    expect(PROC_NET_FILES.indexOf('netstat')).toBeLessThan(PROC_NET_FILES.indexOf('tcp'));
    expect(PROC_NET_FILES[0]).toBe('dev');
    expect(f.sections.get('net/snmp')!.ok).toBe(true);
    // The remote's clock when it read /proc/net and when it began ss -tinHem: this machine's uptime.
    const clock = frameClock(f);
    const uptime = Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]) * 1000;
    expect(clock.proc).toBeGreaterThan(0);
    expect(clock.proc).toBeLessThanOrEqual(uptime);
    if (hello.hasSs) expect(clock.traffic).toBeGreaterThanOrEqual(clock.proc!);
    else expect(clock.traffic).toBeNull();
    const reading = { host: 'here', hello, frame: f, at: Date.now() };
    // Steady datasets equal the local collectors' reading.
    const local = createCollectors();
    try {
      const multicast = await local.multicast.read();
      expect(remoteRows('multicast', reading).rows).toEqual(multicast.rows);
      const localIfaces = (await local.interfaces.read()).rows;
      const strip = (rows: typeof localIfaces) =>
        rows.map(({ counters: _c, addresses, ...rest }) => ({
          ...rest,
          addresses: addresses.map((a) => a.address).sort(),
        }));
      expect(strip(remoteRows('interfaces', reading).rows)).toEqual(strip(localIfaces));
      expect(remoteRows('statistics', reading).rows.map((c) => c.id)).toEqual(
        (await local.statistics.read()).rows.map((c) => c.id),
      );
      // Owners carry the start times the local collector computes (the remote kill guard compares them).
      if (hello.hasSs) {
        const localStart = new Map(
          (await local.connections.read()).rows.flatMap((c) => c.processes).map((p) => [p.pid, p.startTime]),
        );
        const both = remoteRows('connections', reading)
          .rows.flatMap((c) => c.processes)
          .filter((p) => localStart.has(p.pid));
        expect(both.length).toBeGreaterThan(0);
        for (const p of both) expect(p.startTime).toBe(localStart.get(p.pid));
      }
    } finally {
      for (const c of Object.values(local)) c.dispose?.();
    }
  });
});

// A process may name itself with a line break (ss prints it as it is, cutting its line in two): its sockets' owners
// were dropped without a word; now the unreadable lines are counted and a note says the owners are not shown.
describe.skipIf(process.platform !== 'linux')('the remote script, a process named with a line break', () => {
  it('counts the lines of ss that could not be read and says owners are missing', async () => {
    const script = `require('fs').writeFileSync('/proc/self/comm', 'a\\nb"c');
      const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port));`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      const r = spawnSync('sh', ['-s', '--', '0.1', '1'], { input: REMOTE_SCRIPT, maxBuffer: 512 * 1024 * 1024 });
      const events = feed([r.stdout]);
      const hello = (events[0] as Extract<FrameEvent, { type: 'hello' }>).hello;
      if (!hello.hasSs) return;
      const f = (events[1] as Extract<FrameEvent, { type: 'frame' }>).frame;
      const { diagnostics } = remoteRows('connections', { host: 'here', hello, frame: f, at: Date.now() });
      expect(diagnostics.skipped).toBeGreaterThan(0);
      expect(diagnostics.samples.some((s) => s.source === 'ss on here')).toBe(true);
      expect(diagnostics.notes.join('\n')).toMatch(/of ss on here could not be read .*owners of .* not shown/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
