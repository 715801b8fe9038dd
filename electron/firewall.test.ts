// The firewall verdicts, on rulesets loaded into a network namespace this test makes (nft reads them back as
// it would the host's), and the "cannot tell" paths.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFirewall } from './firewall.js';

const NS = 'history-fw';
const canRun = process.platform === 'linux' && process.getuid?.() === 0;
const nftIn = { file: 'ip', args: ['netns', 'exec', NS, 'nft'] };

const RULESET = `
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    iifname "lo" accept
    ct state established,related accept
    tcp dport { 22, 8080 } accept
    udp dport 5353 accept
    ip saddr 10.0.0.0/8 tcp dport 9000 accept
    tcp dport 1000-2000 jump extra
  }
  chain extra {
    tcp dport 1500 accept
    tcp dport 1600 reject
  }
}
`;

describe.skipIf(!canRun)('firewall verdicts from nftables', () => {
  beforeAll(() => {
    // One a killed run left behind.
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
  });
  afterAll(() => {
    execFileSync('ip', ['netns', 'del', NS]);
  });

  it('admits everything where no input chain filters', async () => {
    const r = await checkFirewall([{ proto: 'tcp', family: 'inet', port: 80 }], nftIn);
    expect(r.readable).toBe(true);
    expect(r.verdicts['tcp/inet/80']).toEqual({
      verdict: 'admitted',
      reason: 'no nftables input chain filters this traffic',
    });
  });

  it('walks the input chain: accepted ports, jumps, the drop policy, and rules that depend on the source', async () => {
    execFileSync('ip', ['netns', 'exec', NS, 'nft', '-f', '-'], { input: RULESET });
    const ports = [22, 8080, 80, 9000, 1500, 1600, 1700].map((port) => ({
      proto: 'tcp' as const,
      family: 'inet' as const,
      port,
    }));
    const r = await checkFirewall(
      [...ports, { proto: 'udp', family: 'inet6', port: 5353 }, { proto: 'udp', family: 'inet', port: 22 }],
      nftIn,
    );
    const v = Object.fromEntries(Object.entries(r.verdicts).map(([k, x]) => [k, x.verdict]));
    expect(v).toEqual({
      'tcp/inet/22': 'admitted',
      'tcp/inet/8080': 'admitted',
      'tcp/inet/80': 'blocked',
      'tcp/inet/9000': 'cannot tell',
      'tcp/inet/1500': 'admitted',
      'tcp/inet/1600': 'blocked',
      'tcp/inet/1700': 'blocked',
      'udp/inet6/5353': 'admitted',
      'udp/inet/22': 'blocked',
    });
    expect(r.verdicts['tcp/inet/80']!.reason).toBe('inet filter input: policy drop, no rule admits it');
    expect(r.verdicts['tcp/inet/9000']!.reason).toMatch(/depends on where the connection comes from/);
  });
});

describe('firewall verdicts when the ruleset cannot be read', () => {
  it('says it cannot tell, and why', async () => {
    const r = await checkFirewall([{ proto: 'tcp', family: 'inet', port: 22 }], {
      file: 'history-no-such-nft',
      args: [],
    });
    expect(r.readable).toBe(false);
    expect(r.verdicts['tcp/inet/22']!.verdict).toBe('cannot tell');
    expect(r.verdicts['tcp/inet/22']!.reason).toMatch(
      process.platform === 'linux' ? /history-no-such-nft is not installed/ : /Linux only/,
    );
  });
});
