// Kill refuses a process whose start time is unknown or changed, so on every OS the collectors must attach
// the start time computed exactly as the kill action reads it again (electron/collectors/process-start-time.ts).
import { describe, expect, it } from 'vitest';
import { WINDOWS_IDENTITY_SCRIPT, parseDarwinPsLine, parseWindowsIdentity } from '../../actions/process-identity.js';
import { WINDOWS_START_MS, parseLstart } from '../process-start-time.js';
import { parsePsProcesses } from './darwin.js';
import { CONNECTIONS_SCRIPT, parsePowerShellConnections } from './win32.js';

describe('macOS: ps lstart', () => {
  it('gives each pid its name and the start time the kill action reads', () => {
    const procs = parsePsProcesses(
      [
        '  412 Sat Nov 28 00:57:39 2026     /usr/sbin/mDNSResponder',
        ' 9001 Mon Nov  3 09:05:01 2025     /Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
        'garbage line',
      ].join('\n'),
    );
    expect(procs.get(412)).toEqual({
      name: 'mDNSResponder',
      startTime: parseLstart(['Sat', 'Nov', '28', '00:57:39', '2026']),
    });
    expect(procs.get(9001)?.name).toBe('Google Chrome');
    expect(procs.size).toBe(2);
    // The kill side parses `ps -o pid=,ppid=,uid=,user=,state=,lstart=,comm=` to the same instant.
    const identity = parseDarwinPsLine(
      ' 9001     1   501 alice    S    Mon Nov  3 09:05:01 2025     /Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    );
    expect(identity?.startTime).toBe(procs.get(9001)?.startTime);
  });
});

describe('Windows: Win32_Process CreationDate', () => {
  it('reads the start time with the same PowerShell expression on both sides', () => {
    expect(CONNECTIONS_SCRIPT).toContain(WINDOWS_START_MS);
    expect(WINDOWS_IDENTITY_SCRIPT).toContain(WINDOWS_START_MS);
  });

  it('never puts an if statement where PowerShell wants an expression', () => {
    // `(if ...)` and `= if` inside a hashtable make PowerShell look for a command named `if`.
    for (const script of [CONNECTIONS_SCRIPT, WINDOWS_IDENTITY_SCRIPT])
      expect(script).not.toMatch(/(?<!\$)\(if\s*\(|=\s*if\s*\(/);
    expect(WINDOWS_START_MS).toMatch(/^\$\(if .*\)$/);
  });

  it('attaches name, start time, command line and executable to each owner', () => {
    const result = parsePowerShellConnections({
      tcp: [{ a: '127.0.0.1', p: 5000, ra: '127.0.0.1', rp: 6000, s: 'Established', o: 1234 }],
      udp: [{ a: '::', p: 5353, o: 0 }],
      procs: [
        { i: 1234, n: 'node.exe', s: 1764291459123, c: 'node server.js', e: 'C:\\Program Files\\nodejs\\node.exe' },
      ],
    });
    const tcp = result.rows.find((r) => r.proto === 'tcp')!;
    expect(tcp.processes).toEqual([
      {
        pid: 1234,
        name: 'node.exe',
        cmdline: 'node server.js',
        exe: 'C:\\Program Files\\nodejs\\node.exe',
        user: null,
        startTime: 1764291459123,
      },
    ]);
    expect(
      parseWindowsIdentity(JSON.stringify({ pid: 1234, ppid: 1, name: 'node.exe', start: 1764291459123 }))?.startTime,
    ).toBe(tcp.processes[0]!.startTime);
    expect(result.rows.find((r) => r.proto === 'udp')!.processes).toEqual([]);
  });
});
