// The store wired to a client over a fake transport: what the host streams lands in the tables once per
// task, and the replies (acks, resyncs) go back through the client; a reconnect waits for new snapshots.
import { describe, expect, it, vi } from 'vitest';
import { NOTIFY_BURST, NOTIFY_WINDOW_MS } from '../../shared/alert-notifications.js';
import { NetlensClient } from '../api/client.js';
import { FakeTransport } from '../api/fake-transport.js';
import { connectStore, dataStore } from './data.js';
import { conn, diff, route, snapshot, TICK } from './test-rows.js';
import { GATHER_MS } from './tick-groups.js';

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
    // A snapshot is applied in the next task, with what else arrives by then.
    expect(routes().received).toBe(false);
    transport.host(diff('routes', 2, { added: [route('b')] }));
    // A diff that completes its tick is applied as it arrives (in its message's task), with what waited before it.
    expect(routes().version).toBe(1);
    expect([...routes().rows.keys()]).toEqual(['a', 'b']);
    expect(replies()).toEqual([{ type: 'ack', dataset: 'routes', seq: 2 }]);
    await new Promise((r) => setTimeout(r, 0));
    // The posted flush then finds nothing left to apply.
    expect(routes().version).toBe(1);
    expect(replies()).toHaveLength(1);
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

  it("applies one tick's datasets together, waiting for the late one only until the deadline", async () => {
    // Only the deadline's timer is faked: the store's next-task flush runs as it does in the page.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const nextTask = () =>
        new Promise<void>((resolve) => {
          const c = new MessageChannel();
          c.port1.onmessage = () => {
            c.port1.close();
            resolve();
          };
          c.port2.postMessage(null);
        });
      const tick = (at: number) => ({ ...TICK, at });
      const datasets = () => dataStore.getState().datasets;
      transport.host(snapshot('connections', 1, [conn('c1')]));
      transport.host(snapshot('processes', 1, []));
      // The first tick of the two: nothing known yet, each is applied as it comes.
      transport.host({ ...diff('connections', 2, { changed: [{ id: 'c1', recvQ: 1 }] }), tick: tick(10_000) });
      await nextTask();
      transport.host({ ...diff('processes', 2, {}), tick: tick(10_000) });
      await vi.waitUntil(() => datasets().processes.seq === 2 && datasets().connections.seq === 2);

      let updates = 0;
      const unsubscribe = dataStore.subscribe(() => updates++);
      // The next tick: its sockets wait (tasks go by, the deadline's timer does not run) for its processes.
      transport.host({ ...diff('connections', 3, { changed: [{ id: 'c1', recvQ: 2 }] }), tick: tick(11_000) });
      for (let i = 0; i < 5; i++) await nextTask();
      expect(datasets().connections.seq).toBe(2);
      transport.host({ ...diff('processes', 3, {}), tick: tick(11_000) });
      await vi.waitUntil(() => datasets().connections.seq === 3);
      expect(datasets().processes.seq).toBe(3);
      expect(updates).toBe(1);

      // A tick whose processes do not come: its sockets are applied when the deadline passes.
      transport.host({ ...diff('connections', 4, { changed: [{ id: 'c1', recvQ: 3 }] }), tick: tick(12_000) });
      for (let i = 0; i < 5; i++) await nextTask();
      expect(datasets().connections.seq).toBe(3);
      vi.advanceTimersByTime(GATHER_MS);
      await vi.waitUntil(() => datasets().connections.seq === 4);
      expect(datasets().connections.rows.get('c1')?.recvQ).toBe(3);
      // And the ticks after it no longer wait for processes.
      transport.host({ ...diff('connections', 5, { changed: [{ id: 'c1', recvQ: 4 }] }), tick: tick(13_000) });
      await vi.waitUntil(() => datasets().connections.seq === 5);
      unsubscribe();
    } finally {
      vi.useRealTimers();
    }
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
