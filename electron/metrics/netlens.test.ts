// What renderMetrics makes of readings: which interfaces count as up.
import { describe, expect, it } from 'vitest';
import { emptyDiagnostics, type NetInterface } from '../../shared/types.js';
import { syntheticInterface } from '../monitor/testing/synthetic.js';
import { renderMetrics, type MetricsReadings } from './netlens.js';

const failed = { ok: false as const, error: 'not read', durationMs: 0 };

function readings(interfaces: NetInterface[]): MetricsReadings {
  return {
    statistics: failed,
    connections: failed,
    processes: failed,
    interfaces: { ok: true, result: { rows: interfaces, diagnostics: emptyDiagnostics() }, durationMs: 1 },
  };
}

function iface(name: string, operState: string, flags: string[]): NetInterface {
  return { ...syntheticInterface(name, {}), operState, flags };
}

describe('renderMetrics', () => {
  it('counts an interface up when it is up and running, also where the driver reports no operstate (lo)', () => {
    const text = renderMetrics(
      readings([
        iface('eth0', 'up', ['UP', 'BROADCAST', 'RUNNING', 'MULTICAST', 'LOWER_UP']),
        // lo's operstate is "unknown": the loopback driver never reports one, though lo is up and running.
        iface('lo', 'unknown', ['UP', 'LOOPBACK', 'RUNNING', 'LOWER_UP']),
        iface('tun0', 'unknown', ['UP', 'POINTOPOINT', 'NOARP']),
        iface('eth1', 'down', ['BROADCAST', 'MULTICAST']),
        iface('veth0', 'lowerlayerdown', ['UP', 'BROADCAST', 'MULTICAST']),
      ]),
    );
    const up = (name: string) =>
      new RegExp(`^netlens_interface_up\\{interface="${name}"\\} (\\d)$`, 'm').exec(text)?.[1];
    expect([up('eth0'), up('lo'), up('tun0'), up('eth1'), up('veth0')]).toEqual(['1', '1', '0', '0', '0']);
    expect(text).toContain('netlens_interface_info{interface="lo",mac="",operstate="unknown",type="ether"} 1');
  });
});
