import { describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../monitor/testing/synthetic.js';
import { inetConnectionKey, keyedByEndpoints, rememberedKeys, unixConnectionKey } from './keys.js';

const built = (...a: [string, string, string, number, string, number, number | null]) => a.map(String).join('|');

describe('connection keys', () => {
  // That a socket listed again gets the very string object it got before is not visible to JavaScript (strings
  // compare by value): bench:pipeline shows it. These check that the key is always the one its fields give.
  it('gives a socket listed again its key, and one whose endpoints changed under the same inode its new key', () => {
    const first = inetConnectionKey('tcp', 'inet', '10.0.0.1', 80, '10.0.0.2', 5000, 77);
    expect(first).toBe('tcp|inet|10.0.0.1|80|10.0.0.2|5000|77');
    // Fresh strings with the same text, as a parser makes them each read.
    const again = inetConnectionKey('tcp', 'inet', ['10.0.0', '1'].join('.'), 80, ['10.0.0', '2'].join('.'), 5000, 77);
    expect(again).toBe(first);
    // The inode given to another socket: its own key.
    expect(inetConnectionKey('tcp', 'inet', '10.0.0.1', 81, '10.0.0.2', 5000, 77)).toBe(
      'tcp|inet|10.0.0.1|81|10.0.0.2|5000|77',
    );
    expect(inetConnectionKey('udp', 'inet', '10.0.0.1', 81, '10.0.0.2', 5000, 77)).toBe(
      'udp|inet|10.0.0.1|81|10.0.0.2|5000|77',
    );
    expect(inetConnectionKey('tcp', 'inet', '10.0.0.1', 80, '10.0.0.2', 5000, 0)).toBe(
      'tcp|inet|10.0.0.1|80|10.0.0.2|5000|0',
    );
    expect(inetConnectionKey('tcp', 'inet6', '::1', 80, '::1', 5000, null)).toBe('tcp|inet6|::1|80|::1|5000|null');
    expect(unixConnectionKey('/run/x', 9)).toBe('unix|unix|/run/x|9');
  });

  it('keys a TCP connection by its endpoints from SYN to TIME_WAIT, so it keeps its key as its process closes it', () => {
    const key = (inode: number | null, state: string | null, proto = 'tcp') =>
      inetConnectionKey(proto, 'inet', '10.0.0.1', 40000, '10.0.0.2', 443, inode, state);
    const open = key(88, 'ESTABLISHED');
    expect(open).toBe('tcp|inet|10.0.0.1|40000|10.0.0.2|443');
    // Closed by its process: no inode any more (FIN_WAIT2, then TIME_WAIT), the same key.
    for (const state of [
      'FIN_WAIT1',
      'FIN_WAIT2',
      'TIME_WAIT',
      'CLOSE_WAIT',
      'LAST_ACK',
      'CLOSING',
      'SYN_SENT',
      'SYN_RECV',
    ])
      expect(key(0, state), state).toBe(open);
    expect(keyedByEndpoints('tcp', 'TIME_WAIT')).toBe(true);
    // Sockets that may share their endpoints with others keep the inode: listeners (SO_REUSEPORT), a closed or
    // bound one, any UDP socket, and a row whose state is not known.
    expect(key(88, 'LISTEN')).toBe('tcp|inet|10.0.0.1|40000|10.0.0.2|443|88');
    expect(key(88, 'CLOSE')).toBe('tcp|inet|10.0.0.1|40000|10.0.0.2|443|88');
    expect(key(88, 'ESTABLISHED', 'udp')).toBe('udp|inet|10.0.0.1|40000|10.0.0.2|443|88');
    expect(key(88, null)).toBe('tcp|inet|10.0.0.1|40000|10.0.0.2|443|88');
    // The remembered key of an inode is the one its state gives: a connection reset into CLOSE gets the inode back.
    expect(key(89, 'ESTABLISHED')).toBe(open);
    expect(key(89, 'CLOSE')).toBe('tcp|inet|10.0.0.1|40000|10.0.0.2|443|89');
    expect(key(89, 'ESTABLISHED')).toBe(open);
  });

  it('is the joined fields whatever came before, over many random sockets sharing inodes', () => {
    const random = seededRandom(7);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    // More lookups than the remembered generations hold, so that keys are forgotten and made again.
    for (let i = 0; i < 300_000; i++) {
      const args: [string, string, string, number, string, number, number | null] = [
        pick(['tcp', 'udp']),
        pick(['inet', 'inet6']),
        pick(['10.0.0.1', '10.0.0.2']),
        pick([80, 443]),
        `10.1.${Math.floor(random() * 3)}.1`,
        pick([1, 2]),
        pick([null, 0, 1 + Math.floor(random() * (i < 150_000 ? 50 : 5_000))]),
      ];
      const key = inetConnectionKey(...args);
      if (key !== built(...args)) expect(key).toBe(built(...args));
    }
  });

  it('forgets the keys of closed sockets when only new sockets are looked up (a collector keeping its rows)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      let inode = 1_000_000;
      // A second of 1 % churn at 20,000 sockets: 200 new sockets, each keyed once (then kept), none again.
      const aSecond = () => {
        for (let i = 0; i < 200; i++, inode++)
          inetConnectionKey('tcp', 'inet', '127.0.0.1', 1024 + (inode % 60_000), '127.0.0.1', 80, inode);
        vi.setSystemTime(Date.now() + 1000);
      };
      for (let s = 0; s < 120; s++) aSecond();
      const atTwoMinutes = rememberedKeys();
      for (let s = 0; s < 480; s++) aSecond();
      // Remembering every key would hold five times as many at ten minutes.
      expect(rememberedKeys()).toBeLessThan(atTwoMinutes * 1.5);
    } finally {
      vi.useRealTimers();
    }
  });
});
