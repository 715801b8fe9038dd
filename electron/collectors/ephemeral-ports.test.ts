import { describe, expect, it } from 'vitest';
import {
  IANA_EPHEMERAL,
  LINUX_DEFAULT_EPHEMERAL,
  LINUX_PORT_RANGE_FILE,
  ephemeralPorts,
  parsePortRange,
} from './ephemeral-ports.js';

describe('the ephemeral port range', () => {
  it('reads the kernel line, and refuses what is not a range', () => {
    expect(parsePortRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(parsePortRange('1024 65535')).toEqual({ low: 1024, high: 65535 });
    for (const bad of ['', '60999 32768', '0 100', '1 70000', '1 2 3', 'a b']) expect(parsePortRange(bad)).toBeNull();
  });
  it("uses the kernel's default where the file cannot be read or makes no sense; IANA's elsewhere", () => {
    expect(ephemeralPorts('linux', (f) => (f === LINUX_PORT_RANGE_FILE ? '40000 50000\n' : ''))).toEqual({
      low: 40000,
      high: 50000,
    });
    expect(
      ephemeralPorts('linux', () => {
        throw Object.assign(new Error('no'), { code: 'ENOENT' });
      }),
    ).toEqual(LINUX_DEFAULT_EPHEMERAL);
    expect(ephemeralPorts('linux', () => 'garbage')).toEqual(LINUX_DEFAULT_EPHEMERAL);
    expect(ephemeralPorts('darwin', () => '1 2')).toEqual(IANA_EPHEMERAL);
  });
});
