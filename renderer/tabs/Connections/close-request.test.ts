// What a Close asks of the host: a request the host's own schema takes, whatever the row's owner is called (a
// remote host's process may have a name past the request's limit: cut for the action log, not the Close refused).
import { describe, expect, it } from 'vitest';
import { OWNER_NAME_MAX, validateClientMessage } from '../../../shared/protocol.js';
import { cutUnits } from '../../../shared/inert-text.js';
import { NetlensClient } from '../../api/client.js';
import { FakeTransport } from '../../api/fake-transport.js';
import { conn } from '../../store/test-rows.js';
import { requestClose } from './CloseDialog.js';

describe('requestClose', () => {
  it('sends a request the host validates, the owner’s name cut to the limit', () => {
    const t = new FakeTransport();
    const client = new NetlensClient(t);
    client.start();
    const name = `${'n'.repeat(OWNER_NAME_MAX - 1)}😀tail`;
    void requestClose(client, conn('c', { processes: [{ pid: 4242, name, startTime: 1 } as never] })).catch(() => {});
    const sent = t.sent.find((m) => m.type === 'request');
    const checked = validateClientMessage(sent);
    expect(checked.ok).toBe(true);
    const owner = (sent as { params: { owner: { name: string } } }).params.owner;
    // The surrogate pair at the limit is left out whole, not cut in two.
    expect(owner.name).toBe('n'.repeat(OWNER_NAME_MAX - 1));
  });

  it('cutUnits leaves a short text as it is and never ends on half a pair', () => {
    expect(cutUnits('abc', 5)).toBe('abc');
    expect(cutUnits('abcdef', 3)).toBe('abc');
    expect(cutUnits('a😀b', 2)).toBe('a');
    expect(cutUnits('a😀b', 3)).toBe('a😀');
  });
});
