// `--dns-server ADDR[:PORT]`, shared by the commands that resolve names (web, dump) and the desktop app;
// NETLENS_DNS_SERVER names the same server where no option does (the e2e tests point it at loopback).
import { parseDnsServer, type DnsServer } from '../../shared/names.js';

export const DNS_SERVER_OPTION = { 'dns-server': { type: 'string' } } as const;
export const DNS_SERVER_USAGE = '[--dns-server ADDR[:PORT]]';

/** The server to ask, null for the system's, or an error message for a value that is not ADDR[:PORT]. */
export function dnsServerOption(
  value: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DnsServer | null | string {
  const text = value ?? env.NETLENS_DNS_SERVER;
  if (text === undefined || text === '') return null;
  return (
    parseDnsServer(text) ??
    `--dns-server wants a numeric address with an optional port (192.0.2.53, 127.0.0.1:5353, [::1]:5353), not ${JSON.stringify(text)}`
  );
}
