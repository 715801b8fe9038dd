// What every OS's statistics parser shares (the live collectors and the capture parsers alike).
import type { Counter } from '../../../shared/types.js';

const ERROR_WORDS =
  /error|drop|discard|bad|fail|retrans|overflow|timeout|invalid|reset|unreach|refused|lost|prun|collaps|abort|checksum|too short|too long|no port|no route|dup|out-of-order|rejected|overflow/i;
const GAUGE_WORDS = /current|in use|currently|^rto(min|max|algorithm)$|^maxconn$|^forwarding$|^defaultttl$|\binuse\b/i;

export function makeCounter(group: string, name: string, value: number, description: string | null): Counter {
  return {
    id: `${group}.${name}`,
    group,
    name,
    value,
    description,
    kind: GAUGE_WORDS.test(name) ? 'gauge' : 'counter',
    isError: ERROR_WORDS.test(name),
  };
}
