import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../shared/protocol.js';
import { createBackend } from './backend.js';
import type { Monitor } from './monitor/api.js';

const monitor: Monitor = {
  attach: () => ({ handle: () => undefined, detach: () => undefined }),
  record: async () => ({ state: 'off' }) as never,
  history: async () => [],
  remote: async () => [],
  close: async () => undefined,
};

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the backend’s hostInfo', () => {
  it('names every process of NetLens’s own, so that the page offers no Kill on one the actions refuse', async () => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-backend-'));
    // The Electron host's other processes (app.getAppMetrics), as main.ts passes them.
    const backend = createBackend({ host: 'browser', monitor, dataDir: dir, ownPids: () => [424242], log: () => {} });
    const sent: ServerMessage[] = [];
    const session = backend.service.connect((m) => sent.push(m), 'test');
    session.receive({ type: 'request', id: 1, method: 'hostInfo', params: {} });
    await new Promise((r) => setTimeout(r, 10));
    const answer = sent.find((m) => m.type === 'response') as Extract<ServerMessage, { type: 'response'; ok: true }>;
    expect(answer.ok).toBe(true);
    const info = answer.result as { pid: number; ownPids: number[] };
    expect(info.pid).toBe(process.pid);
    expect(info.ownPids).toEqual(expect.arrayContaining([process.pid, 424242]));
    session.close();
    await backend.close();
  });
});
