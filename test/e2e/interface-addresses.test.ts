// The IPv4 addresses of an interface that is not running (getifaddrs leaves it out) come from the kernel over netlink
// (RTM_GETADDR), `ip -j -4 addr` only where that fails: in a network namespace this test owns, with an `ip` on PATH
// that prints what cannot be read and counts its runs, `netlens dump interfaces` shows them and never runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetInterface } from '../../shared/types.js';
import { CLI, requireBuild } from './support.js';

const NS = `ipaddrx${process.pid}`;
const NAME = 'd\u202e0x';
const isRoot = process.getuid?.() === 0;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

describe.skipIf(process.platform !== 'linux' || !isRoot)('addresses of an interface that is not running', () => {
  let bin: string;

  beforeAll(() => {
    requireBuild();
    spawnSync('ip', ['netns', 'del', NS]);
    ip('netns', 'add', NS);
    // Up, but its peer is down: no carrier, so not RUNNING, and getifaddrs leaves its address out.
    ip('-n', NS, 'link', 'add', NAME, 'type', 'veth', 'peer', 'name', 'ipaddrp');
    ip('-n', NS, 'link', 'set', NAME, 'up');
    ip('-n', NS, 'addr', 'add', '10.79.0.1/24', 'dev', NAME);
    bin = mkdtempSync(join(tmpdir(), 'ipaddr-bin-'));
    writeFileSync(
      join(bin, 'ip'),
      `#!/bin/sh\necho >> "${join(bin, 'runs')}"\nprintf '[{"ifname": "x", "addr_info": [garbage'\n`,
    );
    chmodSync(join(bin, 'ip'), 0o755);
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  it('shows them, read from the kernel, without running ip', () => {
    const r = spawnSync(
      'ip',
      [
        'netns',
        'exec',
        NS,
        'env',
        `PATH=${bin}:${process.env.PATH}`,
        process.execPath,
        CLI,
        'dump',
        'interfaces',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const row = (JSON.parse(r.stdout) as NetInterface[]).find((x) => x.name === NAME);
    expect(row?.flags).not.toContain('RUNNING');
    expect(row?.addresses).toContainEqual({ family: 'inet', address: '10.79.0.1', prefixLength: 24, scope: 'global' });
    // On main ip ran (lo and the peer are not running either: a new namespace's lo is down), and its garbage was noted.
    expect(existsSync(join(bin, 'runs'))).toBe(false);
    expect(r.stderr).not.toContain('ip -j -4 addr show');
    expect(r.stderr).not.toContain('netlink RTM_GETADDR');
  });
});
