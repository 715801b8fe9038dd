// IPv6 zones are kept: a live link-local socket reads `fe80::1%eth0`, and captures keep the zone ss,
// netstat and BSD print, without brackets.
import { describe, expect, it } from 'vitest';
import { parseSs } from '../../capture/ss.js';
import { attachZones, parseProcNetInet } from './linux.js';
import { splitColonEndpoint, splitDotEndpoint } from './endpoints.js';

describe('IPv6 zones', () => {
  it('a live link-local socket gets the zone of the interface that holds its address', () => {
    // A listener on [fe80::1]:8080 and a connection from it to fe80::2 (/proc/net/tcp6 words are host order).
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 000080FE000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0',
      '   1: 000080FE000000000000000001000000:1F90 000080FE000000000000000002000000:D1A3 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 100 0 0 10 0',
      '   2: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0 100 0 0 10 0',
    ].join('\n');
    const { rows } = parseProcNetInet(tcp6, 'tcp', 'inet6', true);
    const ifInet6 = [
      'fe800000000000000000000000000001 02 40 20 80     eth0',
      'fe800000000000000000000000000009 03 40 20 80     eth1',
      'fe800000000000000000000000000009 04 40 20 80     eth2',
      '00000000000000000000000000000001 01 80 10 80       lo',
    ].join('\n');
    expect(attachZones(rows, ifInet6)).toBe(true);
    expect(rows.map((r) => [r.localAddress, r.remoteAddress])).toEqual([
      ['fe80::1%eth0', '::'],
      ['fe80::1%eth0', 'fe80::2%eth0'],
      ['::1', '::'],
    ]);
    expect(rows[1]!.id).toContain('fe80::1%eth0|8080|fe80::2%eth0');
    // An address that two interfaces hold stays bare.
    const { rows: other } = parseProcNetInet(
      tcp6.replace(/000080FE000000000000000001000000:1F90 0000/, '000080FE000000000000000009000000:1F90 0000'),
      'tcp',
      'inet6',
      true,
    );
    attachZones(other, ifInet6);
    expect(other[0]!.localAddress).toBe('fe80::9');
  });

  it('a captured ss line keeps the zone on the address, without brackets', () => {
    const text = [
      'Netid State  Recv-Q Send-Q Local Address:Port                        Peer Address:Port   Process',
      'udp   UNCONN 0      0      [fe80::5054:ff:fe12:3456]%eth0:53731      [::]:*',
      'tcp   ESTAB  0      0      [fe80::1]%eth0:22                         [fe80::2]%eth0:40000',
      'udp   UNCONN 0      0      127.0.0.53%lo:53                          0.0.0.0:*',
    ].join('\n');
    const { rows } = parseSs(text);
    expect(rows[0]).toMatchObject({ family: 'inet6', localAddress: 'fe80::5054:ff:fe12:3456%eth0', localPort: 53731 });
    expect(rows[1]).toMatchObject({
      localAddress: 'fe80::1%eth0',
      localPort: 22,
      remoteAddress: 'fe80::2%eth0',
      remotePort: 40000,
      state: 'ESTABLISHED',
    });
    expect(rows[2]).toMatchObject({ family: 'inet', localAddress: '127.0.0.53', localPort: 53 });
  });

  it('other capture styles keep it too', () => {
    expect(splitColonEndpoint('[fe80::1%6]:1900', '::')).toEqual({ address: 'fe80::1%6', port: 1900 });
    expect(splitDotEndpoint('fe80::1%lo0.5353', '::')).toEqual({ address: 'fe80::1%lo0', port: 5353 });
  });
});
