// Reading NetLens's own small files in the data folder (settings, window state, recording settings, saved remote
// hosts): a regular file only, never through a link, never waiting on a FIFO, and no larger than its cap. A FIFO in
// place of settings.json held one of Node's four file threads per page load until the browser host stopped serving
// its page; a link to /dev/zero grew it by 300 MB before the read failed (attack review of 12-03).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function refusal(file: string, what: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${file}: ${what}`), { code: 'EINVAL' });
}

/** Throws unless the opened file is a regular one within the cap. */
function check(file: string, stat: { isFile(): boolean; size: number }, maxBytes: number): void {
  if (!stat.isFile()) throw refusal(file, 'not a regular file');
  if (stat.size > maxBytes) throw refusal(file, `larger than ${maxBytes} bytes`);
}

/** The text read into a buffer one byte larger than the file its stat sized (not its cap: a 2 kB settings file
 *  took a zeroed 512 kB buffer), refused where the file grew between its stat and its read and filled it. */
function text(file: string, buffer: Buffer, bytesRead: number): string {
  if (bytesRead === buffer.length) throw refusal(file, 'changed while it was read');
  return buffer.toString('utf8', 0, bytesRead);
}

/** The text of a small data file; throws (ENOENT where there is none, EINVAL where it is not a regular file or is
 *  over `maxBytes`, ELOOP where it is a link). */
export async function readDataFile(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, FLAGS);
  try {
    const stat = await handle.stat();
    check(file, stat, maxBytes);
    const buffer = Buffer.alloc(stat.size + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return text(file, buffer, bytesRead);
  } finally {
    await handle.close();
  }
}

/** readDataFile, synchronously (for the stores read at start). */
export function readDataFileSync(file: string, maxBytes: number): string {
  const fd = openSync(file, FLAGS);
  try {
    const stat = fstatSync(fd);
    check(file, stat, maxBytes);
    const buffer = Buffer.alloc(stat.size + 1);
    return text(file, buffer, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}
