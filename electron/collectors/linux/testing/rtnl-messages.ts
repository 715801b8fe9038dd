// Routing netlink replies laid out as the kernel lays them out, for tests: one RTM_NEWADDR (an ifaddrmsg and its
// address attributes) in its nlmsghdr. Never used by product code.
import { AF_INET } from '../sock-diag.js';

const RTM_NEWADDR = 20;

/** One IPv4 address of the interface at `index`, as an RTM_NEWADDR message: IFA_ADDRESS `peer` (the local address
 *  unless given) and IFA_LOCAL `local` (left out where null). */
export function newAddressMessage(
  index: number,
  local: number[] | null,
  prefixLength: number,
  scope: number,
  peer: number[] | null = local,
): Buffer {
  const attributes = [...(peer ? [attribute(1, peer)] : []), ...(local ? [attribute(2, local)] : [])];
  const body = Buffer.concat([ifaddrmsg(index, prefixLength, scope), ...attributes]);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + body.length, 0);
  header.writeUInt16LE(RTM_NEWADDR, 4);
  return Buffer.concat([header, body]);
}

function ifaddrmsg(index: number, prefixLength: number, scope: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(AF_INET, 0);
  b.writeUInt8(prefixLength, 1);
  b.writeUInt8(scope, 3);
  b.writeUInt32LE(index, 4);
  return b;
}

function attribute(type: number, bytes: number[]): Buffer {
  const b = Buffer.alloc(4 + ((bytes.length + 3) & ~3));
  b.writeUInt16LE(4 + bytes.length, 0);
  b.writeUInt16LE(type, 2);
  Buffer.from(bytes).copy(b, 4);
  return b;
}
