// Reading /proc and /sys text without throwing: a missing table (no IPv6, no raw) or an unreadable file is
// a reason to report, not a failure of the whole collector.
import { isUtf8 } from 'node:buffer';
import fs, { promises as fsp } from 'node:fs';
import type { DatasetResult, Diagnostics } from '../../../shared/types.js';
import { emptyDiagnostics, mergeDiagnostics } from '../../../shared/types.js';

export type ReadOutcome = { ok: true; text: string } | { ok: false; code: string; reason: string };

function errnoCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'EIO';
}

export function describeReadError(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'not present on this system (kernel without this protocol or feature)';
    case 'EACCES':
    case 'EPERM':
      return 'not readable: needs privileges';
    case 'EINVAL':
      return 'not available for this device';
    default:
      return `unreadable (${code})`;
  }
}

/**
 * How a procfs text is decoded. The kernel prints ASCII, latin1 keeps every byte, and that is all the socket
 * tables need. But an interface name is whatever bytes its creator gave (`ip link add r\u202eevil`), most often
 * UTF-8, and it is also the path of its sysfs folder: 'names' decodes each line as UTF-8 when it is valid
 * UTF-8, else as latin1 (every byte kept, one odd name spoiling no other line). The numbers around a name are
 * ASCII, the same either way. For files with interface names: dev, if_inet6, igmp, igmp6, dev_mcast, route,
 * ipv6_route.
 */
export type ProcTextEncoding = 'latin1' | 'utf8' | 'names';

export function decodeProcText(bytes: Buffer, encoding: ProcTextEncoding): string {
  if (encoding !== 'names') return bytes.toString(encoding);
  if (isUtf8(bytes)) return bytes.toString('utf8');
  const lines: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    lines.push(line.toString(isUtf8(line) ? 'utf8' : 'latin1'));
    start = end + 1;
  }
  return lines.join('\n');
}

/**
 * A /proc line's fields as the kernel separates them: by its blanks (space, tab), which no interface name holds
 * (dev_valid_name refuses them). Not by JavaScript's whitespace (trim, \s), which also takes Unicode spaces
 * (U+2003, U+3000, U+FEFF, ...) that a name may hold: an interface named "\u2003eth0" was read as a second
 * "eth0" (its row given eth0's link facts and IPv6 addresses, its routes and groups shown on eth0). The line is
 * read once, whatever its length.
 */
export function kernelFields(line: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 32;
    const blank = c === 32 || c === 9 || c === 10 || c === 11 || c === 12 || c === 13;
    if (!blank && start < 0) start = i;
    else if (blank && start >= 0) {
      fields.push(line.slice(start, i));
      start = -1;
    }
  }
  return fields;
}

/** Reads a whole procfs/sysfs file as text; 'names' by default, as most /proc/net files read here name
 *  interfaces (the big socket tables are read by readProcTextSync, as latin1). */
export async function readProcText(path: string, encoding: ProcTextEncoding = 'names'): Promise<ReadOutcome> {
  try {
    return { ok: true, text: decodeProcText(await fsp.readFile(path), encoding) };
  } catch (err) {
    const code = errnoCode(err);
    return { ok: false, code, reason: describeReadError(code) };
  }
}

/**
 * The same, synchronously, for the big socket tables. Measured here on a 5,000-socket /proc/net/tcp
 * (750 kB): readFileSync 29 ms, fs.promises.readFile 50 ms, any chunk size from 4 kB to 1 MB alike; the
 * kernel formats the text either way, the thread-pool hop only adds to it. The connections collector runs
 * in the monitor's worker thread, so blocking it for the read blocks no UI.
 */
export function readProcTextSync(path: string, encoding: ProcTextEncoding = 'latin1'): ReadOutcome {
  try {
    return { ok: true, text: decodeProcText(fs.readFileSync(path), encoding) };
  } catch (err) {
    const code = errnoCode(err);
    return { ok: false, code, reason: describeReadError(code) };
  }
}

/** The most files readProcTextAgain keeps open (the counters of a quiet tick and /proc/net/dev: six); past it, a
 *  file is read as readProcTextSync reads it. */
const HELD_AT_MOST = 16;
/** Larger than any file kept open is (/proc/net/dev of tens of thousands of interfaces): past it, the read fails. */
const HELD_MAX_BYTES = 64 * 1024 * 1024;
/** The buffer a file kept open keeps between reads, at most: one that grew past it for a large read (a burst of
 *  interfaces) is let go after it, not held for the process's life (six files of up to HELD_MAX_BYTES each). */
