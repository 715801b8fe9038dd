// The worker side of the monitor: runs MonitorCore with the given collectors and speaks worker-protocol.ts
// with the host. Kept apart from worker.ts so a test worker can serve fake collectors through the same code.
import type { MessagePort } from 'node:worker_threads';
import type { Collectors } from '../collectors/collector.js';
import { MonitorCore, type MonitorCoreOptions } from './monitor.js';
import type { WorkerOwnerRelay } from './owner-relay.js';
import { HEARTBEAT_MS, type FromWorker, type ToWorker } from './worker-protocol.js';
import type { RemoteRequest } from './api.js';

export function serveMonitor(
  port: MessagePort,
  collectors: Collectors,
  options: Pick<MonitorCoreOptions, 'record'> = {},
  relay?: WorkerOwnerRelay,
  remote?: (request: RemoteRequest) => Promise<unknown>,
): MonitorCore {
  const post = (message: FromWorker) => port.postMessage(message);
  const core = new MonitorCore({ collectors, log: (line) => post({ type: 'log', line }), ...options });
  const heartbeat = setInterval(() => post({ type: 'heartbeat' }), HEARTBEAT_MS);
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'attach':
        core.attach(
          message.client,
          (m) => post({ type: 'send', client: message.client, message: m }),
          message.transport,
        );
        break;
      case 'detach':
        core.detach(message.client);
        break;
      case 'message':
        core.handle(message.client, message.message);
        break;
      case 'global':
        core.setGlobal(message.message);
        break;
      case 'history':
        post({ type: 'history', id: message.id, points: core.history(message.iface, message.of) });
        break;
      case 'agent':
        relay?.setActive(message.active);
        break;
      case 'owners':
        relay?.answer(message.id, message.owners);
        break;
      case 'record':
        core.recordRequest(message.method, message.params as never).then(
          (result) => post({ type: 'record', id: message.id, ok: true, result }),
          (err: unknown) =>
            post({
              type: 'record',
              id: message.id,
              ok: false,
              error: err instanceof Error ? err.message : String(err),
            }),
        );
        break;
      case 'remote':
        (remote ? remote(message.request) : Promise.reject(new Error('this monitor shows no remote hosts'))).then(
          (result) => post({ type: 'remote', id: message.id, ok: true, result }),
          (err: unknown) =>
            post({
              type: 'remote',
              id: message.id,
              ok: false,
              error: err instanceof Error ? err.message : String(err),
            }),
        );
        break;
      case 'close':
        relay?.setActive(false);
        clearInterval(heartbeat);
        core.close();
        post({ type: 'closed' });
        port.close();
        break;
    }
  });
  return core;
}
