// The record of every action taken: one JSON line per action in <dataDir>/actions.log. The log is for the
// user to read back; a line it cannot parse (a crash mid-write, a hand edit, an action or outcome this version
// does not know) is skipped, never fatal.
import { open, rename, stat } from 'node:fs/promises';
import { makeDataDir } from '../collectors/data-dir.js';
import { appendDataFile } from '../collectors/data-files.js';
import { join } from 'node:path';
import { inertJson } from '../../shared/inert-text.js';
import { ACTION_KINDS, ACTION_OUTCOMES, type ActionLogEntry } from '../../shared/protocol.js';

export const ACTION_LOG_FILE = 'actions.log';
/** Past this size the log moves to actions.log.1 (replacing the previous one) and starts afresh. */
const ROTATE_BYTES = 4 * 1024 * 1024;
/** Reading back needs only the end of the file: 1000 entries fit well within this. */
const TAIL_BYTES = 1024 * 1024;

export interface ActionLog {
  append(entry: ActionLogEntry): Promise<void>;
  recent(limit: number): Promise<ActionLogEntry[]>;
  readonly path: string;
}

function isEntry(x: unknown): x is ActionLogEntry {
  if (x === null || typeof x !== 'object') return false;
  const e = x as Record<string, unknown>;
  const numOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
  const strOrNull = (v: unknown) => v === null || typeof v === 'string';
  return (
    typeof e.time === 'number' &&
    Number.isFinite(e.time) &&
    (ACTION_KINDS as readonly unknown[]).includes(e.action) &&
    (ACTION_OUTCOMES as readonly unknown[]).includes(e.outcome) &&
    typeof e.message === 'string' &&
    numOrNull(e.pid) &&
    numOrNull(e.startTime) &&
    strOrNull(e.name) &&
    strOrNull(e.target) &&
    (e.host === undefined || typeof e.host === 'string')
  );
}

/** Parses log text, oldest first; lines that are not whole, well-formed entries are skipped. */
export function parseActionLog(text: string): ActionLogEntry[] {
  const out: ActionLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (isEntry(parsed)) {
      out.push({
        time: parsed.time,
        action: parsed.action,
        pid: parsed.pid,
        name: parsed.name,
        startTime: parsed.startTime,
        target: parsed.target,
        outcome: parsed.outcome,
        message: parsed.message,
        ...(parsed.host === undefined ? {} : { host: parsed.host }),
      });
    }
  }
  return out;
}

async function readTail(path: string): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    // A tail that starts mid-line drops that partial line.
    return start > 0 ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await fh.close();
  }
}

export function createActionLog(dataDir: string): ActionLog {
  const path = join(dataDir, ACTION_LOG_FILE);
  // Appends are chained so concurrent actions never interleave their lines.
  let queue: Promise<void> = Promise.resolve();

  async function write(entry: ActionLogEntry): Promise<void> {
    await makeDataDir(dataDir);
    try {
      if ((await stat(path)).size > ROTATE_BYTES) await rename(path, `${path}.1`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // A process's name is its owner's choice: written with its bidi and C1 characters as \u escapes (the same
    // value when read back), so that `cat` or `tail -f` of the log never meets them raw.
    // Never through a link planted at its name (appendDataFile).
    await appendDataFile(path, `${inertJson(entry)}\n`);
  }

  return {
    path,
    append(entry) {
      const next = queue.then(() => write(entry));
      queue = next.catch(() => {});
      return next;
    },
    async recent(limit) {
      await queue;
      const n = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : 50;
      return parseActionLog(await readTail(path))
        .slice(-n)
        .reverse();
    },
  };
}
