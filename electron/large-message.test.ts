// A frame over 1 MiB must be a flat parseCapture or saveExport request: looked at in one pass before it is parsed.
import { describe, expect, it } from 'vitest';
import { largeMessageShape } from './large-message.js';

/** A request as the page's client writes it. */
const request = (id: number, method: string, params: unknown) =>
  JSON.stringify({ type: 'request', id, method, params });

describe('largeMessageShape', () => {
  const big = 'tcp 0 0 10.0.0.5:51234 "quoted" {braces} [brackets] back\\\\slash: colons\n'.repeat(30_000);

  it('takes a capture to parse and an export to save, whatever their texts hold', () => {
    expect(largeMessageShape(request(1, 'parseCapture', { name: 'big.txt', text: big, format: 'auto' }))).toBe(true);
    expect(largeMessageShape(request(2, 'saveExport', { fileName: 'a.csv', text: big }))).toBe(true);
  });

  it('refuses any other request, another order of fields, and anything nested or with many keys', () => {
    expect(largeMessageShape(request(1, 'saveSettings', { settings: { theme: big } }))).toBe(false);
    expect(largeMessageShape(request(1, 'loadSettings', { pad: big }))).toBe(false);
    expect(largeMessageShape(JSON.stringify({ id: 1, type: 'request', method: 'parseCapture', params: {} }))).toBe(
      false,
    );
    expect(largeMessageShape(` ${request(1, 'parseCapture', { name: 'a', text: big })}`)).toBe(false);
    // The params nested, or a swarm of keys.
    expect(largeMessageShape(request(1, 'parseCapture', { name: 'a', text: [big] }))).toBe(false);
    expect(largeMessageShape(`{"type":"request","id":1,"method":"parseCapture","params":{"t":${'['.repeat(1e6)}`)).toBe(
      false,
    );
    const keys = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, big.slice(0, 10)]));
    expect(largeMessageShape(request(1, 'parseCapture', keys))).toBe(false);
    // Closes before opens: the depth never counted up from below zero.
    expect(
      largeMessageShape(
        `{"type":"request","id":1,"method":"parseCapture","params":{}}${']'.repeat(10)}${'['.repeat(10)}`,
      ),
    ).toBe(false);
    // A method whose name only starts like one of the two.
    expect(largeMessageShape(request(1, 'parseCaptureX', { text: big }))).toBe(false);
  });

  it('is not misled by escaped quotes in a text', () => {
    // An escaped quote does not end the string: the brackets after it are text, not nesting.
    const text = `\\"${'[[['.repeat(1000)}`;
    expect(largeMessageShape(request(1, 'parseCapture', { name: 'a', text }))).toBe(true);
  });
});
