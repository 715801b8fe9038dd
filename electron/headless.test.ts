// Which launches of the app binary are headless commands (the CLI, the agent) and which open the window, for
// the packaged layout ([binary, ...arguments]) and a development run ([electron, app folder, ...arguments]).
import { describe, expect, it } from 'vitest';
import { HEADLESS_SWITCHES, electronAgentInvocation } from './agent/elevation.js';
import { headlessCommand } from './headless.js';

describe('headlessCommand', () => {
  it('packaged: a first argument naming a command runs it; anything else opens the window', () => {
    expect(headlessCommand(['/opt/NetLens/netlens', 'dump', 'connections', '--json'], false)).toEqual([
      'dump',
      'connections',
      '--json',
    ]);
    expect(headlessCommand(['/opt/NetLens/netlens', '--version'], false)).toEqual(['--version']);
    expect(headlessCommand(['/opt/NetLens/netlens'], false)).toBeNull();
    expect(headlessCommand(['/opt/NetLens/netlens', '/home/u/capture.txt'], false)).toBeNull();
    expect(headlessCommand(['/opt/NetLens/netlens', '--no-sandbox'], false)).toBeNull();
    expect(headlessCommand(['/opt/NetLens/netlens', 'frobnicate'], false)).toBeNull();
  });

  it('development: the app folder after the binary is not an argument', () => {
    expect(headlessCommand(['/x/electron', '/src/netlens', 'dump', 'routes'], true)).toEqual(['dump', 'routes']);
    expect(headlessCommand(['/x/electron', '/src/netlens'], true)).toBeNull();
  });

  it("the Electron host's agent invocation is read back as `agent --parent PID`, packaged or not, Chromium switches dropped", () => {
    const packaged = electronAgentInvocation('/opt/NetLens/netlens', null, 4242);
    expect(packaged.slice(1, 1 + HEADLESS_SWITCHES.length)).toEqual([...HEADLESS_SWITCHES]);
    expect(packaged).toContain('--no-sandbox');
    expect(headlessCommand(packaged, false)).toEqual(['agent', '--parent', '4242']);
    const dev = electronAgentInvocation('/x/electron', '/src/netlens', 4242);
    expect(headlessCommand(dev, true)).toEqual(['agent', '--parent', '4242']);
  });
});
