// Defence in depth: requests were validated by shared/protocol.ts at the door, but every value an action
// hands to the OS is checked again here, right where it is used, so a caller that skips the door (a test,
// the CLI, a future host) still cannot send a malformed pid, port or address to kill, ss or PowerShell.
import { isIPv4, isIPv6 } from 'node:net';

/** The largest pid any supported OS hands out (Windows pids are DWORDs). */
export const MAX_PID = 2 ** 32 - 1;

export function isValidPid(pid: unknown): pid is number {
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid >= 1 && pid <= MAX_PID;
}

export function isValidPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535;
}

export interface ParsedAddress {
  family: 'inet' | 'inet6';
  /** The numeric address without its zone. */
  address: string;
  /** The IPv6 zone (interface name or index) after '%', or null. */
  zone: string | null;
}

const ZONE = /^[\w.-]{1,32}$/;

/** A numeric IPv4 or IPv6 address with an optional IPv6 zone, or null for anything else (names included). */
export function parseNumericAddress(text: unknown): ParsedAddress | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  const percent = text.indexOf('%');
  const address = percent === -1 ? text : text.slice(0, percent);
  const zone = percent === -1 ? null : text.slice(percent + 1);
  if (isIPv4(address) && zone === null) return { family: 'inet', address, zone: null };
  if (isIPv6(address) && (zone === null || ZONE.test(zone))) return { family: 'inet6', address, zone };
  return null;
}
