// The Alerts list: what the record gave when it was fetched, with the alerts that arrived since from the store
// (through the real store, which keeps only the newest ones), each once, newest first, without a request per alert.
import { describe, expect, it, vi } from 'vitest';
import { NetlensClient } from '../../api/client.js';
import type { Transport } from '../../api/transport.js';
import type { ServerMessage } from '../../../shared/protocol.js';
import type { Alert } from '../../../shared/record.js';
import { connectStore, dataStore } from '../../store/data.js';
import { alertLabels, mergeAlerts } from './rows.js';

const alert = (id: number, known = false): Alert => ({
  id,
  at: id,
  kind: 'process',
  subject: `p${id}`,
  text: `p${id}`,
  known,
});

describe('Alerts list', () => {
  it('keeps every alert that arrives, past the store cap, above those fetched, each once', async () => {
    const sent: unknown[] = [];
    const transport: Transport = {
      kind: 'electron',
      send: (m) => sent.push(m),
      onMessage: null,
      onOpen: null,
      onClose: null,
      start: () => undefined,
    };
    connectStore(new NetlensClient(transport));
    const deliver = (m: ServerMessage) => transport.onMessage!(m);
    // Fetched when the list opened: alerts 1..3 (2 marked known); each arrival merged into the list.
    let list = [alert(3), alert(2, true), alert(1)];
    for (let id = 4; id <= 250; id++) {
      deliver({ type: 'alert', alert: alert(id) });
      // The store applies alerts once per task (a storm is one update): let that task run.
      await vi.waitFor(() => expect(dataStore.getState().alerts[0]?.id).toBe(id));
      list = mergeAlerts(dataStore.getState().alerts, list, 200);
      expect(list[0]?.id, `alert ${id}`).toBe(id);
    }
    // The newest 200, without a gap where the store dropped its oldest, each once.
    expect(list.map((a) => a.id)).toEqual(Array.from({ length: 200 }, (_, i) => 250 - i));
    // Nothing asked of the host per alert.
    expect(sent).toEqual([]);
    // Fetched again (after Mark as known): the record's copy stays, the store's newer ones go on top.
    const fetched = [alert(249, true), alert(248), alert(3), alert(2, true)];
    expect(mergeAlerts([alert(250), alert(249)], fetched, 200).map((a) => [a.id, a.known])).toEqual([
      [250, false],
      [249, true],
      [248, false],
      [3, false],
      [2, true],
    ]);
    // An alert the record could not store (id 0) is shown, never taken for another.
    const unstored = alert(0);
    expect(mergeAlerts([unstored], [alert(0, true)], 200)).toHaveLength(2);
    expect(mergeAlerts([unstored], [unstored], 200)).toHaveLength(1);
  });
});

describe('Alerts list rows', () => {
  it('name the kind in words and keep the subject inert in the button name', () => {
    expect(alertLabels({ kind: 'network', subject: 'x\u202egnp.exe\nfake → country US' })).toEqual({
      kind: 'New place',
      markKnown: 'Mark x\\u202egnp.exe\\nfake → country US as known',
    });
    expect(alertLabels({ kind: 'listener', subject: 'tcp 0.0.0.0:8080 nc' })).toEqual({
      kind: 'New listener',
      markKnown: 'Mark tcp 0.0.0.0:8080 nc as known',
    });
  });
});
