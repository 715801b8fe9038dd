// Windows console tools (netstat, route, netsh) write in the OEM code page (437 in the US, 850 in western
// Europe, 866 in Russia, 936 in China...), not UTF-8. The WHATWG TextDecoder that Node and Electron ship
// knows the Windows ANSI pages, 866 and the CJK pages, but not 437 or 850, so those two are decoded from a
// table here. Anything unknown falls back to Latin-1, which keeps ASCII intact.

const HIGH_437 =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const HIGH_850 =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

const TABLES: Record<number, readonly string[]> = {
  437: [...HIGH_437],
  850: [...HIGH_850],
};

// Code page -> WHATWG label, for the pages TextDecoder handles itself.
const LABELS: Record<number, string> = {
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  65001: 'utf-8',
};

export function supportedCodePage(codePage: number): boolean {
  return codePage in TABLES || codePage in LABELS;
}

export function decodeCodePage(bytes: Uint8Array, codePage: number): string {
  const table = TABLES[codePage];
  if (table) {
    let out = '';
    for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : (table[b - 0x80] ?? '\ufffd');
    return out;
  }
  const label = LABELS[codePage];
  if (label) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // A build of Node without this decoder: fall through to Latin-1.
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

/** Text of a saved capture whose encoding is unknown: UTF-16 with a BOM (PowerShell's `>`), UTF-8 when
 *  the bytes are valid UTF-8, otherwise the western OEM page 850 (a `netstat > file` from cmd.exe). */
export function decodeCaptureBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeCodePage(bytes, 850), encoding: 'cp850' };
  }
}

// Windows-1252's 0x80-0x9F, where it differs from Latin-1 (the five bytes it leaves undefined decode to
// the C1 controls of the same value, as WHATWG's decoder does).
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const CP1252_BYTES = new Map<string, number>([...CP1252_80_9F].map((c, i) => [c, 0x80 + i]));

/**
 * Undoes one common mix-up: OEM 850 bytes (a `netstat > file` from cmd.exe) read as Windows-1252 by an
 * editor and saved again, so ABHÖREN shows as ABH™REN (Ö is 0x99 in 850, ™ is 0x99 in 1252). Returns the
 * text as 850 would have shown it, or null when it holds a character 1252 has no byte for (it was not
 * such a mix-up).
 */
export function undoCp1252ReadOfOem850(text: string): string | null {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    const b = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : CP1252_BYTES.get(c);
    if (b === undefined) return null;
    bytes[i] = b;
  }
  return decodeCodePage(bytes, 850);
}
