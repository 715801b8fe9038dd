// RTM_GETLINK messages read as sysfs prints each interface's link facts (rtnl-links.live.test.ts compares the two on
// live interfaces): flags as the device's own (dev->flags), carrier unreadable while down, and messages the kernel
// would not send skipped and counted, the rest still read.
import { describe, expect, it } from 'vitest';
import { parseLinkDump } from './rtnl-links.js';

const RTM_NEWLINK = 16;
const UP = 0x1;
const BROADCAST = 0x2;
const RUNNING = 0x40;
const PROMISC = 0x100;
const ALLMULTI = 0x200;
const MULTICAST = 0x1000;
const LOWER_UP = 0x10000;
const DORMANT = 0x20000;

/** A netlink attribute: its header, payload and padding to 4 bytes. */
function attr(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(4 + payload.length, 0);
  head.writeUInt16LE(type, 2);
  return Buffer.concat([head, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u8 = (n: number) => Buffer.from([n]);
const name = (s: string | Buffer) => attr(3, Buffer.concat([Buffer.isBuffer(s) ? s : Buffer.from(s), u8(0)]));

/** An RTM_NEWLINK message: ifinfomsg (type, index, flags) and attributes. */
function link(o: { type?: number; index: number; flags: number; msgType?: number }, ...attrs: Buffer[]): Buffer {
  const info = Buffer.alloc(16);
  info.writeUInt16LE(o.type ?? 1, 2);
  info.writeInt32LE(o.index, 4);
  info.writeUInt32LE(o.flags, 8);
  const body = Buffer.concat([info, ...attrs]);
  const head = Buffer.alloc(16);
  head.writeUInt32LE(16 + body.length, 0);
  head.writeUInt16LE(o.msgType ?? RTM_NEWLINK, 4);
  return Buffer.concat([head, body]);
}

describe('parseLinkDump', () => {
  it("gives sysfs's texts: the device's own flags, the MAC, MTU, state, carrier and its changes", () => {
    const msg = link(
      { index: 2, flags: UP | BROADCAST | RUNNING | MULTICAST | LOWER_UP },
      name('eth0'),
      attr(1, Buffer.from([0x02, 0xfc, 0, 0, 0, 0x1a])),
      attr(4, u32(1500)),
      attr(16, u8(6)),
      attr(33, u8(1)),
      attr(35, u32(3)),
      attr(30, u32(1)), // promiscuous for someone (a capture), not set by a user: the message's flags lack it
      attr(61, u32(0)),
    );
    const { byName, skipped } = parseLinkDump([msg]);
    expect(skipped).toBe(0);
    expect(byName.get('eth0')).toEqual({
      operstate: 'up',
      carrier: '1',
      mtu: '1500',
      address: '02:fc:00:00:00:1a',
      type: '1',
      flags: `0x${(UP | BROADCAST | PROMISC | MULTICAST).toString(16)}`,
      ifindex: '2',
      carrier_changes: '3',
    });
  });

  it("keeps the message's PROMISC and ALLMULTI where the kernel gives no counts, and drops what it works out", () => {
    const msg = link({ index: 5, flags: UP | PROMISC | ALLMULTI | RUNNING | DORMANT }, name('w0'), attr(16, u8(5)));
    expect(parseLinkDump([msg]).byName.get('w0')).toMatchObject({
      flags: `0x${(UP | PROMISC | ALLMULTI).toString(16)}`,
      operstate: 'dormant',
      carrier: null, // no IFLA_CARRIER
      mtu: null,
      address: '', // no hardware address (a tun device)
      carrier_changes: null,
    });
    // Counts of 0 clear what a user set, as the device is not in that mode then.
    const counted = link({ index: 5, flags: UP | PROMISC | ALLMULTI }, name('w0'), attr(30, u32(0)), attr(61, u32(0)));
    expect(parseLinkDump([counted]).byName.get('w0')!.flags).toBe('0x1');
  });

  it('has no carrier while the device is down, as sysfs refuses it then, and no name for a state sysfs has none for', () => {
    const msg = link({ index: 3, flags: BROADCAST }, name('d0'), attr(16, u8(2)), attr(33, u8(0)));
    expect(parseLinkDump([msg]).byName.get('d0')).toMatchObject({ operstate: 'down', carrier: null, flags: '0x2' });
    const odd = link({ index: 3, flags: UP }, name('d1'), attr(16, u8(7)), attr(33, u8(0)));
    expect(parseLinkDump([odd]).byName.get('d1')).toMatchObject({ operstate: null, carrier: '0' });
  });

  it('reads a name as /proc/net/dev does: UTF-8 where it is, else latin1; without its NUL, to its end', () => {
    const utf8 = link({ index: 4, flags: 0 }, name('r\u202eevil'));
    const bytes = link({ index: 6, flags: 0 }, name(Buffer.from([0x65, 0xff, 0x30])));
    const noNul = link({ index: 7, flags: 0 }, attr(3, Buffer.from('nonul')));
    const { byName } = parseLinkDump([Buffer.concat([utf8, bytes, noNul])]);
    expect([...byName.keys()]).toEqual(['r\u202eevil', 'e\u00ff0', 'nonul']);
  });

  it('skips and counts what the kernel would not send, and reads the messages after it', () => {
    const good = link({ index: 1, flags: UP }, name('lo'));
    const noName = link({ index: 2, flags: UP }, attr(4, u32(1500)));
    const other = link({ index: 3, flags: UP, msgType: 20 }, name('x'));
    const short = link({ index: 4, flags: UP }).subarray(0, 24);
    short.writeUInt32LE(24, 0);
    const pastEnd = link({ index: 5, flags: UP }, name('y'));
    pastEnd.writeUInt16LE(200, 32); // the name attribute's length runs past the message
    const { byName, skipped } = parseLinkDump([Buffer.concat([noName, other, short, pastEnd, good])]);
    expect(skipped).toBe(4);
    expect([...byName.keys()]).toEqual(['lo']);
  });
});
