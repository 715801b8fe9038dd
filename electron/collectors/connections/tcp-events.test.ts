// The destroy-event reader with stand-in children that print what `ss -tinHeE` prints (copied from a real
// run on this machine), in pieces, with bad records among them, and that die.
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../test/until.js';
import { MAX_LINE_BYTES, TcpDestroyStream } from './tcp-events.js';

// Two destroy events as ss -tinHeE printed them for a 1 MiB transfer that closed (this machine, iproute2 6.1).
const EVENTS = [
  'UNCONN 0      0      127.0.0.1:36041 127.0.0.1:41154 ino:0 sk:c0d0',
  '\t ts sack wscale:10,10 rto:204 rtt:0.02/0.01 ato:40 mss:32768 pmtu:65535 rcvmss:65483 advmss:65483 cwnd:11 bytes_acked:1 bytes_received:1048577 segs_out:19 segs_in:27 data_segs_in:24 send 144179200000bps lastsnd:4 lastrcv:4 lastack:4 pacing_rate 356746950160bps delivery_rate 20164923072bps delivered:2 app_limited rcv_rtt:0.02 rcv_space:195557 rcv_ssthresh:1306643 minrtt:0.013 snd_wnd:65536',
  'UNCONN 0      0      127.0.0.1:41154 127.0.0.1:36041 ino:0 sk:c0d1 uid:1000',
  '\t ts sack wscale:10,10 rto:204 rtt:0.051/0.042 mss:65483 pmtu:65535 rcvmss:536 advmss:65483 cwnd:18 bytes_sent:1048576 bytes_acked:1048578 bytes_received:1 segs_out:27 segs_in:20 data_segs_out:24 send 184893176471bps lastsnd:4 lastrcv:4 lastack:4 pacing_rate 325461998688bps delivery_rate 46223294112bps delivered:25 rcv_space:65495 rcv_ssthresh:65495 minrtt:0.016 snd_wnd:1307648',
];

/** A child that writes `text` in pieces of `piece` characters, then waits (or exits with `exit`). */
function child(text: string, piece: number, exit?: number): string[] {
  const script = `const t=${JSON.stringify(text)};let i=0;const w=()=>{if(i>=t.length){${exit === undefined ? 'setInterval(()=>{},1e6)' : `process.exit(${exit})`};return;}process.stdout.write(t.slice(i,i+=${piece}),()=>setTimeout(w,1));};w();`;
  return [process.execPath, '-e', script];
}

let stream: TcpDestroyStream | null = null;
afterEach(() => stream?.stop());

describe('TcpDestroyStream', () => {
  it('reads events written in small pieces, with their final counters, cookie and uid', async () => {
    stream = new TcpDestroyStream({ command: child(`${EVENTS.join('\n')}\n`, 7) });
    stream.start();
    const got: ReturnType<TcpDestroyStream['take']> = [];
    await until('both events', () => {
      got.push(...stream!.take());
      return got.length === 2;
    });
    expect(got[0]).toMatchObject({
      cookie: 'c0d0',
      localPort: 36041,
      remotePort: 41154,
      uid: 0,
      traffic: { bytesReceived: 1048577, bytesSent: 0 },
    });
    expect(got[1]).toMatchObject({
      cookie: 'c0d1',
      family: 'inet',
      uid: 1000,
      // bytes_received:1 is the peer's FIN: no data segment came in (no data_segs_in).
      traffic: { bytesSent: 1048576, bytesReceived: 0 },
    });
    expect(stream.stats).toMatchObject({ events: 2, parseFailures: 0, running: true });
  });

  it('skips and counts bad records and lines too long to be ss output, and goes on', async () => {
    const bad = [
      '\t detail without a row',
      'UNCONN 0 0 127.0.0.1:1 127.0.0.1:2 ino:0',
      '\t rtt:1/1 bytes_sent:1',
      'UNCONN 0 0 127.0.0.1:1 127.0.0.1:2 ino:0 sk:ff',
      '\t rtt:1/1 bytes_sent:many',
      `UNCONN ${'x'.repeat(MAX_LINE_BYTES + 10)}`,
      ...EVENTS.slice(2),
      '',
    ].join('\n');
    stream = new TcpDestroyStream({ command: child(bad, 4096) });
    stream.start();
    await until('the good event', () => stream!.take().length === 1);
    expect(stream.stats.parseFailures).toBe(4);
    expect(stream.diagnostics().samples.map((s) => s.reason)).toEqual([
      'detail line without a socket line',
      'no socket cookie (sk:)',
      'unreadable bytes_sent',
      'line longer than 64 KiB',
    ]);
  });

  it('restarts a child that dies, with a notice, and gives up after quick deaths in a row', async () => {
    const notices: { level: string; code: string }[] = [];
    stream = new TcpDestroyStream({
      command: child(`${EVENTS.join('\n')}\n`, 4096, 3),
      restartDelayMs: 10,
      onNotice: (level, code) => notices.push({ level, code }),
    });
    stream.start();
    await until('five quick deaths', () => notices.some((n) => n.code === 'traffic-events-failed'));
    expect(notices.filter((n) => n.code === 'traffic-events-restarted')).toHaveLength(4);
    expect(notices.at(-1)).toEqual({ level: 'error', code: 'traffic-events-failed' });
    expect(stream.stats).toMatchObject({ restarts: 4, running: false });
    expect(stream.stats.reason).toMatch(/exited with 3; stopped after 5 quick failures/);
    // Every run's events were read.
    expect(stream.take()).toHaveLength(10);
  });

  it('says in plain words when the kernel’s queue of close events overflowed (ss -E ends on ENOBUFS)', async () => {
    const notices: { code: string; text: string }[] = [];
    const script =
      "process.stderr.write('netlink receive error No buffer space available (105)\\n'); setTimeout(() => process.exit(1), 20);";
    stream = new TcpDestroyStream({
      command: [process.execPath, '-e', script],
      restartDelayMs: 5_000,
      onNotice: (_level, code, text) => notices.push({ code, text }),
    });
    stream.start();
    await until('the notice', () => notices.length > 0);
    expect(notices[0]!.code).toBe('traffic-events-restarted');
    expect(notices[0]!.text).toMatch(/^More connections closed at once than NetLens could follow one by one/);
    expect(notices[0]!.text).toContain('No buffer space available');
  });

  it('keeps at most maxQueue events and counts the rest as dropped', async () => {
    stream = new TcpDestroyStream({ command: child(`${EVENTS.join('\n')}\n`.repeat(3), 4096), maxQueue: 4 });
    stream.start();
    await until('all six read', () => stream!.stats.events === 6);
    expect(stream.take()).toHaveLength(4);
    expect(stream.stats.dropped).toBe(2);
  });
});
