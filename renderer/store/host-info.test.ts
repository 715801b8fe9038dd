import { afterEach, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../shared/protocol.js';
import type { ConnectionState } from '../api/client.js';
import { followHostInfo, hostInfoStore } from './host-info.js';

const info = (pid: number): HostInfo => ({
  host: 'browser',
  appName: 'NetLens',
  appVersion: '0.1.0',
  platform: 'linux',
  arch: 'x64',
  osRelease: '6.1',
  hostname: 'box',
  privileged: false,
  pid,
  ownPids: [pid, pid + 1],
  live: true,
  services: { source: 'test', names: [], aliases: [] },
});

/** A client whose host answers hostInfo with `pids` in turn. */
function fakeClient(state: ConnectionState, pids: number[]) {
  const listeners = new Set<(s: ConnectionState) => void>();
  const client = {
    state,
    asked: 0,
    request: (() => {
      const pid = pids[client.asked++];
      return pid === undefined ? Promise.reject(new Error('closed')) : Promise.resolve(info(pid));
    }) as never,
    onState(l: (s: ConnectionState) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(s: ConnectionState) {
      client.state = s;
      for (const l of listeners) l(s);
    },
  };
  return client;
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('followHostInfo', () => {
  afterEach(() => hostInfoStore.setState({ info: null }));

  it('asks once the connection opens, and again when it opens anew (a host started again is another process)', async () => {
    const client = fakeClient('connecting', [101, 202]);
    const stop = followHostInfo(client);
    await settle();
    expect(client.asked).toBe(0);
    client.set('open');
    await settle();
    expect(hostInfoStore.getState().info?.pid).toBe(101);
    client.set('closed');
    client.set('open');
    await settle();
    expect(hostInfoStore.getState().info?.pid).toBe(202);
    stop();
    client.set('open');
    await settle();
    expect(client.asked).toBe(2);
  });

  it('asks at once on an open connection; a refused request leaves what the store held', async () => {
    const client = fakeClient('open', [7]);
    followHostInfo(client);
    await settle();
    expect(hostInfoStore.getState().info?.pid).toBe(7);
    client.set('open');
    await settle();
    expect(client.asked).toBe(2);
    expect(hostInfoStore.getState().info?.pid).toBe(7);
  });
});
