// The worker's question to the agent through the host: asked only while an agent runs, answered by id, and
// "unknown" (null) when the answer does not come in time or the agent goes away meanwhile.
import { describe, expect, it } from 'vitest';
import { WorkerOwnerRelay } from './owner-relay.js';
import type { FromWorker } from './worker-protocol.js';

describe('WorkerOwnerRelay', () => {
  it('asks nothing while no agent runs', async () => {
    const posted: FromWorker[] = [];
    const relay = new WorkerOwnerRelay((m) => posted.push(m));
    expect(await relay.owners([1, 2])).toBeNull();
    expect(posted).toEqual([]);
  });

  it('matches answers by id, gives null after the timeout, and settles what is pending when the agent stops', async () => {
    const posted: FromWorker[] = [];
    const relay = new WorkerOwnerRelay((m) => posted.push(m), 50);
    relay.setActive(true);
    const first = relay.owners([1]);
    const second = relay.owners([2]);
    expect(posted).toEqual([
      { type: 'owners', id: 1, inodes: [1] },
      { type: 'owners', id: 2, inodes: [2] },
    ]);
    const answer = { processes: [], owners: [] };
    relay.answer(2, answer);
    relay.answer(99, answer); // nobody asked: ignored
    expect(await second).toBe(answer);
    expect(await first).toBeNull(); // timed out
    const third = relay.owners([3]);
    relay.setActive(false);
    expect(await third).toBeNull();
  });
});