const HELD_KEPT_BYTES = 64 * 1024;
const HELD_FIRST_BYTES = 4096;
const held = new Map<string, HeldProcFile>();

/**
 * A file of the machine's /proc read again every tick (the kernel's socket counters, /proc/net/dev): kept open and
 * read from its start each time, where procfs makes its text anew, which saves readFileSync's open, fstat and
 * close: 20-45 µs a read of snmp, snmp6, sockstat and loadavg here against 2-18 from an open file. Only for a
 * path under /proc/ that names the same file for the process's life (never a process's own folder, whose pid may
 * be another process's later); any other path (a test's fixture folder, whose files are replaced between reads)
 * is read whole each time. An error closes the file: the next read opens it again.
 */
export function readProcTextAgain(path: string, encoding: ProcTextEncoding = 'latin1'): ReadOutcome {
  if (!path.startsWith('/proc/') || /^\/proc\/(?:\d|self\/|thread-self\/)/.test(path))
    return readProcTextSync(path, encoding);
  let file = held.get(path);
  if (file === undefined) {
    if (held.size >= HELD_AT_MOST) return readProcTextSync(path, encoding);
    file = new HeldProcFile(path);
    held.set(path, file);
  }
  return file.read(encoding);
}

class HeldProcFile {
  private fd: number | null = null;
  private buffer = Buffer.allocUnsafe(HELD_FIRST_BYTES);

  constructor(private readonly path: string) {}

  read(encoding: ProcTextEncoding): ReadOutcome {
    try {
      this.fd ??= fs.openSync(this.path, 'r');
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          if (length >= HELD_MAX_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
          const bigger = Buffer.allocUnsafe(Math.min(length * 2, HELD_MAX_BYTES));
          this.buffer.copy(bigger, 0, 0, length);
          this.buffer = bigger;
        }
        const n = fs.readSync(this.fd, this.buffer, length, this.buffer.length - length, length);
        if (n === 0) break;
        length += n;
      }
      return { ok: true, text: decodeProcText(this.buffer.subarray(0, length), encoding) };
    } catch (err) {
      if (this.fd !== null) {
        try {
          fs.closeSync(this.fd);
        } catch {
          // closed already
        }
        this.fd = null;
      }
      const code = errnoCode(err);
      return {
        ok: false,
        code,
        reason: code === 'EFBIG' ? `larger than ${HELD_MAX_BYTES} bytes` : describeReadError(code),
      };
    } finally {
      if (this.buffer.length > HELD_KEPT_BYTES) this.buffer = Buffer.allocUnsafe(HELD_FIRST_BYTES);
    }
  }
}

/** One short sysfs attribute, trimmed; null when unreadable (EINVAL for a down link's speed is normal).
 *  Read synchronously: the interfaces are read once a second whatever is shown (the rate history), and nine
 *  attributes per interface through fs.promises (open, fstat, read, close, each a trip to the thread pool)
 *  cost 3.4 ms of CPU per read at rest here, most of the interfaces read; the worker is the only one that waits. */
export function readSysAttr(path: string): string | null {
  try {
    return fs.readFileSync(path, 'latin1').trim();
  } catch {
    return null;
  }
}

export { errnoCode };

export interface ProcSource<Row> {
  /** File name under <procRoot>/net/. */
  file: string;
  parse(text: string): { rows: Row[]; diagnostics: Diagnostics };
}

/** Reads several /proc/net files at once and concatenates their parsed rows; missing files are listed. */
export async function readProcNetSources<Row>(
  procRoot: string,
  sources: readonly ProcSource<Row>[],
): Promise<DatasetResult<Row>> {
  const texts = await Promise.all(sources.map((s) => readProcText(`${procRoot}/net/${s.file}`)));
  return parseProcNetSources(sources, (_file, i) => texts[i]!);
}

/** The same from texts already read (here, or on a remote host): `text(file, index)` gives each source's. */
export function parseProcNetSources<Row>(
  sources: readonly ProcSource<Row>[],
  text: (file: string, index: number) => ReadOutcome,
): DatasetResult<Row> {
  const diagnostics = emptyDiagnostics();
  const rows: Row[] = [];
  sources.forEach((s, i) => {
    const r = text(s.file, i);
    if (!r.ok) {
      diagnostics.missing.push({ source: `/proc/net/${s.file}`, reason: r.reason });
      return;
    }
    const parsed = s.parse(r.text);
    for (const row of parsed.rows) rows.push(row);
    mergeDiagnostics(diagnostics, parsed.diagnostics);
  });
  return { rows, diagnostics };
}
