// Remote hosts at scale: N Linux hosts (network namespaces with sshd, as in the tests) read over ssh once a
// second, each with its own monitor diffing every dataset, as the app does for "All hosts". Prints one JSON line:
//   hosts, intervalMs, seconds       what was measured
//   framesPerHost                    frames each host delivered in the window (ideally seconds / interval)
//   bytesPerHostTick                 median bytes of one host's frame on the wire (before ssh's encryption)
//   cpuMsPerHostTick                 this process's CPU (parse, diff) per host per tick
//   sshCpuMsPerHostTick              the local ssh processes' CPU per host per tick (the ControlMaster that
//                                    decrypts and relays, and the client)
//   localCpuMsPerTick                the peer: this machine read by the local collectors and diffed by a monitor,
//                                    per tick, measured in the same run
//   remoteVsLocal                    (cpuMsPerHostTick + sshCpuMsPerHostTick) / localCpuMsPerTick
//   cpuShareOfOneCore                all hosts together: local CPU (process + ssh) / wall time
//   npm run bench:remote [-- --hosts N --seconds S]
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ServerMessage } from '../shared/protocol.js';
import type { Dataset } from '../shared/types.js';
import { createCollectors } from '../electron/collectors/index.js';
import type { Collectors } from '../electron/collectors/collector.js';
import { createInThreadMonitor } from '../electron/monitor/monitor.js';
import { RemoteHost, remoteCollectors } from '../electron/remote/host.js';
import { SshLab, type NamespaceHost } from '../test/e2e/ssh-namespaces.js';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' } },
});
const HOSTS = Number(values.hosts);
const SECONDS = Number(values.seconds);
const INTERVAL_MS = 1000;
const DATASETS: Dataset[] = ['connections', 'routes', 'interfaces', 'statistics', 'multicast'];

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[s.length >> 1]!;
};
const round = (n: number, d = 3) => Number(n.toFixed(d));

function cpuMsOfProcess(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU (ms) of the ssh processes of NetLens's remote hosts: the clients it runs and the ControlMaster processes
 *  they leave in the background (found by their control directory, netlens-ssh-*). From schedstat, which counts
 *  nanoseconds: at a few kB per second an ssh client uses less than one clock tick in a second. */
function sshCpuMs(): number {
  let ns = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      // The background master renames itself "ssh: <control path> [mux]"; it does the I/O and the crypto.
      if (!/^ssh[\0:]/.test(cmdline) || !cmdline.includes('netlens-ssh-')) continue;
      ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // exited meanwhile
    }
  }
  return ns / 1e6;
}

/** Runs a monitor over `collectors`, subscribed to every dataset with immediate acks; returns a stop function. */
function monitorOver(collectors: Collectors): { stop: () => Promise<void>; ticks: () => number } {
  const monitor = createInThreadMonitor({ collectors, intervalMs: INTERVAL_MS, log: () => {} });
  let diffs = 0;
  const client = monitor.attach((m: ServerMessage) => {
    if (m.type === 'diff') {
      if (m.dataset === 'connections') diffs++;
      client.handle({ type: 'ack', dataset: m.dataset, seq: m.seq });
    }
  });
  for (const d of DATASETS) client.handle({ type: 'subscribe', dataset: d });
  return { stop: () => monitor.close(), ticks: () => diffs };
}

async function measure(
  run: () => Promise<void> | void,
  seconds: number,
): Promise<{ cpuMs: number; sshMs: number; wallMs: number }> {
  await run();
  const cpu0 = cpuMsOfProcess();
  const ssh0 = sshCpuMs();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return { cpuMs: cpuMsOfProcess() - cpu0, sshMs: sshCpuMs() - ssh0, wallMs: Date.now() - t0 };
}

async function main(): Promise<void> {
  // The peer: this machine, local collectors, one monitor.
  const local = monitorOver(createCollectors());
  await new Promise((r) => setTimeout(r, 3000));
  const localTicks0 = local.ticks();
  const localRun = await measure(() => {}, Math.min(SECONDS, 10));
  const localTicks = local.ticks() - localTicks0;
  await local.stop();

  const lab = new SshLab();
  const hosts: NamespaceHost[] = [];
  const remotes: RemoteHost[] = [];
  const monitors: ReturnType<typeof monitorOver>[] = [];
  try {
    for (let i = 1; i <= HOSTS; i++) hosts.push(lab.add(100 + i));
    lab.trust();
    for (const h of hosts) await h.up();
    for (const h of hosts) {
      const remote = new RemoteHost({ destination: h.alias, sshConfig: lab.config, intervalMs: INTERVAL_MS });
      remotes.push(remote);
      monitors.push(monitorOver(remoteCollectors(remote)));
    }
    // Until every host has delivered, then a little more for the monitors to settle.
    const deadline = Date.now() + 60_000;
    while (remotes.some((r) => r.status.state !== 'connected') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    const frameBytes: number[] = [];
    const sampler = setInterval(() => {
      for (const r of remotes) if (r.lastFrameBytes > 0) frameBytes.push(r.lastFrameBytes);
    }, INTERVAL_MS);
    const ticks0 = monitors.map((m) => m.ticks());
    const run = await measure(() => {}, SECONDS);
    clearInterval(sampler);
    const hostTicks = monitors.reduce((sum, m, i) => sum + m.ticks() - ticks0[i]!, 0);
    const cpuMsPerHostTick = run.cpuMs / hostTicks;
    const sshCpuMsPerHostTick = run.sshMs / hostTicks;
    const localCpuMsPerTick = localRun.cpuMs / Math.max(1, localTicks);
    console.log(
      JSON.stringify({
        bench: 'remote',
        hosts: HOSTS,
        intervalMs: INTERVAL_MS,
        seconds: SECONDS,
        framesPerHost: round(hostTicks / HOSTS, 1),
        bytesPerHostTick: median(frameBytes),
        cpuMsPerHostTick: round(cpuMsPerHostTick),
        sshCpuMsPerHostTick: round(sshCpuMsPerHostTick),
        localCpuMsPerTick: round(localCpuMsPerTick),
        remoteVsLocal: round((cpuMsPerHostTick + sshCpuMsPerHostTick) / localCpuMsPerTick),
        cpuShareOfOneCore: round((run.cpuMs + run.sshMs) / run.wallMs),
        disconnected: remotes.filter((r) => r.status.state !== 'connected').length,
      }),
    );
  } finally {
    for (const m of monitors) await m.stop();
    for (const r of remotes) await r.close();
    await lab.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
