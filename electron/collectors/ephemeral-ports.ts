// The ports the kernel picks for a socket bound to port 0 (a UDP client such as Node's dgram, a WebRTC peer):
// such a port says nothing about what the socket is, and changes every time. Read once. Linux:
// /proc/sys/net/ipv4/ip_local_port_range ("32768	60999"), with the kernel's default where it cannot be read;
// macOS and Windows use the IANA dynamic range by default (49152-65535).
import { readFileSync } from 'node:fs';

export interface PortRange {
  low: number;
  high: number;
}

export const LINUX_DEFAULT_EPHEMERAL: PortRange = { low: 32768, high: 60999 };
export const IANA_EPHEMERAL: PortRange = { low: 49152, high: 65535 };
export const LINUX_PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** "low high" as the kernel prints it, or null for anything else (out of range, reversed, malformed). */
export function parsePortRange(text: string): PortRange | null {
  const m = /^\s*(\d{1,5})\s+(\d{1,5})\s*$/.exec(text);
  if (!m) return null;
  const low = Number(m[1]);
  const high = Number(m[2]);
  return low >= 1 && high <= 65535 && low <= high ? { low, high } : null;
}

export function ephemeralPorts(
  platform: NodeJS.Platform = process.platform,
  read: (file: string) => string = (file) => readFileSync(file, 'latin1'),
): PortRange {
  if (platform !== 'linux') return IANA_EPHEMERAL;
  try {
    return parsePortRange(read(LINUX_PORT_RANGE_FILE)) ?? LINUX_DEFAULT_EPHEMERAL;
  } catch {
    return LINUX_DEFAULT_EPHEMERAL;
  }
}
