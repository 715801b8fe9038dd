// Which rows a host selection shows, when the Host column appears, and when a host's rows are stale.
import { describe, expect, it } from 'vitest';
import type { RemoteHostInfo } from '../../shared/remote.js';
import { ALL_HOSTS, rowShown, showsHostColumn, staleSince, staleText } from './hosts.js';

const local = { id: 'tcp|inet|1' };
const remote = { id: '@web1/tcp|inet|1', host: 'web1' };
const other = { id: '@db/tcp|inet|1', host: 'db' };
// A name entry: its host is a reverse DNS name, not a remote host.
const name = { id: '192.0.2.1', host: 'www.example.com' };

function info(state: RemoteHostInfo['state'], lastFrameAt: number | null): RemoteHostInfo {
  return { destination: 'web1', state, reason: state === 'disconnected' ? 'timeout' : null, since: 0, lastFrameAt };
}

describe('host selection', () => {
  it('shows every row under all hosts, only this machine, or only one host', () => {
    const rows = [local, remote, other, name];
    const shown = (s: Parameters<typeof rowShown>[0]) => rows.filter((r) => rowShown(s, r)).map((r) => r.id);
    expect(shown(ALL_HOSTS)).toEqual(rows.map((r) => r.id));
    expect(shown({ kind: 'local' })).toEqual([local.id, name.id]);
    expect(shown({ kind: 'remote', destination: 'web1' })).toEqual([remote.id]);
  });

  it('has a Host column only under all hosts with remote hosts added', () => {
    expect(showsHostColumn(ALL_HOSTS, [])).toBe(false);
    expect(showsHostColumn(ALL_HOSTS, [info('connected', 1)])).toBe(true);
    expect(showsHostColumn({ kind: 'local' }, [info('connected', 1)])).toBe(false);
  });

  it('calls rows stale from the last frame of a host that is not connected', () => {
    const at = new Date(2026, 10, 30, 13, 45, 12).getTime();
    expect(staleSince(info('connected', at))).toBeNull();
    expect(staleSince(info('disconnected', at))).toBe(at);
    expect(staleSince(info('connecting', at))).toBe(at);
    expect(staleSince(info('connecting', null))).toBeNull();
    expect(staleText(at)).toBe('stale since 13:45:12');
  });
});
