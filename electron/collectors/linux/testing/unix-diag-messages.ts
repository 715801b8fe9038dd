// unix_diag replies laid out as the kernel lays them out, for tests: one unix_diag_msg in its nlmsghdr with its
// attributes. Never used by product code.
import { AF_UNIX, SOCK_DIAG_BY_FAMILY } from '../sock-diag.js';

export interface UnixSock {
  type?: number;
  state?: number;
  inode?: number;
  /** Attributes as [type, payload]. */
  attrs?: [number, Buffer][];
}

/** unix_diag attributes (UNIX_DIAG_*). */
export const NAME = 0;
export const PEER = 2;
export const ICONS = 3;
export const RQLEN = 4;

/** One unix_diag_msg in an nlmsghdr, its attributes padded to 4 bytes as the kernel pads them. */
export function unixMessage(s: UnixSock): Buffer {
  const attrs = (s.attrs ?? []).map(([type, payload]) => {
    const a = Buffer.alloc(4 + ((payload.length + 3) & ~3));
    a.writeUInt16LE(4 + payload.length, 0);
    a.writeUInt16LE(type, 2);
    payload.copy(a, 4);
    return a;
  });
  const body = Buffer.concat(attrs);
  const b = Buffer.alloc(16 + 16 + body.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  b[16] = AF_UNIX;
  b[17] = s.type ?? 1;
  b[18] = s.state ?? 7;
  b.writeUInt32LE(s.inode ?? 77, 20);
  body.copy(b, 32);
  return b;
}

/** Little-endian u32s, as an attribute's payload. */
export function u32s(...xs: number[]): Buffer {
  const b = Buffer.alloc(4 * xs.length);
  for (const [i, x] of xs.entries()) b.writeUInt32LE(x, 4 * i);
  return b;
}
