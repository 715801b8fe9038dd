// For tests: a transport the test drives (what the page sends is kept; the host's messages, the connection's opening,
// loss and end are called by the test).
import type { ClientMessage, ServerMessage } from '../../shared/protocol.js';
import type { Transport } from './transport.js';

export class FakeTransport implements Transport {
  readonly kind = 'browser' as const;
  sent: ClientMessage[] = [];
  onMessage: Transport['onMessage'] = null;
  onOpen: Transport['onOpen'] = null;
  onClose: Transport['onClose'] = null;
  onGone: Transport['onGone'] = null;
  /** Open as soon as started, unless told otherwise. */
  constructor(private readonly openOnStart = true) {}
  send(message: ClientMessage): void {
    this.sent.push(message);
  }
  start(): void {
    if (this.openOnStart) this.onOpen?.();
  }
  host(message: ServerMessage): void {
    this.onMessage?.(message);
  }
}
