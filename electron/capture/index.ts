// Opening a saved capture: find which tool printed it, parse it with the matching parser, and label the
// result. Used by the app (File → Open capture…, drop on the window) and by `netlens parse`.
import type { CaptureResult } from '../../shared/protocol.js';
import { textLines, uniqueIds } from '../collectors/common.js';
import { FOREIGN_FORMATS, FORMATS, type CaptureContext, type CaptureFormat } from './formats.js';
import { NameBook } from '../collectors/names/book.js';
import type { Connection } from '../../shared/types.js';

/** One book for every capture opened: the places databases load once and their answers stay cached. */
let captureBook: NameBook | null = null;

// The command starts the line or follows the first prompt character (`$ `, `# `, `C:\\>`, `PS C:\\>`) after
// which a known tool name stands. Written so that no two quantifiers compete for the same characters: the
// leftmost match is found in one pass (a lazy `.*?` prefix here was quadratic on a long first line).
const PROMPT =
  /(?:^|[$#%>]\s*)(?:sudo\s+)?((?:netstat|nettop|ss|ip|route|ifconfig|ipconfig|cat|nstat|lsof|arp)(?:\s[\s\S]*)?)$/i;

/** A first line such as `$ netstat -anv`, `C:\>netstat -ano` or `root@host:/proc/net# cat raw` is the
 *  command, not output: it is removed, and kept as a hint (which /proc file, which ss protocol). */
export function captureContext(text: string, name = ''): CaptureContext {
  const all = textLines(text);
  const first = all.findIndex((l) => l.trim() !== '');
  let command = '';
  if (first >= 0) {
    const m = PROMPT.exec((all[first] ?? '').trim());
    // `route print`'s own title lines never match; a lone table header does not start with a tool name.
    if (m && !/^(ip|route)\s+(address|addr|Destination)\b/i.test(m[1] ?? '')) {
      command = (m[1] ?? '').trim();
      all.splice(first, 1);
    }
  }
  const lines = all.map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return { text: all.join('\n'), lines, command, name };
}

/** Every format name `--format` accepts, in detection order. */
export function supportedFormats(): string[] {
  return FORMATS.flatMap((f) => [f.name, ...(f.variants ?? [])]);
}

function formatFor(name: string): CaptureFormat | undefined {
  return FORMATS.find((f) => f.name === name || (f.variants ?? []).includes(name));
}

// Text that is a tool's complaint rather than its table. Checked only on short captures.
const ERROR_TEXTS: RegExp[] = [
  /requires elevation/i,
  /erfordert erh.hte rechte/i,
  /is not recognized as an internal or external command/i,
  /command not found/i,
  /permission denied/i,
  /operation not permitted/i,
  /no such file or directory/i,
  /access is denied/i,
  /^usage: /im,
];

function errorText(ctx: CaptureContext): string | null {
  if (ctx.lines.length === 0 || ctx.lines.length > 3) return null;
  const joined = ctx.lines.map((l) => l.trim()).join(' ');
  return ERROR_TEXTS.some((re) => re.test(joined)) ? joined : null;
}

/** Names the format of a capture, or null when no parser recognises it. */
export function detectFormat(text: string, name = ''): string | null {
  const ctx = captureContext(text, name);
  for (const f of FORMATS) if (f.detect(ctx)) return f.variant ? f.variant(ctx) : f.name;
  return null;
}

/** The formats NetLens reads, a line each (`  name, variants: description`). */
export function supportedList(): string {
  return FORMATS.map((f) => `  ${[f.name, ...(f.variants ?? [])].join(', ')}: ${f.description}`).join('\n');
}

/**
 * Parses a saved capture into the rows of the dataset it holds. Throws an Error with a message meant
 * for the user when the text is an error message, a known format with no NetLens table, or unknown.
 */
export function parseCapture(name: string, text: string, format = 'auto'): CaptureResult {
  const ctx = captureContext(text, name);
  const complaint = errorText(ctx);
  if (complaint !== null) {
    throw new Error(
      `${name || 'The capture'} holds an error message, not a table: "${complaint}"${/elevation|access is denied|permission|not permitted/i.test(complaint) ? ' (run the command again as administrator/root)' : ''}`,
    );
  }
  let chosen: string;
  let parser: CaptureFormat | undefined;
  if (format === 'auto' || format === '') {
    parser = FORMATS.find((f) => f.detect(ctx));
    if (!parser) {
      const foreign = FOREIGN_FORMATS.find((f) => f.detect(ctx));
      if (foreign)
        throw new Error(
          `${name || 'The capture'} looks like ${foreign.description} (${foreign.name}), which holds no connections, routes, interfaces, statistics or multicast groups NetLens can show.`,
        );
      if (ctx.lines.length === 0) throw new Error(`${name || 'The capture'} is empty.`);
      throw new Error(
        `The format of ${name || 'the capture'} was not recognised. Supported formats:\n${supportedList()}`,
      );
    }
    chosen = parser.variant ? parser.variant(ctx) : parser.name;
  } else {
    parser = formatFor(format);
    if (!parser) throw new Error(`Unknown format '${format}'. Supported formats:\n${supportedList()}`);
    chosen = format;
  }
  const result = parser.parse(ctx, chosen);
  // A capture may list one socket or route twice (two reads glued together); rows still need distinct keys.
  uniqueIds(result.rows);
  const diagnostics = result.diagnostics;
  if (ctx.command) diagnostics.notes.unshift(`command: ${ctx.command}`);
  if (result.rows.length === 0 && ctx.lines.length > 1 && diagnostics.skipped >= ctx.lines.length - 1) {
    diagnostics.notes.push(`no line could be read as ${chosen}: is this the right format?`);
  }
  const captured = {
    label: name ? `${name} (${chosen})` : chosen,
    format: chosen,
    dataset: parser.dataset,
    rows: result.rows,
    diagnostics,
  };
  if (parser.dataset !== 'connections') return captured;
  // Service names and places (never host names: nobody resolves a capture's addresses).
  return { ...captured, names: (captureBook ??= new NameBook()).update(result.rows as Connection[]) };
}

export { FORMATS } from './formats.js';
