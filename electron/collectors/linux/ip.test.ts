import { describe, expect, it } from 'vitest';
import { parseIpJson } from './ip.js';

describe('parseIpJson', () => {
  it('reads control characters inside strings as they are, escapes and pretty-printing untouched', () => {
    const raw = '[{"ifname":"a\u001b[31m\u202eb\\"\\\\","n":1},\n  {"ifname":"\ttab"}]\n';
    expect(parseIpJson(raw)).toEqual({
      ok: true,
      value: [{ ifname: 'a\u001b[31m\u202eb"\\', n: 1 }, { ifname: '\ttab' }],
    });
  });

  it("reads the \\' some iproute2 versions write for a quote in a name", () => {
    expect(parseIpJson(`[{"ifname":"a\\'b\\\\c"}]`)).toEqual({ ok: true, value: [{ ifname: "a'b\\c" }] });
  });

  it('says why JSON cannot be read, without throwing', () => {
    const r = parseIpJson('[{"ifname":');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).not.toBe('');
  });
});
