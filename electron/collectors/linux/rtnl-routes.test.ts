// The routes' fingerprint over routing netlink: a dump captured twice, 3 s apart, in a namespace holding IPv6 routes
// that expire (their RTA_CACHEINFO counts down), and messages changed from it as the kernel could send them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachNetlinkMessage } from './netlink.js';
import { linkDumpRequest } from './rtnl-links.js';
import { linkNames, routeDumpRequest, routeFingerprint } from './rtnl-routes.js';
import { forEachAttribute } from './sock-diag.js';

/** `ip netns exec NS node …`: lo, veth d0 with 10.9.0.1/24 and 2001:db8::1/64, `ip -6 route add 2001:db8:1::/64 dev d0
 *  expires 300`, 10.99.0.0/24 and 2001:db8:2::/64 in table 100, 2001:db8:3::/64 via 2001:db8::2 in table 100
 *  expiring in 100 s; one RTM_GETROUTE dump of AF_UNSPEC, its datagrams end to end. */
function captured(name: string): Buffer {
  return Buffer.from(readFileSync(join(__dirname, '../../../test/fixtures/rtnl', name), 'latin1'), 'base64');
}
const AT_0S = captured('route-dump-at-0s.b64');
const AT_3S = captured('route-dump-at-3s.b64');

/** Each message of a dump as [start, end] of the whole message (its nlmsghdr included). */
function messages(dump: Buffer): [number, number][] {
  const out: [number, number][] = [];
  forEachNetlinkMessage([dump], (_b, start, end) => out.push([start - 16, end]));
  return out;
}

/** Where a route message's attribute of `type` starts (its payload), or -1. */
function attributeAt(dump: Buffer, [start, end]: [number, number], type: number): number {
  let at = -1;
  forEachAttribute(dump, start + 16 + 12, end, (t, a) => {
    if (t === type) at = a;
    return true;
  });
  return at;
}

/** The message whose RTA_DST starts with these bytes. */
function routeTo(dump: Buffer, prefix: number[]): [number, number] {
  const found = messages(dump).find((m) => {
    const at = attributeAt(dump, m, 1);
    return at >= 0 && prefix.every((byte, i) => dump[at + i] === byte);
  });
  if (!found) throw new Error('no such route in the capture');
  return found;
}

