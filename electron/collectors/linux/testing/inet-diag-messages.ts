// sock_diag replies laid out as the kernel lays them out, for tests: one inet_diag_msg in its nlmsghdr, and a
// tcp_info struct. Never used by product code.
import { AF_INET, INET_DIAG_INFO, SOCK_DIAG_BY_FAMILY } from '../sock-diag.js';

export interface Sock {
  family?: number;
  state?: number;
  local?: number[];
  remote?: number[];
  ports?: [number, number];
  cookie?: [number, number];
  queues?: [number, number];
  uid?: number;
  inode?: number;
  /** tcp_info bytes (any length) as an INET_DIAG_INFO attribute. */
  info?: Buffer;
}

/** One inet_diag_msg in an nlmsghdr, as the kernel frames it. */
export function message(s: Sock): Buffer {
  const attr = s.info ? Buffer.alloc(4 + ((s.info.length + 3) & ~3)) : Buffer.alloc(0);
  if (s.info) {
    attr.writeUInt16LE(4 + s.info.length, 0);
    attr.writeUInt16LE(INET_DIAG_INFO, 2);
    s.info.copy(attr, 4);
  }
  const b = Buffer.alloc(16 + 72 + attr.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  const m = 16;
  b[m] = s.family ?? AF_INET;
  b[m + 1] = s.state ?? 1;
  b.writeUInt16BE(s.ports?.[0] ?? 80, m + 4);
  b.writeUInt16BE(s.ports?.[1] ?? 5000, m + 6);
  Buffer.from(s.local ?? [127, 0, 0, 1]).copy(b, m + 8);
  Buffer.from(s.remote ?? [127, 0, 0, 2]).copy(b, m + 24);
  b.writeUInt32LE(s.cookie?.[0] ?? 0x1234, m + 44);
  b.writeUInt32LE(s.cookie?.[1] ?? 0, m + 48);
  b.writeUInt32LE(s.queues?.[0] ?? 0, m + 56);
  b.writeUInt32LE(s.queues?.[1] ?? 0, m + 60);
  b.writeUInt32LE(s.uid ?? 1000, m + 64);
  b.writeUInt32LE(s.inode ?? 4242, m + 68);
  attr.copy(b, m + 72);
  return b;
}

/** A tcp_info of `length` bytes with rtt 1.5 ms, cwnd 10, bytes_acked 101, bytes_received 7 (or as given),
 *  bytes_sent 100. */
export function tcpInfo(length: number, bytesReceived = 7): Buffer {
  const t = Buffer.alloc(length);
  const put32 = (at: number, v: number) => at + 4 <= length && t.writeUInt32LE(v, at);
  const put64 = (at: number, v: number) => at + 8 <= length && t.writeBigUInt64LE(BigInt(v), at);
  put32(68, 1500);
  put32(72, 250);
  put32(80, 10);
  put64(120, 101);
  put64(128, bytesReceived);
  put32(148, 0xffffffff);
  put64(200, 100);
  return t;
}
