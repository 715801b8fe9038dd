// `netlens parse FILE [--format auto|NAME] [--json]`: reads a saved netstat/ss/ip/route/ifconfig/...
// capture from any OS, names its format, and prints its rows as a table (or --json).
import { commandError, errorText } from '../../shared/error-text.js';
import { inertExcerpt, inertJson, inertText } from '../../shared/inert-text.js';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../cli.js';
import { parseCapture, supportedFormats } from '../capture/index.js';
import { decodeCaptureBytes } from '../collectors/oem-codepage.js';
import { MAX_CAPTURE_BYTES } from '../../shared/protocol.js';
import { connectionNames } from '../../shared/names.js';
import type { Connection, Dataset, RowTypes } from '../../shared/types.js';
import { formatRows } from './text-table.js';

/** Lines of a parser's message printed after its first, at most (the formats NetLens knows: 34 today). */
const MAX_MESSAGE_LINES = 200;

export const parseCommand: Command = {
  summary: 'parse a saved netstat/ss/ip/route/ifconfig capture from any OS (table, or --json rows)',
  usage: 'parse FILE [--format auto|NAME] [--json]',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: { json: { type: 'boolean' }, format: { type: 'string', default: 'auto' } },
        allowPositionals: true,
      });
    } catch (err) {
      console.error(commandError('parse', err));
      return 2;
    }
    const file = parsed.positionals[0];
    if (file === undefined || parsed.positionals.length > 1) {
      console.error(`Usage: netlens ${this.usage}\nFormats: ${supportedFormats().join(', ')}`);
      return 2;
    }
    const read = await readCapture(file);
    if (!read.ok) {
      console.error(commandError('parse', read.error));
      return 1;
    }
    const bytes = read.bytes;
    const { text, encoding } = decodeCaptureBytes(bytes);
    let result;
    try {
      // The name is inert before the parser sees it: it comes back in its messages and the label.
      result = parseCapture(inertText(basename(file)), text, parsed.values.format ?? 'auto');
    } catch (err) {
      // The parser's own message, the formats it knows on lines of their own: one line of `\n`s cut at 500
      // characters before (a new user's review of 12-06). Each line inert, the list whole.
      const [first, ...more] = errorText(err).split('\n');
      console.error(commandError('parse', first));
      for (const line of more.slice(0, MAX_MESSAGE_LINES)) console.error(inertExcerpt(line, 500));
      return 1;
    }
    if (encoding !== 'utf-8') result.diagnostics.notes.push(`decoded as ${encoding}`);
    if (parsed.values.json) {
      // Connections carry their service names and places, as `netlens dump connections --json` rows do.
      const { names, ...rest } = result;
      const lookup = new Map((names ?? []).map((e) => [e.id, e]));
      const rows =
        result.dataset === 'connections'
          ? (result.rows as Connection[]).map((r) => ({ ...r, ...connectionNames(lookup, r) }))
          : result.rows;
      console.log(inertJson({ ...rest, rows }, 2));
      return 0;
    }
    console.log(
      `${inertText(basename(file))}: ${result.format} (${result.dataset}, ${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`,
    );
    console.log(formatRows(result.dataset as Dataset, result.rows as RowTypes[Dataset][]));
    const d = result.diagnostics;
    const remarks = [
      ...(d.skipped > 0
        ? [
            `${d.skipped} line(s) could not be read, e.g. ${d.samples.map((s) => `"${s.line}" (${s.reason})`).join('; ')}`,
          ]
        : []),
      ...d.missing.map((m) => `${m.source}: ${m.reason}`),
      ...d.notes,
    ];
    for (const r of remarks) console.error(`note: ${inertExcerpt(r, 500)}`);
    return 0;
  },
};

/** Reads at most MAX_CAPTURE_BYTES (+1 to tell a larger file), so a pipe or a file that keeps growing ends
 *  with an error instead of filling memory; a folder, a device (/dev/zero) or an empty file is refused with
 *  one sentence that names it. */
async function readCapture(file: string): Promise<{ ok: true; bytes: Buffer } | { ok: false; error: string }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    return { ok: false, error: `cannot read ${file}: ${reason(err)}` };
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return { ok: false, error: `${file} is a folder, not a capture file` };
    if (st.isCharacterDevice() || st.isBlockDevice())
      return { ok: false, error: `${file} is a device, not a capture file` };
    const chunks: Buffer[] = [];
    let total = 0;
    const limit = MAX_CAPTURE_BYTES + 1;
    while (total < limit) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, limit - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > MAX_CAPTURE_BYTES)
      return { ok: false, error: `${file} is larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MB` };
    if (total === 0) return { ok: false, error: `${file} is empty` };
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (err) {
    return { ok: false, error: `cannot read ${file}: ${reason(err)}` };
  } finally {
    await handle.close();
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return err instanceof Error ? err.message : String(err);
}
