// Live: the link facts of one RTM_GETLINK dump (rtnl-links.ts) are, text for text, what each interface's sysfs files
// hold, on every interface of a network namespace of the test's own: a loopback up, veths up and down, a bridge and
// its port (promiscuous because of the bridge: sysfs shows it, the message's flags do not), a link promiscuous and
// one all-multicast because a packet socket asked (as a capture does), one set promiscuous and all-multicast by
// `ip link`, a tun device (no hardware address) and an ifb device. And the Interfaces collector's rows are the same
// with the dump as with sysfs alone. Both read in a process started in the namespace (`ip netns exec`, which mounts
// the namespace's own /sys).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';
import { killAllIn } from '../../../test/namespaces.js';
import { NetlinkDumper } from './netlink.js';

const NS = `fleetlinks${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'netlens-links-'));

const SCRIPT = (links: string, netlink: string, interfaces: string) => `
import { readdirSync, readFileSync } from 'node:fs';
import { NetlinkDumper } from ${JSON.stringify(netlink)};
import { dumpLinkFacts } from ${JSON.stringify(links)};
import { LinuxInterfacesCollector } from ${JSON.stringify(interfaces)};
const ATTRIBUTES = ['operstate', 'carrier', 'mtu', 'address', 'type', 'flags', 'ifindex', 'carrier_changes'];
const file = (path) => { try { return readFileSync(path, 'latin1').trim(); } catch { return null; } };
(async () => {
  const dumper = new NetlinkDumper(0);
  const r = await dumpLinkFacts(dumper);
  dumper.close();
  if (!r.ok) throw new Error(r.error);
  const sysfs = {};
  for (const name of readdirSync('/sys/class/net'))
    sysfs[name] = Object.fromEntries(ATTRIBUTES.map((a) => [a, file('/sys/class/net/' + name + '/' + a)]));
  const strip = (rows) => rows.map((row) => ({ ...row, counters: null, rates: null })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const withDump = await new LinuxInterfacesCollector().read();
  const sysfsOnly = await new LinuxInterfacesCollector('/proc', '/sys/class/net', false).read();
  console.log(JSON.stringify({
    dump: Object.fromEntries(r.byName),
    skipped: r.skipped,
    sysfs,
    withDump: strip(withDump.rows),
    sysfsOnly: strip(sysfsOnly.rows),
    notes: withDump.diagnostics.notes,
  }));
})();
`;

/** A packet socket asking for promiscuous mode on p0 and all-multicast on a0 (PACKET_ADD_MEMBERSHIP), as a capture
 *  does: the devices' counts go up, not the flags a user set. */
const MEMBERSHIPS = `
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
for name, kind in (("p0", 1), ("a0", 2)):
    s.setsockopt(263, 1, struct.pack("iHH8s", socket.if_nametoindex(name), kind, 0, b""))
print("ready", flush=True)
sys.stdin.read()
`;

const inNs = (...args: string[]) => execFileSync('ip', ['-n', NS, ...args], { stdio: 'pipe' });
const root = process.platform === 'linux' && process.getuid?.() === 0 && NetlinkDumper.unavailable() === null;

interface Answer {
  dump: Record<string, Record<string, string | null>>;
  skipped: number;
  sysfs: Record<string, Record<string, string | null>>;
  withDump: unknown[];
  sysfsOnly: unknown[];
  notes: string[];
}

describe.runIf(root)('link facts from one netlink dump', () => {
  let members: ChildProcess | null = null;

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', NS]);
    inNs('link', 'set', 'lo', 'up');
    inNs('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v0p');
    inNs('link', 'set', 'v0', 'up', 'mtu', '1400');
    inNs('link', 'set', 'v0p', 'up');
    inNs('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p'); // both down
    inNs('link', 'add', 'br0', 'type', 'bridge');
    inNs('link', 'add', 'bp0', 'type', 'veth', 'peer', 'name', 'bp0p');
    inNs('link', 'set', 'bp0', 'master', 'br0');
    inNs('link', 'set', 'br0', 'up');
    inNs('link', 'set', 'bp0', 'up');
    inNs('link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'a0');
    inNs('link', 'set', 'p0', 'up');
    inNs('link', 'add', 'u0', 'type', 'veth', 'peer', 'name', 'u0p');
    inNs('link', 'set', 'u0', 'promisc', 'on', 'allmulticast', 'on');
    inNs('link', 'add', 'ifb7', 'type', 'ifb');
    // IPv4 addresses, on links up and down, one of scope link and a 169.254 one of scope global (getifaddrs gave
    // neither's scope: it was guessed from the address).
    inNs('addr', 'add', '10.77.0.1/24', 'dev', 'v0');
    inNs('addr', 'add', '10.77.1.1/24', 'dev', 'v0', 'scope', 'link');
    inNs('addr', 'add', '10.78.0.1/16', 'dev', 'd0');
    inNs('addr', 'add', '169.254.9.9/16', 'dev', 'bp0');
    inNs('tuntap', 'add', 'tun7', 'mode', 'tun');
    members = spawn('ip', ['netns', 'exec', NS, 'python3', '-c', MEMBERSHIPS], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(members.stdout!, 'data');
  });

  afterAll(() => {
    members?.kill('SIGKILL');
    killAllIn(NS);
    execFileSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("are each interface's sysfs texts, and the collector's rows are the same with them", async () => {
    const bundle = await bundleScript(
      dir,
      'links',
      SCRIPT(
        join(__dirname, 'rtnl-links.ts'),
        join(__dirname, 'netlink.ts'),
        join(__dirname, '..', 'interfaces', 'linux.ts'),
      ),
    );
    const a = JSON.parse(
      execFileSync('ip', ['netns', 'exec', NS, process.execPath, bundle], { encoding: 'utf8', cwd: process.cwd() }),
    ) as Answer;
    expect(a.skipped).toBe(0);
    expect(a.notes).toEqual([]);
    expect(Object.keys(a.dump).sort()).toEqual(Object.keys(a.sysfs).sort());
    expect(a.dump).toEqual(a.sysfs);
    // What the namespace holds is what this test means to compare: each case is there, as sysfs says it.
    const flags = (name: string) => Number.parseInt(a.sysfs[name]!.flags!, 16);
    expect(flags('bp0') & 0x100).toBe(0x100); // promiscuous for its bridge
    expect(flags('p0') & 0x100).toBe(0x100); // for a packet socket
    expect(flags('a0') & 0x200).toBe(0x200); // all-multicast for a packet socket
    expect(flags('u0') & 0x300).toBe(0x300); // both, set by ip
    expect(a.sysfs.d0).toMatchObject({ operstate: 'down', carrier: null });
    expect(a.sysfs.v0).toMatchObject({ operstate: 'up', carrier: '1', mtu: '1400' });
    expect(a.sysfs.tun7).toMatchObject({ address: '', type: '65534' });
    expect(a.withDump).toEqual(a.sysfsOnly);
    expect(a.withDump).toHaveLength(Object.keys(a.sysfs).length);

    // Every interface's IPv4 addresses are what `ip -4 addr` shows, in its order, scope included, up or down.
    const ip = JSON.parse(inNs('-j', '-4', 'addr', 'show').toString()) as {
      ifname: string;
      addr_info: { local: string; prefixlen: number; scope: string }[];
    }[];
    const rows = a.withDump as {
      name: string;
      addresses: { family: string; address: string; prefixLength: number; scope: string }[];
    }[];
    const ours = Object.fromEntries(
      rows.map((r) => [
        r.name,
        r.addresses.filter((x) => x.family === 'inet').map((x) => `${x.address}/${x.prefixLength} ${x.scope}`),
      ]),
    );
    const theirs = Object.fromEntries(rows.map((r) => [r.name, [] as string[]]));
    for (const l of ip) theirs[l.ifname] = l.addr_info.map((x) => `${x.local}/${x.prefixlen} ${x.scope}`);
    expect(ours).toEqual(theirs);
    expect([...ours.v0!].sort()).toEqual(['10.77.0.1/24 global', '10.77.1.1/24 link']);
    expect(ours.bp0).toEqual(['169.254.9.9/16 global']);
    expect(ours.d0).toEqual(['10.78.0.1/16 global']);
  });
});
