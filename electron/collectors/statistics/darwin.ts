// macOS protocol statistics from `netstat -s` (one process, every protocol). The output is English
// sentences from printf formats that change between releases (`\t\t1509288 data packets (741004496
// bytes)`), so nothing is matched by exact wording: every number becomes a counter named after the words
// around it, nested lines are named after their parent (`packets sent: data packets`), and lines with no
// number are kept as notes instead of being dropped. Linux `netstat -s` captures have the same shape
// (with `Key: value` lines under TcpExt/IcmpMsg) and use this parser too.
import type { Collector } from '../collector.js';
import type { Counter, DatasetResult } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { commandCollector } from '../run-command.js';
import { makeCounter } from './common.js';
import { textLines, uniqueIds } from '../common.js';

const SOURCE = 'netstat -s';
/** Real sentences hold a few numbers (`N packets (M bytes)`); every counter of a line is named after the
 *  whole line, so a line of thousands of numbers would cost time and memory quadratic in its length. */
const MAX_NUMBERS_PER_SENTENCE = 16;

function indentOf(line: string): number {
  const m = /^[\t ]*/.exec(line);
  const ws = m ? m[0] : '';
  // Tabs (BSD) are one level each; Linux indents with four spaces per level.
  let level = 0;
  let spaces = 0;
  for (const ch of ws) {
    if (ch === '\t') level++;
    else spaces++;
  }
  return level + Math.ceil(spaces / 4);
}

function tidy(s: string): string {
  // Runs of spaces are one space after the first replace, so the later ones need no competing quantifier.
  return s
    .replace(/\s+/g, ' ')
    .replace(/ ([,:)])/g, '$1')
    .replace(/\( /g, '(')
    .trim();
}

/** The counters one sentence holds: the leading number names the sentence, each `(N words)` adds one. */
function sentenceCounters(text: string): { name: string; value: number }[] {
  const kv = /^([^:]+):\s*(-?\d+)$/.exec(text);
  if (kv) return [{ name: tidy(kv[1] ?? ''), value: Number(kv[2]) }];
  const lead = /^(-?\d+)\s+([\s\S]*)$/.exec(text);
  if (lead) {
    const rest = lead[2] ?? '';
    // Parenthesised groups never nest in netstat -s; excluding `(` keeps each scan to one group (linear).
    const base = tidy(rest.replace(/\([^()\d]*\d[^()]*\)/g, '').replace(/\s+/g, ' '));
    const out = [{ name: base, value: Number(lead[1]) }];
    for (const group of rest.matchAll(/\(([^()]*)\)/g)) {
      const m = /^([^\d]*)(\d+)\s*([\s\S]*)$/.exec(group[1] ?? '');
      if (!m) continue;
      const words = tidy(`${m[1] ?? ''} ${(m[3] ?? '').replace(/\d+/g, '#')}`);
      out.push({ name: `${base} (${words || '#'})`, value: Number(m[2]) });
    }
    return out;
  }
  const numbers = [...text.matchAll(/(?<![\w.])(\d+)(?![\w.])/g)];
  if (numbers.length === 0) return [];
  const template = tidy(text.replace(/(?<![\w.])\d+(?![\w.])/g, '#'));
  return numbers.map((m, i) => ({
    name: numbers.length === 1 ? template : `${template} [${i + 1}]`,
    value: Number(m[1]),
  }));
}

/** Parses `netstat -s` sentences (macOS, BSD, Linux net-tools). */
export function parseNetstatSentences(text: string, source = SOURCE): DatasetResult<Counter> {
  const d = emptyDiagnostics();
  const rows: Counter[] = [];
  let group = '';
  // The names of the enclosing lines, by depth, for nested sentences.
  const parents: string[] = [];
  for (const raw of textLines(text)) {
    if (raw.trim() === '') continue;
    const depth = indentOf(raw);
    const body = raw.trim();
    if (depth === 0 && /^[^\d].*:$/.test(body)) {
      group = body.slice(0, -1).trim();
      parents.length = 0;
      continue;
    }
    if ((body.match(/\d+/g)?.length ?? 0) > MAX_NUMBERS_PER_SENTENCE) {
      recordSkip(d, source, raw, `more than ${MAX_NUMBERS_PER_SENTENCE} numbers: not a netstat -s sentence`);
      continue;
    }
    parents.length = Math.max(0, depth - 1);
    const parent = parents.filter((p) => p !== '').join(': ');
    const counters = sentenceCounters(body);
    if (counters.length === 0) {
      if (body.endsWith(':')) parents[depth - 1] = tidy(body.slice(0, -1));
      else d.notes.push(`${group ? `${group}: ` : ''}${body}`);
      continue;
    }
    parents[depth - 1] = counters[0]?.name ?? '';
    // No description: the name already is the sentence's words, and the sentence itself holds the numbers
    // (printed beside the value they doubled it: "866865 866865 total packets received"), which would also make
    // the description change with every reading.
    for (const c of counters) {
      const name = parent ? `${parent}: ${c.name}` : c.name;
      rows.push(makeCounter(group || 'netstat', name, c.value, null));
    }
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

export function createDarwinStatisticsCollector(): Collector<Counter> {
  return commandCollector('netstat', ['-s'], (text) => parseNetstatSentences(text));
}
