// Command lines as NetLens keeps them: at most MAX_CMDLINE_BYTES, cut with a mark (shared/types.ts says why).
import { closeSync, openSync, readSync } from 'node:fs';
import { CMDLINE_CUT, MAX_CMDLINE_BYTES } from '../../shared/types.js';

/** `bytes` (a command line's UTF-8) as kept: whole when it fits, else its first MAX_CMDLINE_BYTES marked as cut (a
 *  character the cut split is dropped). `longer`: the bytes given are already a cut of a longer line. */
function keptBytes(bytes: Buffer, longer: boolean): string {
  if (!longer && bytes.length <= MAX_CMDLINE_BYTES) return bytes.toString('utf8');
  let text = bytes.subarray(0, MAX_CMDLINE_BYTES).toString('utf8');
  if (text.endsWith('\uFFFD')) text = text.slice(0, -1);
  return text + CMDLINE_CUT;
}

/** A command line from another source (ps, PowerShell) as kept. */
export function keptCmdline(text: string): string {
  return text.length * 3 <= MAX_CMDLINE_BYTES ? text : keptBytes(Buffer.from(text, 'utf8'), false);
}

/** Linux's /proc/PID/cmdline as kept, its arguments joined by spaces: only its first MAX_CMDLINE_BYTES + 1 bytes
 *  are read (a process may make it megabytes long). Throws as the read does (the process exited, no access). */
export function readProcCmdline(path: string): string {
  const buf = Buffer.allocUnsafe(MAX_CMDLINE_BYTES + 1);
  const fd = openSync(path, 'r');
  let n = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
  } finally {
    closeSync(fd);
  }
  let end = Math.min(n, MAX_CMDLINE_BYTES);
  const longer = n > MAX_CMDLINE_BYTES;
  if (!longer) while (end > 0 && buf[end - 1] === 0) end--; // the trailing NULs
  for (let i = 0; i < end; i++) if (buf[i] === 0) buf[i] = 0x20;
  return keptBytes(buf.subarray(0, end), longer);
}
