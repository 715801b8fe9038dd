// Whether the host firewall is likely to admit a new connection to a listening port, for the Exposure view.
// Linux: the nftables ruleset (`nft -j list ruleset`, which needs root; iptables-nft rules appear in it too).
// The answer is a walk of each input base chain for a new packet from another machine to that port: rules
// that match on things a packet may or may not carry (source address, marks) make it "cannot tell" when
// they would decide differently. Anything unreadable is "cannot tell", with the reason.
import type { FirewallResult, FirewallVerdict, RequestParams } from '../shared/protocol.js';
import { runCommand } from './collectors/run-command.js';

type Port = RequestParams<'firewall'>['ports'][number];
type Expr = Record<string, unknown>;
interface Chain {
  family: string;
  table: string;
  name: string;
  hook?: string;
  type?: string;
  policy?: string;
  rules: Expr[][];
}

const portKey = (p: Port) => `${p.proto}/${p.family}/${p.port}`;

/** 'yes' the packet matches, 'no' it does not, 'maybe' it depends on what we cannot know (its source). */
type Match = 'yes' | 'no' | 'maybe';

function valuesOf(right: unknown): unknown[] | null {
  if (Array.isArray(right)) return right;
  if (typeof right === 'object' && right !== null && 'set' in right) return (right as { set: unknown[] }).set;
  return [right];
}

function contains(right: unknown, value: string | number): boolean | null {
  const values = valuesOf(right);
  if (values === null) return null;
  let unknown = false;
  for (const v of values) {
    if (v === value) return true;
    if (typeof v === 'object' && v !== null && 'range' in v) {
      const [lo, hi] = (v as { range: [unknown, unknown] }).range;
      if (typeof lo === 'number' && typeof hi === 'number' && typeof value === 'number' && value >= lo && value <= hi)
        return true;
    } else if (typeof v === 'object' && v !== null) unknown = true;
  }
  return unknown ? null : false;
}

function matchOne(m: { op?: string; left?: Expr; right?: unknown }, p: Port): Match {
  const left = m.left ?? {};
  const negate = m.op === '!=';
  const decide = (hit: boolean | null): Match => (hit === null ? 'maybe' : hit !== negate ? 'yes' : 'no');
  if ('payload' in left) {
    const payload = left.payload as { protocol?: string; field?: string };
    if (payload.field === 'dport' && (payload.protocol === 'tcp' || payload.protocol === 'udp')) {
      return payload.protocol !== p.proto ? (negate ? 'maybe' : 'no') : decide(contains(m.right, p.port));
    }
    if ((payload.protocol === 'ip' && p.family === 'inet6') || (payload.protocol === 'ip6' && p.family === 'inet'))
      return negate ? 'yes' : 'no';
    return 'maybe'; // source address, ports of the peer...
  }
  if ('meta' in left) {
    const key = (left.meta as { key?: string }).key;
    if (key === 'l4proto') return decide(contains(m.right, p.proto));
    if (key === 'nfproto') return decide(contains(m.right, p.family === 'inet' ? 'ipv4' : 'ipv6'));
    // A packet from another machine does not arrive on loopback; any other interface may be the one.
    if (key === 'iifname' || key === 'iif') return decide(contains(m.right, 'lo') === true ? false : null);
    return 'maybe';
  }
  if ('ct' in left) {
    const key = (left.ct as { key?: string }).key;
    if (key === 'state') return decide(contains(m.right, 'new'));
    return 'maybe';
  }
  return 'maybe';
}

interface Walk {
  verdict: 'accept' | 'drop' | null;
  /** A rule that might have decided otherwise came first. */
  uncertain: boolean;
}

