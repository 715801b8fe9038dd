import { describe, expect, it } from 'vitest';
import { isBucket, keyName, processKey, trafficKey } from './process-key.js';
import { NO_PROCESS, OTHER_USERS } from './types.js';

describe('process keys', () => {
  it('keeps a process named as a bucket apart from the bucket, in the list and in the traffic (the chart)', () => {
    expect(processKey('nginx')).toBe('nginx');
    expect(processKey(NO_PROCESS)).not.toBe(NO_PROCESS);
    expect(isBucket(processKey(NO_PROCESS))).toBe(false);
    expect(keyName(processKey(NO_PROCESS))).toBe(NO_PROCESS);
    expect(keyName(processKey(OTHER_USERS))).toBe(OTHER_USERS);
    // The host's bucket row (no pid, the label as id) and a process of that name (a pid) are two keys.
    const bucket = trafficKey({ id: NO_PROCESS, pid: null, name: NO_PROCESS });
    const spoof = trafficKey({ id: '66@1', pid: 66, name: NO_PROCESS });
    expect(bucket).toBe(NO_PROCESS);
    expect(spoof).toBe(processKey(NO_PROCESS));
    expect(trafficKey({ id: '7@1', pid: 7, name: 'curl' })).toBe('curl');
  });

  it('shows any other name whole, a trailing NUL included', () => {
    expect(keyName('odd\u0000')).toBe('odd\u0000');
    expect(keyName('curl')).toBe('curl');
  });
});
