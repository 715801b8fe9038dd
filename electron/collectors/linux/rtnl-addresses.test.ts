// IPv4 addresses over routing netlink (RTM_GETADDR): the replies as the kernel lays them out, and this machine's
// kernel against `ip -j -4 addr show`.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NetlinkDumper } from './netlink.js';
import { dumpIpv4Addresses, NETLINK_ROUTE, parseAddressDump } from './rtnl-addresses.js';
import { newAddressMessage } from './testing/rtnl-messages.js';

describe('parseAddressDump', () => {
  it('reads each address by its interface index: the local one where a point-to-point link names its peer', () => {
    const r = parseAddressDump([
      Buffer.concat([newAddressMessage(1, [127, 0, 0, 1], 8, 254), newAddressMessage(7, [192, 0, 2, 5], 24, 0)]),
      newAddressMessage(9, [10, 0, 0, 1], 32, 0, [10, 0, 0, 2]),
      newAddressMessage(7, null, 16, 253, [169, 254, 1, 2]),
    ]);
    expect(r.skipped).toBe(0);
    expect([...r.byIndex]).toEqual([
      [1, [{ family: 'inet', address: '127.0.0.1', prefixLength: 8, scope: 'host' }]],
      [
        7,
        [
          { family: 'inet', address: '192.0.2.5', prefixLength: 24, scope: 'global' },
          { family: 'inet', address: '169.254.1.2', prefixLength: 16, scope: 'link' },
        ],
      ],
      [9, [{ family: 'inet', address: '10.0.0.1', prefixLength: 32, scope: 'global' }]],
    ]);
  });

  it('skips and counts a message cut short, one with an attribute past its end, and one with no address', () => {
    const whole = newAddressMessage(7, [192, 0, 2, 5], 24, 0);
    const short = Buffer.from(whole.subarray(0, 20));
    short.writeUInt32LE(20, 0);
    const past = Buffer.from(whole);
    past.writeUInt16LE(200, 24);
    const none = newAddressMessage(7, null, 24, 0, null);
    const r = parseAddressDump([short, past, none, whole]);
    expect(r.skipped).toBe(3);
    expect([...r.byIndex.keys()]).toEqual([7]);
  });
});

describe.skipIf(process.platform !== 'linux' || NetlinkDumper.unavailable() !== null)('this kernel', () => {
  it('gives every interface the IPv4 addresses `ip -j -4 addr show` gives it', async () => {
    const links = JSON.parse(execFileSync('ip', ['-j', '-4', 'addr', 'show'], { encoding: 'utf8' })) as {
      ifindex: number;
      addr_info: { local: string; prefixlen: number; scope: string }[];
    }[];
    const dumper = new NetlinkDumper(NETLINK_ROUTE);
    const r = await dumpIpv4Addresses(dumper);
    dumper.close();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const link of links)
      expect(r.byIndex.get(link.ifindex) ?? []).toEqual(
        link.addr_info.map((a) => ({ family: 'inet', address: a.local, prefixLength: a.prefixlen, scope: a.scope })),
      );
    expect(r.skipped).toBe(0);
  });
});
