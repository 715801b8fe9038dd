// Reading NetLens's own small files in the data folder (settings, window state, recording settings, saved remote
// hosts): a regular file only, never through a link, never waiting on a FIFO, and no larger than its cap. A FIFO in
// place of settings.json held one of Node's four file threads per page load until the browser host stopped serving
// its page; a link to /dev/zero grew it by 300 MB before the read failed (attack review of 12-03).
//
// Writing them: a whole file through a temporary file of its own, made afresh (O_EXCL, which neither opens what is
// there nor follows a link) and renamed over the file (a rename replaces a link, never writes through it); the action
// log appended never through a link. A name planted in the folder beforehand (a link from settings.json's temporary
// name to another file) makes the write fail instead of writing that file (attack review of 12-05).
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DATA_FILE_MODE } from './data-dir.js';

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

/** Temporary names for writeDataFile: this process's, one per write. */
let temporaries = 0;

/** Removes a name that may not be there (never made, or removed by another process first). */
function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there.
  }
}

/**
 * Writes `text` as `file`, whole or not at all for a reader, never into a name planted in its folder: into
 * `temporary`, made afresh (O_EXCL, which a link or a file left at that name fails: it is removed first, and one
 * that comes back fails the write), then renamed over `file` (a rename replaces a link there, never writes through
 * it). The temporary name is not left behind (a full disk: made, not written). `mode` as the file is made.
 */
export function writeAfresh(file: string, text: string, temporary: string, mode?: number): void {
  removeIfThere(temporary);
  try {
    writeFileSync(temporary, text, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    renameSync(temporary, file);
  } catch (err) {
    removeIfThere(temporary);
    throw err;
  }
}

/** One of NetLens's data files written whole (writeAfresh, DATA_FILE_MODE), through a temporary name of this
 *  process's own, a new one per write: two writes of one file never share it. */
export function writeDataFile(file: string, text: string): void {
  writeAfresh(file, text, `${file}.${process.pid}.${++temporaries}.tmp`, DATA_FILE_MODE);
}

const APPEND_FLAGS =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  constants.O_NOFOLLOW |
  constants.O_NONBLOCK |
  (constants.O_NOCTTY ?? 0);

/** Appends `text` to `file` (made as DATA_FILE_MODE): a regular file only, never through a link (ELOOP) nor into a
 *  FIFO or a device (EINVAL). */
export async function appendDataFile(file: string, text: string): Promise<void> {
  const handle = await open(file, APPEND_FLAGS, DATA_FILE_MODE);
  try {
    if (!(await handle.stat()).isFile()) throw refusal(file, 'not a regular file');
    await handle.appendFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}
