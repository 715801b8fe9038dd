// Every exported Linux parser, fed thousands of mutated lines of the real captures: it must never throw,
// and every input line must end up as a row or as a counted skip (or be blank/header).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  linuxFixture as fixture,
  linuxFixturesStartingWith as fixturesStartingWith,
} from '../../../test/fixtures/captures/fixtures.js';
import { parseProcNetInet, parseProcNetUnix } from '../connections/linux.js';
import { parseProcNetDev } from '../interfaces/linux.js';
import { parseDevMcast, parseIgmp, parseIgmp6 } from '../multicast/linux.js';
import { parseIpJsonRoutes, parseProcNetIpv6Route, parseProcNetRoute } from '../routes/linux.js';
import { parseNetstat, parseSnmp, parseSnmp6, parseSockstat } from '../statistics/linux.js';

const PARSERS: [string, (text: string) => { rows: unknown[]; diagnostics: { skipped: number } }][] = [
  ['proc-net-tcp.', (t) => parseProcNetInet(t, 'tcp', 'inet')],
  ['proc-net-tcp6.', (t) => parseProcNetInet(t, 'tcp', 'inet6')],
  ['proc-net-udp.', (t) => parseProcNetInet(t, 'udp', 'inet')],
  ['proc-net-udp6.', (t) => parseProcNetInet(t, 'udp', 'inet6')],
  ['proc-net-raw.', (t) => parseProcNetInet(t, 'raw', 'inet')],
  ['proc-net-unix.', parseProcNetUnix],
  ['proc-net-route.', (t) => parseProcNetRoute(t)],
  ['proc-net-ipv6_route.', parseProcNetIpv6Route],
  ['ip-j-route.', (t) => parseIpJsonRoutes(t)],
  ['proc-net-dev.', parseProcNetDev],
  ['proc-net-snmp.', parseSnmp],
  ['proc-net-snmp6.', parseSnmp6],
  ['proc-net-netstat.', parseNetstat],
  ['proc-net-sockstat.', (t) => parseSockstat(t, 'inet')],
  ['proc-net-sockstat6.', (t) => parseSockstat(t, 'inet6')],
  ['proc-net-igmp.', (t) => parseIgmp(t)],
  ['proc-net-igmp6.', parseIgmp6],
  ['proc-net-dev_mcast.', parseDevMcast],
];

type Mutation = { line: number; at: number; kind: 'cut' | 'drop' | 'insert' | 'replace' | 'dup' | 'swap'; ch: string };

const mutation = fc.record({
  line: fc.nat(),
  at: fc.nat(),
  kind: fc.constantFrom('cut', 'drop', 'insert', 'replace', 'dup', 'swap'),
  ch: fc.constantFrom(' ', '\t', ':', '|', '\0', 'Z', '9', 'f', '-', '\r', '[', '{', '"', '\u00e9'),
}) as fc.Arbitrary<Mutation>;

function mutate(text: string, muts: Mutation[]): string {
  const lines = text.split('\n');
  for (const m of muts) {
    const i = m.line % Math.max(1, lines.length);
    const l = lines[i] ?? '';
    const at = l.length === 0 ? 0 : m.at % l.length;
    switch (m.kind) {
      case 'cut':
        lines[i] = l.slice(0, at);
        break;
      case 'drop':
        lines[i] = l.slice(0, at) + l.slice(at + 1);
        break;
      case 'insert':
        lines[i] = l.slice(0, at) + m.ch + l.slice(at);
        break;
      case 'replace':
        lines[i] = l.slice(0, at) + m.ch + l.slice(at + 1);
        break;
      case 'dup':
        lines.splice(i, 0, l);
        break;
      case 'swap':
        lines.splice(i, 1);
        lines.push(l);
        break;
    }
  }
  return lines.join('\n');
}

describe('Linux parsers under mutated real input', () => {
  for (const [prefix, parse] of PARSERS) {
    const files = fixturesStartingWith(prefix);
    it(`${prefix}* (${files.length} captures) never throws`, () => {
      expect(files.length).toBeGreaterThan(0);
      const texts = files.map(fixture);
      fc.assert(
        fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (pick, muts) => {
          const input = mutate(texts[pick % texts.length] ?? '', muts);
          const r = parse(input);
          const lines = input.split('\n').filter((l) => l.trim() !== '').length;
          expect(Array.isArray(r.rows)).toBe(true);
          expect(r.diagnostics.skipped).toBeGreaterThanOrEqual(0);
          // Nothing is invented: never more rows plus skips than there are lines (routes via JSON and
          // multipath aside, where one line holds many rows).
          if (
            prefix !== 'ip-j-route.' &&
            !prefix.startsWith('proc-net-snmp') &&
            !prefix.startsWith('proc-net-netstat') &&
            !prefix.startsWith('proc-net-sockstat')
          ) {
            expect(r.rows.length).toBeLessThanOrEqual(lines);
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
