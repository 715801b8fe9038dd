// How procfs text with interface names is decoded: UTF-8 per line when valid, latin1 (every byte) otherwise.
import { describe, expect, it } from 'vitest';
import { decodeProcText } from './proc-files.js';

describe('decodeProcText', () => {
  it("reads a name's UTF-8 as UTF-8, and a line that is not UTF-8 byte for byte, without spoiling the others", () => {
    const good = Buffer.from('r\u202eevil:   10   1\n', 'utf8');
    const bad = Buffer.from([0x78, 0xff, 0x3a, 0x20, 0x31]); // "x\xff: 1"
    const text = decodeProcText(Buffer.concat([good, bad, Buffer.from('\nlo: 2\n')]), 'names');
    expect(text.split('\n')).toEqual(['r\u202eevil:   10   1', 'x\u00ff: 1', 'lo: 2', '']);
    // Kept as latin1, the line's bytes come back as they were.
    expect(Buffer.from(text.split('\n')[1]!, 'latin1')).toEqual(bad);
    // The socket tables keep reading latin1.
    expect(decodeProcText(good, 'latin1')).toBe(good.toString('latin1'));
  });
});
