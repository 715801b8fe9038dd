// The Alerts list fetches the record again whenever an alert arrives: through the real store, which keeps only
// the newest alerts that arrived while the page is open, the trigger must change on every arrival, the 101st too.
import { describe, expect, it } from 'vitest';
import { NetlensClient } from '../../api/client.js';
import type { Transport } from '../../api/transport.js';
import type { ServerMessage } from '../../../shared/protocol.js';
import { connectStore, dataStore } from '../../store/data.js';
import { alertsArrived } from './rows.js';

describe('Alerts list refresh', () => {
  it('changes its trigger for every alert that arrives, past the store cap', () => {
    const transport: Transport = {
      kind: 'electron',
      send: () => undefined,
      onMessage: null,
      onOpen: null,
      onClose: null,
      start: () => undefined,
    };
    const client = new NetlensClient(transport);
    connectStore(client);
    const deliver = (m: ServerMessage) => transport.onMessage!(m);
    let last = alertsArrived(dataStore.getState());
    for (let id = 1; id <= 250; id++) {
      deliver({
        type: 'alert',
        alert: { id, at: id, kind: 'process', subject: `p${id}`, text: `p${id}`, known: false },
      });
      const now = alertsArrived(dataStore.getState());
      expect(now, `alert ${id}`).not.toBe(last);
      last = now;
    }
  });
});
