// The store wired to a client over a fake transport: what the host streams lands in the tables once per
// task, and the replies (acks, resyncs) go back through the client; a reconnect waits for new snapshots.
import { describe, expect, it, vi } from 'vitest';
import { NOTIFY_BURST, NOTIFY_WINDOW_MS } from '../../shared/alert-notifications.js';
import type { ClientMessage, ServerMessage } from '../../shared/protocol.js';
import { NetlensClient } from '../api/client.js';
import type { Transport } from '../api/transport.js';
import { connectStore, dataStore } from './data.js';
import { diff, route, snapshot } from './test-rows.js';

class FakeTransport implements Transport {
  readonly kind = 'browser' as const;
  sent: ClientMessage[] = [];
  onMessage: Transport['onMessage'] = null;
  onOpen: Transport['onOpen'] = null;
  onClose: Transport['onClose'] = null;
  send(message: ClientMessage): void {
    this.sent.push(message);
  }
  start(): void {
    this.onOpen?.();
  }
  host(message: ServerMessage): void {
    this.onMessage?.(message);
  }
}

const transport = new FakeTransport();
const client = new NetlensClient(transport);
let clock = 1000;
connectStore(client, () => clock);
client.start();

const routes = () => dataStore.getState().datasets.routes;
const replies = () => transport.sent.filter((m) => m.type === 'ack' || m.type === 'resync');

describe('connectStore', () => {
  it('applies what arrived in one go, then acks it', async () => {
    transport.host(snapshot('routes', 1, [route('a')]));
    transport.host(diff('routes', 2, { added: [route('b')] }));
    // Applied in the next task, not while the messages arrive.
    expect(routes().received).toBe(false);
    await vi.waitFor(() => expect(routes().version).toBe(1));
    expect([...routes().rows.keys()]).toEqual(['a', 'b']);
    expect(replies()).toEqual([{ type: 'ack', dataset: 'routes', seq: 2 }]);
  });

  it('asks for a resync after a gap, and shows a collector error until the next message', async () => {
    transport.host({ type: 'collectorError', dataset: 'routes', message: 'ip failed', at: 5 });
    expect(routes().error).toEqual({ message: 'ip failed', at: 5 });
    transport.host(diff('routes', 4, { added: [route('c')] }));
    await vi.waitFor(() => expect(replies().at(-1)).toEqual({ type: 'resync', dataset: 'routes' }));
    expect(routes().seq).toBeNull();
    transport.host(snapshot('routes', 7, [route('z')]));
    await vi.waitFor(() => expect(routes().seq).toBe(7));
    expect([...routes().rows.keys()]).toEqual(['z']);
    expect(routes().error).toBeNull();
  });

  it('after a reconnect, diffs wait for the snapshot the host sends again', async () => {
    transport.onClose?.('gone');
    expect(dataStore.getState().connection).toBe('closed');
    transport.onOpen?.();
    expect(dataStore.getState().connection).toBe('open');
    expect(routes().seq).toBeNull();
    const version = routes().version;
    transport.host(diff('routes', 8, { added: [route('late')] }));
    transport.host(snapshot('routes', 1, [route('fresh')]));
    await vi.waitFor(() => expect(routes().version).toBe(version + 1));
    expect([...routes().rows.keys()]).toEqual(['fresh']);
  });

  it('keeps one notice per code, and the monitor states replace each other', () => {
    transport.host({ type: 'notice', level: 'error', code: 'monitor-failed', text: 'stopped' });
    transport.host({ type: 'notice', level: 'info', code: 'monitor-recovered', text: 'running again' });
    transport.host({ type: 'notice', level: 'info', code: 'capture', text: 'one' });
    transport.host({ type: 'notice', level: 'info', code: 'capture', text: 'two' });
    expect(dataStore.getState().notices.map((n) => n.text)).toEqual(['running again', 'two']);
  });

  it('applies an alert storm in one store update, and rations the browser notifications', async () => {
    const shown: { title: string; body: string }[] = [];
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string, options: { body: string }) {
          shown.push({ title, body: options.body });
        }
        close() {}
      },
    );
    try {
      let updates = 0;
      const unsubscribe = dataStore.subscribe(() => updates++);
      const alert = (id: number) => ({
        type: 'alert' as const,
        alert: { id, at: id, kind: 'network' as const, subject: `n${id}`, text: `nc reached n${id}`, known: false },
      });
      for (let id = 1; id <= 5000; id++) transport.host(alert(id));
      await vi.waitFor(() => expect(dataStore.getState().alerts[0]?.id).toBe(5000));
      unsubscribe();
      expect(updates).toBe(1);
      expect(dataStore.getState().alerts).toHaveLength(100);
      expect(dataStore.getState().notices.at(-1)?.text).toBe('nc reached n5000 (and 4999 more: History → Alerts)');
      expect(shown).toHaveLength(NOTIFY_BURST + 1);
      expect(shown.at(-1)?.title).toBe('NetLens: more alerts');
      clock += NOTIFY_WINDOW_MS;
      transport.host(alert(5001));
      expect(shown.at(-1)?.body).toBe(
        `nc reached n5001 (and ${5000 - NOTIFY_BURST} more alerts before it: History → Alerts)`,
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
