// What every OS's statistics parser shares (the live collectors and the capture parsers alike): how a counter is
// classified, whoever read it.
import type { Counter } from '../../../shared/types.js';

/** Current values, not running totals: a rate of these means nothing. By /proc name... */
const GAUGES = new Set([
  'Ip.Forwarding',
  'Ip.DefaultTTL',
  'Tcp.RtoAlgorithm',
  'Tcp.RtoMin',
  'Tcp.RtoMax',
  'Tcp.MaxConn',
  'Tcp.CurrEstab',
  'MPTcpExt.MPCurrEstab',
]);
/** ...and by the words of a netstat -s sentence or a Windows counter name. */
const GAUGE_WORDS = /current|in use|currently|^rto(min|max|algorithm)$|^maxconn$|^forwarding$|^defaultttl$|\binuse\b/i;

/** Counters whose rise means trouble, by the parts of a /proc name (InCsumErrors, TCPAbortOnData)... */
const ERROR_NAME =
  /Err|Fail|Drop|Discard|Retrans|Overflow|Timeout|Rst|Reset|Prune|Collapsed|Lost|Reneg|Abort|NoPorts|NoRoutes|Unknown|OOM|Bad|Csum|Excd|Unreach|ParmProb|Loss|Spurious|Memory|NotFound|Unexpected|TooBig/;
/** ...and by the words of a sentence or a Windows name. */
const ERROR_WORDS =
  /error|drop|discard|bad|fail|retrans|overflow|timeout|invalid|reset|unreach|refused|lost|prun|collaps|abort|checksum|too short|too long|no port|no route|dup|out-of-order|rejected|overflow/i;

/** Whether a counter is a gauge and whether its rise means trouble: one answer for a counter whichever OS,
 *  file or tool it came from (/proc/net/snmp, a netstat -s capture, Windows netstat -s). */
export function classifyCounter(group: string, name: string): { kind: 'counter' | 'gauge'; isError: boolean } {
  if (group === 'Sockets' || group === 'Sockets6') return { kind: 'gauge', isError: false };
  const kind = GAUGES.has(`${group}.${name}`) || GAUGE_WORDS.test(name) ? 'gauge' : 'counter';
  return { kind, isError: kind === 'counter' && (ERROR_NAME.test(name) || ERROR_WORDS.test(name)) };
}

export function makeCounter(group: string, name: string, value: number, description: string | null): Counter {
  return {
    id: `${group}.${name}`,
    group,
    name,
    value,
    description,
    ...classifyCounter(group, name),
  };
}
