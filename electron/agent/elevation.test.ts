import { describe, expect, it } from 'vitest';
import type { LinuxElevationProbe } from '../actions/elevate.js';
import { elevationPlan, packagedAgentWrapper } from './elevation.js';

const probe = async (): Promise<LinuxElevationProbe> => ({
  uid: 1000,
  pkexecPath: '/usr/bin/pkexec',
  agentRunning: true,
  graphicalSession: true,
});
const linux = { platform: 'linux' as const, env: {}, uid: 1000, linuxProbe: probe };

describe('packagedAgentWrapper', () => {
  it("is the deb's wrapper beside the app's binary, inside Electron, when it is installed", () => {
    const seen: string[] = [];
    const exists = (p: string) => {
      seen.push(p);
      return true;
    };
    expect(packagedAgentWrapper('/opt/NetLens/netlens', true, exists)).toBe('/opt/NetLens/netlens-agent');
    expect(seen).toEqual(['/opt/NetLens/netlens-agent']);
    expect(packagedAgentWrapper('/opt/NetLens/netlens', true, () => false)).toBeNull();
    // Under Node (the browser host, the npm CLI) the binary is node: no wrapper is looked for.
    expect(packagedAgentWrapper('/usr/bin/node', false, () => true)).toBeNull();
  });
});

describe('elevationPlan', () => {
  it('runs pkexec on the wrapper with this process as the parent where the deb installed it', async () => {
    const plan = await elevationPlan({ ...linux, agentWrapper: '/opt/NetLens/netlens-agent' });
    expect(plan).toEqual({
      available: true,
      prefix: ['/usr/bin/pkexec'],
      via: 'pkexec',
      agent: ['/opt/NetLens/netlens-agent', String(process.pid)],
    });
  });

  it("leaves the agent's invocation to the host where no wrapper is installed, behind pkexec or a command named", async () => {
    expect(await elevationPlan({ ...linux, agentWrapper: null })).toMatchObject({ available: true, agent: null });
    const custom = await elevationPlan({ ...linux, env: { NETLENS_ELEVATE_COMMAND: 'sudo -n' }, agentWrapper: null });
    expect(custom).toEqual({ available: true, prefix: ['sudo', '-n'], via: 'sudo -n', agent: null });
  });

  it('runs the wrapper behind a command the user named too, so that a sudoers rule can name it', async () => {
    const custom = await elevationPlan({
      ...linux,
      env: { NETLENS_ELEVATE_COMMAND: 'sudo -n' },
      agentWrapper: '/opt/NetLens/netlens-agent',
    });
    expect(custom).toEqual({
      available: true,
      prefix: ['sudo', '-n'],
      via: 'sudo -n',
      agent: ['/opt/NetLens/netlens-agent', String(process.pid)],
    });
  });
});
