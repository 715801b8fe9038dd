// How the Connections grid writes a socket: netstat's conventions for addresses, ports, owners and states.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { conn } from '../../store/test-rows.js';
import { exportValues, sortRows } from '../../store/grid-model.js';
import {
  connectionColumns,
  endpointText,
  localText,
  pidsShort,
  pidsText,
  pidsValue,
  processShort,
  processText,
  protoLabel,
  stateText,
  unnamedAddressKey,
  userText,
} from './columns.js';
import { addressSortKey } from '../../../shared/address.js';

const proc = (pid: number, name: string) => ({ pid, name, cmdline: '', exe: null, user: 'root', startTime: 1 });

describe('connection cell text', () => {
  it('writes endpoints as netstat does: * for unspecified, brackets around IPv6', () => {
    expect(endpointText('10.0.0.1', 443, 'tcp')).toBe('10.0.0.1:443');
    expect(endpointText('0.0.0.0', 0, 'tcp')).toBe('*:*');
    expect(endpointText('fe80::1', 22, 'tcp')).toBe('[fe80::1]:22');
  });
  it('names the protocol with its family, and a unix socket by its path', () => {
    expect(protoLabel(conn('a'))).toBe('tcp');
    expect(protoLabel(conn('a', { proto: 'udp', family: 'inet6' }))).toBe('udp6');
    expect(localText(conn('a', { proto: 'unix', family: 'unix' as Connection['family'], path: '/run/x.sock' }))).toBe(
      '/run/x.sock',
    );
    // An unnamed one by its inode, as ss prints it: a process's many unnamed sockets are told apart.
    const unnamed = conn('u', { proto: 'unix', family: 'unix' as Connection['family'], path: '', inode: 4242 });
    expect(localText(unnamed)).toBe('(unnamed) #4242');
    expect(localText({ ...unnamed, inode: null })).toBe('(unnamed)');
  });
  it('owners: every PID, each name once; a hidden owner says why', () => {
    const shared = conn('a', { processes: [proc(1, 'sshd'), proc(2, 'sshd'), proc(3, 'bash')] });
    expect(pidsText(shared)).toBe('1, 2, 3');
    // The cell: the first and how many more (the list, cut by its column, showed "2584…").
    expect(pidsShort(shared)).toBe('1 +2');
    expect(pidsShort(conn('a', { processes: [proc(25849, 'socat')] }))).toBe('25849');
    expect(pidsShort(conn('d', { ownerStatus: 'partial', processes: [proc(1, 'nginx'), proc(2, 'nginx')] }))).toBe(
      '1 +more',
    );
    expect(pidsShort(conn('b', { ownerStatus: 'denied', user: null }))).toBe('?');
    expect(processText(shared)).toBe('sshd, bash');
    // The cell: the first name and how many more names, as PID's (the list, middle-cut as one text, made up a name:
    // "chromium…hpad_handler").
    expect(processShort(shared)).toBe('sshd +1');
    const chrome = conn('c', { processes: [proc(1, 'chromium'), proc(2, 'chrome_crashpad_handler')] });
    expect(processShort(chrome)).toBe('chromium +1');
    expect(processShort(conn('w', { processes: [proc(1, 'nginx'), proc(2, 'nginx')] }))).toBe('nginx');
    expect(processShort(conn('p', { ownerStatus: 'partial', processes: [proc(1, 'a'), proc(2, 'b')] }))).toBe(
      'a +more',
    );
    // Exported and filtered as before: the whole list.
    const column = connectionColumns(() => undefined, new Map()).find((c) => c.id === 'process')!;
    expect(column.text(chrome)).toBe('chromium, chrome_crashpad_handler');
    expect(exportValues([column], [chrome]).values).toEqual([['chromium, chrome_crashpad_handler']]);
    const denied = conn('b', { ownerStatus: 'denied', user: null });
    expect(pidsText(denied)).toBe('?');
    expect(processText(denied)).toBe('unknown: needs privileges');
    // A remote host's socket past its owners' cap: said so, apart from both (on main: empty, as ownerless).
    const capped = conn('c', { ownerStatus: 'capped', processes: [] });
    expect(pidsText(capped)).toBe('?');
    expect(processText(capped)).toBe('(owner not listed: cap reached)');
  });
  it('exports the PIDs as numbers, and a list that is not all of them as a text that says so', () => {
    expect(pidsValue(conn('a', { processes: [proc(7, 'sshd')] }))).toBe(7);
    expect(pidsValue(conn('a', { processes: [proc(1, 'sshd'), proc(2, 'bash')] }))).toEqual([1, 2]);
    expect(pidsValue(conn('a', { ownerStatus: 'denied', user: null }))).toBeNull();
    // A remote socket of more than 64 owners (on main: the 64 PIDs, as if they were all).
    const partial = conn('d', { ownerStatus: 'partial', processes: [proc(1, 'nginx'), proc(2, 'nginx')] });
    expect(pidsValue(partial)).toBe('1; 2 + more not listed');
    expect(pidsText(partial)).toBe('1, 2 + more not listed');
  });
  it('user: the process user, else the socket user, else the uid', () => {
    expect(userText(conn('a', { user: 'me' }))).toBe('me');
    expect(userText(conn('a', { user: null, processes: [proc(1, 'x')] }))).toBe('root');
    // dnsmasq: its socket opened as root, the process running as nobody; on main "root" here, "nobody" in What
    // changed (the record keeps the process's user).
    const dnsmasq = { ...proc(1, 'dnsmasq'), user: 'nobody' };
    expect(userText(conn('a', { user: 'root', uid: 0, processes: [dnsmasq] }))).toBe('nobody');
    expect(userText(conn('a', { user: null, uid: 1001 }))).toBe('1001');
    expect(userText(conn('a', { user: null, uid: null }))).toBe('');
  });
  it('a closed row says CLOSED instead of its last state', () => {
    expect(stateText(conn('a', { state: 'ESTABLISHED' }))).toBe('ESTABLISHED');
    expect(stateText(conn('a', { state: 'ESTABLISHED', closedAt: 9 }))).toBe('CLOSED');
  });
});

