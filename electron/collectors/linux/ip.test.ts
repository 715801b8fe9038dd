import { describe, expect, it } from 'vitest';
import { ipJsonHead, parseIpJson } from './ip.js';

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

describe('ipJsonHead', () => {
  // Names may hold what would end an element or the array elsewhere: a comma, brackets, braces, quotes.
  const elements = ['{"dst":"a,]}","m":[1,{"x":2}]}', '{"dst":"b\\"],["}', '{"dst":"c\\\'"}', '{"dst":"d"}'];
  const text = `prompt$ ip -j route\n[${elements.join(',')}]\n`;

  it('keeps the first n elements as an array, and counts the others without reading them', () => {
    for (let n = 0; n < elements.length; n++) {
      const head = ipJsonHead(text, n);
      expect(head.kept).toBe(n);
      expect(head.cut).toBe(elements.length - n);
      const parsed = parseIpJson(head.text.slice(head.text.indexOf('\n') + 1));
      expect(parsed.ok && (parsed.value as unknown[]).length).toBe(n);
      expect(parsed).toEqual(parseIpJson(`[${elements.slice(0, n).join(',')}]`));
    }
  });

  it('gives the text as it is where there are no more than n elements, or no array', () => {
    expect(ipJsonHead(text, elements.length)).toEqual({ text, kept: elements.length, cut: 0 });
    expect(ipJsonHead(text, 99)).toEqual({ text, kept: elements.length, cut: 0 });
    expect(ipJsonHead('[]', 0)).toEqual({ text: '[]', kept: 0, cut: 0 });
    expect(ipJsonHead('Error: nothing', 1)).toEqual({ text: 'Error: nothing', kept: 0, cut: 0 });
    // Unfinished after the n-th element: cut there all the same, the rest counted as far as it goes.
    expect(ipJsonHead('[{"a":1},{"b":2},{"c":', 1)).toEqual({ text: '[{"a":1}]', kept: 1, cut: 2 });
  });
});
