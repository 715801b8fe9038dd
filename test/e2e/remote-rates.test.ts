// A remote host's send and receive rates over a real ssh (a host in a network namespace with Debian's sshd,
// ssh-namespaces.ts), read as the app reads it (RemoteFleet beside this machine's rows, through the monitor).
// Review N5: its frames come slower than the monitor's ticks (an interval plus the time to make one), and its
// rates read 0 B/s at most ticks and then several times the real rate. A loopback pair inside the host moves a
// steady, known number of bytes per second; once the second frame gave the connection a rate, it is never 0
// while the bytes flow and never twice what is sent. Wide bands only: nothing here times the machine.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/types.js';
import { createInThreadMonitor } from '../../electron/monitor/monitor.js';
import { TestClient } from '../../electron/monitor/testing/test-client.js';
import { SyntheticConnections, syntheticCollectors } from '../../electron/monitor/testing/synthetic.js';
import { RemoteFleet } from '../../electron/remote/fleet.js';
import { until } from '../until.js';
import { SSHD, SshLab, type NamespaceHost } from './ssh-namespaces.js';

const isRoot = process.getuid?.() === 0;
const WAIT_MS = 60_000;
const TEST_MS = 180_000;
/** The pair's steady rate: 64 KiB every 125 ms, 512 KiB/s. */
const CHUNK = 64 * 1024;
const EVERY_MS = 125;
const SENT_PER_SEC = (CHUNK * 1000) / EVERY_MS;

describe.skipIf(process.platform !== 'linux' || !isRoot || !existsSync(SSHD))('remote rates over ssh', () => {
  let lab: SshLab;
  let host: NamespaceHost;
  let pair: ChildProcess | null = null;
  let clientPort = 0;
  let fleet: RemoteFleet | null = null;

  beforeAll(async () => {
    lab = new SshLab();
    host = lab.add(7);
    lab.trust();
    await host.up();
    // Inside the host: a server that reads everything and a client that sends CHUNK bytes every EVERY_MS.
    pair = host.spawn(process.execPath, [
      '-e',
      `
      const net = require('net');
      net.createServer((c) => c.resume()).listen(7300, '127.0.0.1', () => {
        const c = net.connect(7300, '127.0.0.1', () => {
          console.log(String(c.localPort));
          setInterval(() => c.write(Buffer.alloc(${CHUNK}, 7)), ${EVERY_MS});
        });
      });
    `,
    ]);
    clientPort = await new Promise<number>((resolve) =>
      pair!.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
  }, TEST_MS);

  afterAll(async () => {
    pair?.kill('SIGKILL');
    await fleet?.close();
    await lab?.cleanup();
  });

  it(
    'gives the connection the rate it moves at every tick, never 0 nor several times it',
    async () => {
      fleet = new RemoteFleet({ intervalMs: 1000, sshConfig: lab.config });
      const collectors = fleet.wrap(syntheticCollectors(new SyntheticConnections(10, 0)));
      fleet.add(host.alias);
      const monitor = createInThreadMonitor({ collectors, intervalMs: 1000, log: () => {} });
      const client = new TestClient(monitor);
      try {
        client.handle({ type: 'subscribe', dataset: 'connections' });
        const rows = () => (client.tables.get('connections')?.values() ?? []) as Iterable<Connection>;
        const sender = () =>
          [...rows()].find((r) => r.host === host.alias && r.localPort === clientPort && r.remotePort === 7300);
        await until('a send rate on the remote pair', () => typeof sender()?.sendRate === 'number', WAIT_MS);
        // What the user would see, four times a tick, over a dozen ticks.
        const seen: { sendRate: number | null | undefined; sent: number | null | undefined; at: number }[] = [];
        const end = Date.now() + 12_000;
        while (Date.now() < end) {
          const r = sender();
          seen.push({ sendRate: r?.sendRate, sent: r?.bytesSent, at: Date.now() });
          await new Promise((r) => setTimeout(r, 250));
        }
        const rates = seen.map((s) => s.sendRate);
        // The pair kept sending meanwhile (its counters grew): a 0 would be the tick's, not the traffic's.
        expect(seen.at(-1)!.sent! - seen[0]!.sent!).toBeGreaterThan(CHUNK * 8);
        for (const rate of rates) {
          expect(rate, `rates seen: ${rates.join(', ')}`).toBeGreaterThan(0);
          expect(rate, `rates seen: ${rates.join(', ')}`).toBeLessThanOrEqual(2 * SENT_PER_SEC);
        }
      } finally {
        await monitor.close();
      }
    },
    TEST_MS,
  );
});