describe('routeFingerprint', () => {
  it('is the same for the two dumps, 3 s apart, whose expiring routes count down', () => {
    // Two routes' RTA_CACHEINFO differ (their time left), and nothing else.
    expect(AT_0S.equals(AT_3S)).toBe(false);
    const a = routeFingerprint([AT_0S]);
    const b = routeFingerprint([AT_3S]);
    expect(a.skipped).toBe(0);
    expect(a.routes).toBe(messages(AT_0S).length);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    // Split into other datagrams (the kernel fills each as it goes), the same.
    const [, cut] = messages(AT_0S)[3]!;
    expect(routeFingerprint([AT_0S.subarray(0, cut), AT_0S.subarray(cut)]).bytes.equals(a.bytes)).toBe(true);
  });

  it("leaves out the dump's sequence and port, and keeps whether a route expires", () => {
    const other = Buffer.from(AT_0S);
    for (const [start] of messages(other)) {
      other.writeUInt32LE(77, start + 8);
      other.writeUInt32LE(123456, start + 12);
    }
    expect(routeFingerprint([other]).bytes.equals(routeFingerprint([AT_0S]).bytes)).toBe(true);
    // 2001:db8:1::/64 made a route that does not expire (ip then prints no `expires`, the Routes tab no `e`).
    const forever = Buffer.from(AT_0S);
    const cache = attributeAt(forever, routeTo(forever, [0x20, 0x01, 0x0d, 0xb8, 0, 1]), 12);
    expect(forever.readUInt32LE(cache + 8)).toBeGreaterThan(0);
    forever.writeUInt32LE(0, cache + 8);
    expect(routeFingerprint([forever]).bytes.equals(routeFingerprint([AT_0S]).bytes)).toBe(false);
  });

  it('changes with a route of another table than main', () => {
    // 10.99.0.0/24 of table 100 moved to 10.99.1.0/24.
    const moved = Buffer.from(AT_0S);
    const dst = attributeAt(moved, routeTo(moved, [10, 99]), 1);
    moved[dst + 2] = 1;
    expect(routeFingerprint([moved]).bytes.equals(routeFingerprint([AT_0S]).bytes)).toBe(false);
  });

  it('leaves out cached routes (RTM_F_CLONED) and families other than IPv4 and IPv6, as ip does', () => {
    const route = routeTo(AT_0S, [10, 99]);
    const extra = (edit: (m: Buffer) => void) => {
      const m = Buffer.from(AT_0S.subarray(route[0], route[1]));
      edit(m);
      return routeFingerprint([AT_0S, m]).bytes.equals(routeFingerprint([AT_0S]).bytes);
    };
    expect(extra((m) => m.writeUInt32LE(0x200, 16 + 8))).toBe(true);
    expect(extra((m) => m.writeUInt8(128, 16))).toBe(true); // RTNL_FAMILY_IPMR
    expect(extra(() => {})).toBe(false);
  });

  it('counts a message it cannot read and compares it whole', () => {
    const route = routeTo(AT_0S, [10, 99]);
    const past = Buffer.from(AT_0S.subarray(route[0], route[1]));
    past.writeUInt16LE(200, 16 + 12); // its first attribute runs past its end
    const short = Buffer.alloc(16 + 4);
    short.writeUInt32LE(20, 0);
    short.writeUInt16LE(24, 4);
    const r = routeFingerprint([AT_0S, past, short]);
    expect(r.skipped).toBe(2);
    expect(r.routes).toBe(messages(AT_0S).length);
    const changed = Buffer.from(past);
    changed.writeUInt8(changed.readUInt8(16 + 12 + 8) ^ 1, 16 + 12 + 8);
    expect(routeFingerprint([AT_0S, changed, short]).bytes.equals(r.bytes)).toBe(false);
    // The same messages in the next dump (another sequence, as each dump has): the same.
    const next = [AT_0S, past, short].map((d) => Buffer.from(d));
    for (const d of next)
      for (const [start] of messages(d)) {
        d.writeUInt32LE(78, start + 8);
        d.writeUInt32LE(654321, start + 12);
      }
    expect(routeFingerprint(next).bytes.equals(r.bytes)).toBe(true);
  });
});

describe('linkNames', () => {
  /** An RTM_NEWLINK message of interface `index` named `name`, with another attribute before the name. */
  function link(index: number, name: string | null): Buffer {
    const attrs: Buffer[] = [Buffer.from([8, 0, 4, 0, 0xdc, 0x05, 0, 0])]; // IFLA_MTU 1500
    if (name !== null) {
      const n = Buffer.from(`${name}\0`, 'latin1');
      const a = Buffer.alloc(4 + ((n.length + 3) & ~3));
      a.writeUInt16LE(4 + n.length, 0);
      a.writeUInt16LE(3, 2);
      n.copy(a, 4);
      attrs.push(a);
    }
    const ifinfo = Buffer.alloc(16);
    ifinfo.writeInt32LE(index, 4);
    const body = Buffer.concat([ifinfo, ...attrs]);
    const header = Buffer.alloc(16);
    header.writeUInt32LE(16 + body.length, 0);
    header.writeUInt16LE(16, 4);
    return Buffer.concat([header, body]);
  }

  it('gives each index its name, so that a rename changes it, and counts a message without a name', () => {
    const r = linkNames([Buffer.concat([link(1, 'lo'), link(3, 'd0')]), link(4, null)]);
    expect(r.bytes.toString('latin1')).toBe('1\0lo\x003\0d0\0');
    expect(r.links).toBe(2);
    expect(r.skipped).toBe(1);
    expect(linkNames([link(1, 'lo'), link(3, 'd1')]).bytes.equals(r.bytes)).toBe(false);
  });

  it('asks for every family and table, and links without their statistics', () => {
    expect([...routeDumpRequest()]).toEqual(Array(12).fill(0));
    expect(linkDumpRequest().readUInt32LE(16 + 4)).toBe(8); // RTEXT_FILTER_SKIP_STATS in IFLA_EXT_MASK
  });
});
