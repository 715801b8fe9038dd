// The exposition builder: escaping, names, one HELP/TYPE per family, no duplicate series; and promtool (the
// format's own checker, Debian's prometheus package) accepts what it writes for hostile label values.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Exposition, escapeHelp, escapeLabelValue, formatValue, snakeCase } from './exposition.js';

const PROMTOOL = '/usr/bin/promtool';

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** Undoes escapeLabelValue the way Prometheus's parser reads a quoted label value. */
function unescapeLabelValue(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

describe('exposition', () => {
  it('escapes label values (backslash, double quote, line feed) and HELP text (backslash, line feed)', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeLabelValue(s);
        // No raw line feed, no unescaped quote: the value cannot end early or spill into the next line.
        expect(e).not.toContain('\n');
        expect(/(^|[^\\])(\\\\)*"/.test(e)).toBe(false);
        expect(unescapeLabelValue(e)).toBe(s);
      }),
    );
  });

  it('names kernel counters in snake_case without unit abbreviations', () => {
    expect(snakeCase('InReceives')).toBe('in_receives');
    expect(snakeCase('TCPLostRetransmit')).toBe('tcp_lost_retransmit');
    expect(snakeCase('TCP_inuse')).toBe('tcp_inuse');
    expect(snakeCase('sockets_used')).toBe('sockets_used');
    expect(snakeCase('TWRecycled')).toBe('tw_recycled');
    expect(snakeCase('InMLDv2Reports')).toBe('in_mldv2_reports');
    expect(snakeCase('MPTcpExt')).toBe('mp_tcp_ext');
    expect(snakeCase('MPJoinSynAckHMacFailure')).toBe('mp_join_syn_ack_hmac_failure');
    expect(snakeCase('InType3')).toBe('in_type3');
    expect(snakeCase('Ip6')).toBe('ip6');
    expect(snakeCase('in--out')).toBe('in_out');
  });

  it('writes HELP and TYPE once per family, drops duplicate series, and formats special values', () => {
    const out = new Exposition();
    out.family('x_total', 'counter', 'X');
    out.family('x_total', 'counter', 'X again');
    out.sample('x_total', { b: '2', a: '1' }, 5);
    out.sample('x_total', { a: '1', b: '2' }, 6);
    out.family('y', 'gauge', 'Y');
    out.sample('y', {}, NaN);
    out.family('empty', 'gauge', 'no samples: left out');
    expect(out.duplicates).toBe(1);
    expect(out.render()).toBe(
      '# HELP x_total X\n# TYPE x_total counter\nx_total{a="1",b="2"} 5\n# HELP y Y\n# TYPE y gauge\ny NaN\n',
    );
    expect([Infinity, -Infinity, 2 ** 70].map(formatValue)).toEqual(['+Inf', '-Inf', '1.1805916207174113e+21']);
  });

  it('refuses what the format does not allow', () => {
    const out = new Exposition();
    expect(() => out.family('requests', 'counter', '')).toThrow(/_total/);
    expect(() => out.family('depth_total', 'gauge', '')).toThrow(/_total/);
    expect(() => out.family('Bad-Name', 'gauge', '')).toThrow(/metric name/);
    out.family('g', 'gauge', 'G');
    expect(() => out.family('g', 'counter', 'G')).toThrow();
    expect(() => out.sample('g', { __name__: 'x' }, 1)).toThrow(/label name/);
    expect(() => out.sample('g', { 'a-b': 'x' }, 1)).toThrow(/label name/);
    expect(() => out.sample('nope', {}, 1)).toThrow(/declared/);
  });

  it.skipIf(!existsSync(PROMTOOL))('passes promtool check metrics with hostile label values', () => {
    const out = new Exposition();
    out.family('netlens_test_bytes_total', 'counter', 'Help with a \\ backslash\nand a new line');
    for (const v of ['plain', 'quote " inside', 'back\\slash', 'new\nline', '\\"\n', '', 'ünïcødé ☃', '}{,=']) {
      out.sample('netlens_test_bytes_total', { interface: v }, 1);
    }
    out.family('netlens_test_up', 'gauge', 'Up');
    out.sample('netlens_test_up', {}, 1);
    const r = promtool(out.render());
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
    // promtool's check can fail: a counter without _total is reported.
    expect(promtool('# HELP bad A\n# TYPE bad counter\nbad 1\n').status).not.toBe(0);
  });
});
