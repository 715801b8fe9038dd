// Windows text plumbing: OEM code pages (localized netstat states survive the decode), capture files saved
// as UTF-16 by PowerShell, and the framing of the long-lived PowerShell helper's replies.
import { describe, expect, it } from 'vitest';
import { decodeCaptureBytes, decodeCodePage } from './oem-codepage.js';
import { normalizeTcpState } from './connections/endpoints.js';
import { asArray, takeReplies, wrapScript } from './win32-powershell.js';
import { parseCapture } from '../capture/index.js';
import { fixture } from '../../test/fixtures/captures/fixtures.js';

describe('OEM code pages', () => {
  it('decodes the German state words netstat prints in cp850 and cp437', () => {
    // ABHÖREN: Ö is 0x99 in both pages.
    const bytes = Uint8Array.from([0x41, 0x42, 0x48, 0x99, 0x52, 0x45, 0x4e]);
    expect(decodeCodePage(bytes, 850)).toBe('ABHÖREN');
    expect(decodeCodePage(bytes, 437)).toBe('ABHÖREN');
    expect(normalizeTcpState(decodeCodePage(bytes, 850))).toBe('LISTEN');
    // é is 0x82 in both; cp850 has Ø at 0x9D where cp437 has ¥.
    expect(decodeCodePage(Uint8Array.from([0x82, 0x9d]), 850)).toBe('éØ');
    expect(decodeCodePage(Uint8Array.from([0x82, 0x9d]), 437)).toBe('é¥');
  });

  it('uses the WHATWG decoders for the other pages and keeps ASCII for unknown ones', () => {
    expect(decodeCodePage(Uint8Array.from([0xcf, 0xf0, 0xe8]), 1251)).toBe('При');
    expect(decodeCodePage(Uint8Array.from([0x8f, 0xe0, 0xa8]), 866)).toBe('При');
    expect(decodeCodePage(Buffer.from('TCP 0.0.0.0:135'), 99999)).toBe('TCP 0.0.0.0:135');
  });

  it('maps localized and accent-stripped state words', () => {
    expect(normalizeTcpState('HERGESTELLT')).toBe('ESTABLISHED');
    expect(normalizeTcpState('ÉCOUTE')).toBe('LISTEN');
    expect(normalizeTcpState('ESCUCHANDO')).toBe('LISTEN');
    expect(normalizeTcpState('FIN_WAIT_2')).toBe('FIN_WAIT2');
    expect(normalizeTcpState('0x0102')).toBeNull();
  });

  it('reads a capture saved by PowerShell as UTF-16LE like the original, and cp850 bytes as cp850', () => {
    const text = fixture('windows/netstat-ano.win10.txt');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const decoded = decodeCaptureBytes(utf16);
    expect(decoded.encoding).toBe('utf-16le');
    expect(parseCapture('a', decoded.text).rows).toEqual(parseCapture('a', text).rows);
    expect(decodeCaptureBytes(Uint8Array.from([0x41, 0x99])).text).toBe('AÖ');
  });
});

describe('PowerShell helper framing', () => {
  it('splits replies at the delimiter, ignores noise before the JSON and keeps a partial reply', () => {
    const out =
      'WARNING: something\r\n{"ok":true,"value":[{"a":1}]}\r\n#NETLENS-END#\r\n{"ok":false,"error":"Access denied"}\n#NETLENS-END#\n{"ok":tr';
    const { replies, rest } = takeReplies(out);
    expect(replies).toEqual([
      { ok: true, value: [{ a: 1 }] },
      { ok: false, error: 'Access denied' },
    ]);
    expect(rest).toBe('{"ok":tr');
    expect(takeReplies('garbage\n#NETLENS-END#\n').replies[0]).toMatchObject({ ok: false });
  });

  it('sends each request as one line that ends with the delimiter', () => {
    const line = wrapScript('Get-Process\n| Select Id');
    expect(line).not.toMatch(/\n/);
    expect(line).toContain("WriteLine('#NETLENS-END#')");
  });

  it('treats a single object from ConvertTo-Json as a one-element array', () => {
    expect(asArray({ a: 1 })).toEqual([{ a: 1 }]);
    expect(asArray([{ a: 1 }, 2, null])).toEqual([{ a: 1 }]);
    expect(asArray(null)).toEqual([]);
  });
});