describe('the Foreign Address sort', () => {
  const named = new Map([
    ['192.0.2.9', { id: '192.0.2.9', service: null, host: 'Alpha.example.net', country: null, asn: null, asOrg: null }],
  ]);
  const rows = [
    conn('a', { remoteAddress: '192.0.2.10' }),
    conn('b', { remoteAddress: '192.0.2.9' }),
    conn('c', { remoteAddress: '10.0.0.3', proto: 'udp' }),
    conn('d', { proto: 'unix', family: 'unix' as Connection['family'], remoteAddress: '', path: '/x' }),
    conn('e', { remoteAddress: '192.0.2.10', remotePort: 80 }),
    conn('f', { remoteAddress: '0.0.0.0', remotePort: 0 }),
    conn('g', { remoteAddress: '192.0.2.9', state: 'TIME_WAIT' }),
  ];
  for (const resolve of [false, true]) {
    const columns = connectionColumns(() => undefined, named, { resolve, fqdn: false });
    it(`sorts named hosts first, then addresses in address order, no remote end (*, unix) last (names ${resolve ? 'on' : 'off'})`, () => {
      const order = sortRows(rows, columns, [{ id: 'remoteAddress', desc: false }]).map((r) => r.id);
      expect(order).toEqual(resolve ? ['b', 'g', 'c', 'a', 'e', 'd', 'f'] : ['c', 'b', 'g', 'a', 'e', 'd', 'f']);
      // Foreign Port alike: `*` (a listener's 0) with the unix sockets, after every port; none exported as null.
      const ports = sortRows(rows, columns, [{ id: 'remotePort', desc: false }]).map((r) => r.id);
      expect(ports.slice(-2)).toEqual(['d', 'f']);
      const { values, valueColumns } = exportValues(columns, [rows[5]!]);
      expect(values[0]![valueColumns.indexOf('Foreign Address')]).toBeNull();
      expect(values[0]![valueColumns.indexOf('Foreign Port')]).toBeNull();
    });
  }
});

describe('the Foreign Address key of an address shown as itself', () => {
  // IPv4, an IPv4-mapped IPv6 address, IPv6 compressed, written out in capitals and in brackets, with a zone, an
  // unspecified address, and texts that are no address (empty, netstat's *, anything else).
  const forms = [
    '192.0.2.10',
    '0.0.0.0',
    '::ffff:10.0.2.15',
    '2001:db8::1',
    '2001:DB8:0:0:0:0:0:1',
    '[2001:db8::2]',
    'fe80::1%eth0',
    '::',
    '',
    '*',
    'not-an-address',
  ];

  it('is ~ and the address key, the same each time it is asked', () => {
    for (const a of forms) {
      expect(unnamedAddressKey(a)).toBe(`~${addressSortKey(a)}`);
      expect(unnamedAddressKey(a)).toBe(unnamedAddressKey(a));
    }
    // One address in two spellings sorts as one.
    expect(unnamedAddressKey('2001:DB8:0:0:0:0:0:1')).toBe(unnamedAddressKey('2001:db8::1'));
    expect(unnamedAddressKey('::ffff:10.0.2.15')).not.toBe(unnamedAddressKey('10.0.2.15'));
  });

  it('orders the column: names first, then IPv4, IPv6, texts that are no address, no remote end last', () => {
    const named = new Map([
      [
        'fe80::1%eth0',
        { id: 'fe80::1%eth0', service: null, host: 'Gw.Example.net', country: null, asn: null, asOrg: null },
      ],
    ]);
    const rows = [
      ...forms.map((a, i) => conn(`r${i}`, { remoteAddress: a })),
      conn('u', { proto: 'unix', family: 'unix' as Connection['family'], remoteAddress: '', path: '/x' }),
      conn('r11', { remoteAddress: '2001:db8::1' }),
    ];
    for (const resolve of [false, true]) {
      const columns = connectionColumns(() => undefined, named, { resolve, fqdn: true });
      const asc = sortRows(rows, columns, [{ id: 'remoteAddress', desc: false }]).map((r) => r.id);
      const desc = sortRows(rows, columns, [{ id: 'remoteAddress', desc: true }]).map((r) => r.id);
      // The zoned address shows its name when names are resolved, and sorts by it (lower case) before every address.
      const zoned = resolve ? ['r6'] : [];
      const v6 = ['r2', 'r11', 'r3', 'r4', 'r5', ...(resolve ? [] : ['r6'])];
      // No remote end (0.0.0.0, ::, netstat's * or nothing, a unix socket) last, in their order of arrival.
      const none = ['r1', 'r7', 'r8', 'r9', 'u'];
      expect(asc).toEqual([...zoned, 'r0', ...v6, 'r10', ...none]);
      // Descending: ties (one address in two spellings) keep their order (here by id), empty keys (unix) stay last.
      expect(desc).toEqual(['r10', ...(resolve ? [] : ['r6']), 'r5', 'r11', 'r3', 'r4', 'r2', 'r0', ...zoned, ...none]);
    }
  });
});
