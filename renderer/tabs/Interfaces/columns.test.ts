import { describe, expect, it } from 'vitest';
import { INTERFACE_COUNTER_NAMES, type NetInterface } from '../../../shared/types.js';
import { exportRows } from '../../store/grid-model.js';
import { captureInterfaceColumns, liveInterfaceColumns } from './columns.js';

describe('Interfaces columns', () => {
  it('offer every one of the kernel counters, the eight beyond bytes, packets, errors and drops in Columns…', () => {
    for (const columns of [liveInterfaceColumns, captureInterfaceColumns]) {
      const ids = new Set(columns.map((c) => c.id));
      for (const name of INTERFACE_COUNTER_NAMES) expect(ids.has(name), name).toBe(true);
      const hidden = columns.filter((c) => c.hiddenByDefault).map((c) => c.id);
      expect(hidden).toEqual(expect.arrayContaining(['rxFifo', 'txFifo', 'txCollisions', 'txCarrier']));
      for (const id of ['rxBytes', 'txBytes', 'rxPackets', 'rxErrors', 'txDropped'])
        expect(hidden.includes(id), id).toBe(false);
    }
  });

  it('show and export each counter from its own field', () => {
    const counters = Object.fromEntries(INTERFACE_COUNTER_NAMES.map((n, i) => [n, 1000 + i]));
    const row = { name: 'eth0', counters } as unknown as NetInterface;
    const columns = liveInterfaceColumns.filter((c) => (INTERFACE_COUNTER_NAMES as readonly string[]).includes(c.id));
    const out = exportRows(columns, [row]);
    expect(out.values[0]).toEqual(columns.map((c) => counters[c.id]));
    const fifo = columns.find((c) => c.id === 'txFifo');
    expect(fifo?.header).toBe('TX overruns');
    expect(fifo?.text(row)).toBe('1,012');
    expect(fifo?.description).toMatch(/TX-OVR/);
  });
});