function walk(chain: Chain, chains: Map<string, Chain>, p: Port, depth: number): Walk {
  let uncertain = false;
  for (const rule of chain.rules) {
    let match: Match = 'yes';
    let verdict: Walk['verdict'] | 'jump' | 'return' | null = null;
    let target: string | null = null;
    for (const e of rule) {
      if ('match' in e) {
        const r = matchOne(e.match as { op?: string; left?: Expr; right?: unknown }, p);
        if (r === 'no') match = 'no';
        else if (r === 'maybe' && match === 'yes') match = 'maybe';
      } else if ('accept' in e) verdict = 'accept';
      else if ('drop' in e || 'reject' in e) verdict = 'drop';
      else if ('return' in e) verdict = 'return';
      else if ('jump' in e || 'goto' in e) {
        verdict = 'jump';
        target = ((e.jump ?? e.goto) as { target?: string }).target ?? null;
      }
    }
    if (match === 'no' || verdict === null) continue;
    let outcome: Walk;
    if (verdict === 'return') outcome = { verdict: null, uncertain: false };
    else if (verdict === 'jump') {
      const next = target === null ? undefined : chains.get(`${chain.family}|${chain.table}|${target}`);
      outcome = next && depth < 16 ? walk(next, chains, p, depth + 1) : { verdict: null, uncertain: true };
      if (outcome.verdict === null) {
        uncertain ||= outcome.uncertain;
        continue;
      }
    } else outcome = { verdict, uncertain: false };
    if (match === 'maybe') {
      uncertain = true;
      continue;
    }
    return { verdict: outcome.verdict, uncertain: uncertain || outcome.uncertain };
  }
  return { verdict: null, uncertain };
}

function familyApplies(chainFamily: string, p: Port): boolean {
  return (
    chainFamily === 'inet' ||
    (chainFamily === 'ip' && p.family === 'inet') ||
    (chainFamily === 'ip6' && p.family === 'inet6')
  );
}

/** The verdicts for these ports from `nft -j list ruleset` output. Pure: tested on rulesets made in a netns. */
export function nftVerdicts(json: string, ports: readonly Port[]): FirewallResult['verdicts'] {
  const chains = new Map<string, Chain>();
  const items = (JSON.parse(json) as { nftables?: Expr[] }).nftables ?? [];
  for (const item of items) {
    if ('chain' in item) {
      const c = item.chain as Omit<Chain, 'rules'>;
      chains.set(`${c.family}|${c.table}|${c.name}`, { ...c, rules: [] });
    } else if ('rule' in item) {
      const r = item.rule as { family: string; table: string; chain: string; expr?: Expr[] };
      chains.get(`${r.family}|${r.table}|${r.chain}`)?.rules.push(r.expr ?? []);
    }
  }
  const inputs = [...chains.values()].filter((c) => c.hook === 'input' && (c.type ?? 'filter') === 'filter');
  const out: FirewallResult['verdicts'] = {};
  for (const p of ports) {
    const applicable = inputs.filter((c) => familyApplies(c.family, p));
    if (applicable.length === 0) {
      out[portKey(p)] = { verdict: 'admitted', reason: 'no nftables input chain filters this traffic' };
      continue;
    }
    // A packet must pass every input base chain.
    let verdict: FirewallVerdict = 'admitted';
    let reason = '';
    for (const c of applicable) {
      const w = walk(c, chains, p, 0);
      const decided = w.verdict ?? (c.policy === 'drop' ? 'drop' : 'accept');
      const where = `${c.family} ${c.table} ${c.name}`;
      if (w.uncertain) {
        verdict = 'cannot tell';
        reason = `${where}: depends on where the connection comes from`;
        break;
      }
      if (decided === 'drop') {
        verdict = 'blocked';
        reason = w.verdict ? `${where}: a rule drops or rejects it` : `${where}: policy drop, no rule admits it`;
        break;
      }
      reason = w.verdict ? `${where}: a rule accepts it` : `${where}: policy accept`;
    }
    out[portKey(p)] = { verdict, reason };
  }
  return out;
}

/** Reads the ruleset and answers for each port; without nft or the right to read it, "cannot tell". */
export async function checkFirewall(
  ports: readonly Port[],
  nft: { file: string; args: string[] } = { file: 'nft', args: [] },
): Promise<FirewallResult> {
  const cannot = (source: string, reason: string): FirewallResult => ({
    source,
    readable: false,
    verdicts: Object.fromEntries(ports.map((p) => [portKey(p), { verdict: 'cannot tell' as const, reason }])),
  });
  if (process.platform !== 'linux') return cannot('none', 'the host firewall is read on Linux only');
  const r = await runCommand(nft.file, [...nft.args, '-j', 'list', 'ruleset'], {
    timeoutMs: 5000,
    maxBytes: 16 * 1024 * 1024,
  });
  if (!r.ok)
    return cannot(
      'nft',
      /EACCES|Operation not permitted|ENOENT|not found/i.test(r.error)
        ? `cannot read the nftables ruleset (${r.error.slice(0, 200)})`
        : r.error.slice(0, 200),
    );
  try {
    return { source: 'nft list ruleset', readable: true, verdicts: nftVerdicts(r.text, ports) };
  } catch (err) {
    return cannot('nft', `the ruleset could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
}
