// The client's requests over a fake transport: answered by id; actions failed at once while the connection is lost
// or gone (not queued for a reconnect that may come hours later or never); reads held for the reconnect, however
// many tries fail, up to a bound; everything waiting before the first connection.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol.js';
import { ConnectionLostError, MAX_WAITING, NetlensClient } from './client.js';
import { FakeTransport } from './fake-transport.js';

/** The host's answer to request `id`. */
const answer = (t: FakeTransport, id: number, result: unknown) =>
  t.host({ type: 'response', id, ok: true, result } as ServerMessage);

const requests = (t: FakeTransport) => t.sent.filter((m) => m.type === 'request');

describe('NetlensClient requests', () => {
  it('waits before the first connection, and is answered by id once open', async () => {
    const t = new FakeTransport(false);
    const client = new NetlensClient(t);
    const asked = client.request('actionLog', { limit: 5 });
    expect(requests(t)).toHaveLength(0);
    t.onOpen?.();
    expect(requests(t)).toHaveLength(1);
    answer(t, (requests(t)[0] as { id: number }).id, []);
    await expect(asked).resolves.toEqual([]);
  });

  it('fails what was pending when the connection drops, and an action asked while it is lost, unsent; a read waits', async () => {
    const t = new FakeTransport(false);
    const client = new NetlensClient(t);
    t.onOpen?.();
    const pending = client.request('actionLog', { limit: 5 });
    t.onClose?.('1006');
    await expect(pending).rejects.toThrow('connection to NetLens lost: 1006');
    // A failure of the connection, not a refusal of the host's: what asked can stop asking.
    await expect(pending).rejects.toBeInstanceOf(ConnectionLostError);
    const before = requests(t).length;
    // An action fails at once, unsent; a read waits for the reconnect (the transport keeps it).
    await expect(
      client.request('kill', { pid: 4242, startTime: null, signal: 'TERM', elevate: false }),
    ).rejects.toThrow(/^not sent: the connection to NetLens is lost/);
    await expect(
      client.request('kill', { pid: 4242, startTime: null, signal: 'TERM', elevate: false }),
    ).rejects.toBeInstanceOf(ConnectionLostError);
    expect(requests(t)).toHaveLength(before);
    const read = client.request('actionLog', { limit: 5 });
    let settled = false;
    void read.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Tries to reconnect that fail close again: the read still waits, unsent.
    t.onClose?.('1006');
    t.onClose?.('1006');
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(requests(t)).toHaveLength(before);
    t.onOpen?.();
    expect(requests(t)).toHaveLength(before + 1);
    answer(t, (requests(t).at(-1) as { id: number }).id, []);
    await expect(read).resolves.toEqual([]);
    // Back: actions go again.
    const again = client.request('kill', { pid: 4242, startTime: null, signal: 'TERM', elevate: false });
    expect(requests(t)).toHaveLength(before + 2);
    answer(t, (requests(t).at(-1) as { id: number }).id, { outcome: 'gone', message: 'gone' });
    await expect(again).resolves.toMatchObject({ outcome: 'gone' });
  });

  it('fails what was pending when the host is gone for good, and every request after', async () => {
    const t = new FakeTransport(false);
    const client = new NetlensClient(t);
    t.onOpen?.();
    const pending = client.request('actionLog', { limit: 5 });
    t.onGone?.('another NetLens answers');
    await expect(pending).rejects.toThrow(/NetLens was started again .*reload the page/);
    await expect(client.request('actionLog', { limit: 5 })).rejects.toThrow(/reload the page/);
    expect(client.state).toBe('gone');
  });

  it('holds at most MAX_WAITING reads for the connection; the host gone fails those it holds', async () => {
    const t = new FakeTransport(false);
    const client = new NetlensClient(t);
    t.onOpen?.();
    t.onClose?.('1006');
    const held = Array.from({ length: MAX_WAITING }, () => client.request('actionLog', { limit: 5 }));
    await expect(client.request('actionLog', { limit: 5 })).rejects.toThrow(
      `not sent: ${MAX_WAITING} requests already wait for the connection to NetLens`,
    );
    expect(requests(t)).toHaveLength(0);
    t.onGone?.('another NetLens answers');
    for (const r of held) await expect(r).rejects.toBeInstanceOf(ConnectionLostError);
    expect(requests(t)).toHaveLength(0);
  });
});
