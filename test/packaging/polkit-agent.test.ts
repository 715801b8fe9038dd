// The deb's polkit action and the wrapper it names (scripts/polkit-policy.cjs): pkexec may run the wrapper as
// root with NetLens's own prompt, and the wrapper runs the app's binary in agent mode with fixed switches and the
// one pid it was given; any other argument is refused before the binary runs. Run here with sh against a
// stand-in binary that prints its arguments.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronAgentInvocation, HEADLESS_SWITCHES } from '../../electron/agent/elevation.js';

const require = createRequire(import.meta.url);
const hook = require('../../scripts/polkit-policy.cjs') as {
  agentWrapper(o: { executable: string }): string;
  agentWrapperPath(executable: string): string;
  polkitPolicy(o: { executable: string; vendor: string; icon: string }): string;
  HEADLESS_SWITCHES: string[];
};

let dir = '';
let binary = '';
let wrapper = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-polkit-'));
  binary = join(dir, 'netlens');
  writeFileSync(binary, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
  wrapper = hook.agentWrapperPath(binary);
  writeFileSync(wrapper, hook.agentWrapper({ executable: binary }));
  chmodSync(wrapper, 0o755);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => spawnSync(wrapper, args, { encoding: 'utf8', env: {} });

describe('the agent wrapper pkexec runs', () => {
  it('runs the binary in agent mode with the switches the app gives a headless run, and the pid', () => {
    const r = run('4242');
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(electronAgentInvocation(binary, null, 4242).slice(1));
    expect(hook.HEADLESS_SWITCHES).toEqual([...HEADLESS_SWITCHES]);
  });

  it.each([
    [[]],
    [['4242', 'web']],
    [['4242', '--renderer-cmd-prefix=/bin/sh -c id']],
    [['--renderer-cmd-prefix=/bin/sh']],
    [['web']],
    [['']],
    [['0']],
    [['042']],
    [['-1']],
    [['1.5']],
    [['12345678901']],
    [['42; id']],
    [['$(id)']],
    [['4242\n']],
  ])('refuses %j without running the binary', (args) => {
    const r = run(...args);
    expect(r.status).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^netlens-agent: /);
  });

  it('refuses to be written for a path a shell would read as more than a path', () => {
    for (const bad of ['relative/netlens', '/opt/Net Lens/netlens', '/opt/$(id)/netlens', '/opt/a;b']) {
      expect(() => hook.agentWrapper({ executable: bad }), bad).toThrow(/not a plain absolute path/);
    }
  });
});

describe("NetLens's polkit action", () => {
  const policy = () => hook.polkitPolicy({ executable: '/opt/NetLens/netlens', vendor: 'NetLens', icon: 'netlens' });

  it('names the wrapper, not the binary, as the program pkexec may run', () => {
    const exec = /<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]+)<\/annotate>/.exec(policy())?.[1];
    expect(exec).toBe('/opt/NetLens/netlens-agent');
  });

  it('asks every time: no authorization is kept for other programs of the session to reuse', () => {
    expect(policy()).not.toContain('auth_admin_keep');
    for (const who of ['allow_any', 'allow_inactive', 'allow_active'])
      expect(policy()).toMatch(new RegExp(`<${who}>auth_admin</${who}>`));
  });
});
