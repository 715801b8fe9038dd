// Interface names are bytes the creator chose, most often UTF-8: in a network namespace this test owns, a veth
// named `r\u202eevil` (a right-to-left override inside) keeps its name in `dump interfaces`, `routes` and
// `multicast`, read from /proc here and from the remote script's frames, and its sysfs facts (MAC, type, MTU)
// are found by that name instead of being lost to a latin1 reading.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MulticastGroup, NetInterface, Route } from '../../shared/types.js';
import { remoteRows } from '../../electron/remote/datasets.js';
import { FrameReader, type FrameEvent } from '../../electron/remote/frames.js';
import { REMOTE_SCRIPT } from '../../electron/remote/script.js';
import { CLI, requireBuild } from './support.js';

const NS = `fleetx${process.pid}`;
const NAME = 'r\u202eevil';
const isRoot = process.getuid?.() === 0;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function dump<Row>(dataset: string): Row[] {
  return JSON.parse(
    execFileSync('ip', ['netns', 'exec', NS, process.execPath, CLI, 'dump', dataset, '--json'], {
      encoding: 'utf8',
    }),
  ) as Row[];
}

describe.skipIf(process.platform !== 'linux' || !isRoot)('interface names that are not ASCII', () => {
  let mac: string;

  beforeAll(() => {
    requireBuild();
    spawnSync('ip', ['netns', 'del', NS]);
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'add', NAME, 'type', 'veth', 'peer', 'name', 'fleetp');
    ip('-n', NS, 'link', 'set', NAME, 'mtu', '1400', 'up');
    ip('-n', NS, 'link', 'set', 'fleetp', 'up');
    ip('-n', NS, 'addr', 'add', '10.78.0.1/24', 'dev', NAME);
    // The kernel's own view, read in the namespace by the UTF-8 path of the name.
    mac = execFileSync('ip', ['netns', 'exec', NS, 'cat', `/sys/class/net/${NAME}/address`], {
      encoding: 'utf8',
    }).trim();
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
  });

  it('keeps the name and finds its sysfs facts, in interfaces, routes and multicast', () => {
    const row = dump<NetInterface>('interfaces').find((r) => r.name === NAME);
    expect(row).toBeDefined();
    expect(row!.mac).toBe(mac);
    expect(row!.mtu).toBe(1400);
    expect(row!.type).not.toBeNull();
    expect(row!.addresses.map((a) => a.address)).toContain('10.78.0.1');
    expect(dump<Route>('routes').some((r) => r.iface === NAME && r.destination.startsWith('10.78.0.0'))).toBe(true);
    expect(dump<MulticastGroup>('multicast').some((g) => g.iface === NAME)).toBe(true);
  });

  it("keeps it in a remote host's frames too", () => {
    const r = spawnSync('ip', ['netns', 'exec', NS, 'sh', '-s', '--', '0.1', '1'], {
      input: REMOTE_SCRIPT,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status).toBe(0);
    const events = new FrameReader().push(r.stdout);
    const hello = events.find((e) => e.type === 'hello') as Extract<FrameEvent, { type: 'hello' }>;
    const frame = events.find((e) => e.type === 'frame') as Extract<FrameEvent, { type: 'frame' }>;
    const reading = { host: NS, hello: hello.hello, frame: frame.frame, at: Date.now() };
    const row = remoteRows('interfaces', reading).rows.find((x) => x.name === NAME);
    expect(row?.mac).toBe(mac);
    expect(row?.mtu).toBe(1400);
    expect(remoteRows('routes', reading).rows.some((x) => x.iface === NAME)).toBe(true);
    expect(remoteRows('multicast', reading).rows.some((g) => g.iface === NAME)).toBe(true);
  });
});
