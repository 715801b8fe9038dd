import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionLogEntry } from '../../shared/protocol.js';
import { ACTION_LOG_FILE, createActionLog, parseActionLog } from './action-log.js';

function entry(i: number, extra: Partial<ActionLogEntry> = {}): ActionLogEntry {
  return {
    time: 1_800_000_000_000 + i,
    action: 'kill:TERM',
    pid: 1000 + i,
    name: `p${i}`,
    startTime: 1_799_000_000_000,
    target: null,
    outcome: 'killed',
    message: `m${i}`,
    ...extra,
  };
}

describe('action log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one JSON line per action, in a data folder it creates, readable only by its owner', async () => {
    const log = createActionLog(join(dir, 'nested', 'data'));
    await log.append(entry(1));
    await log.append(
      entry(2, {
        action: 'close-connection',
        pid: null,
        name: null,
        startTime: null,
        target: '127.0.0.1:1 -> 127.0.0.1:2',
      }),
    );
    const lines = readFileSync(log.path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      entry(1),
      entry(2, {
        action: 'close-connection',
        pid: null,
        name: null,
        startTime: null,
        target: '127.0.0.1:1 -> 127.0.0.1:2',
      }),
    ]);
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
  });

  it('writes a name with terminal escapes and a bidi override as escapes, read back as the same name', async () => {
    const log = createActionLog(dir);
    const name = '\u001b[31mX\u001b]0;p\u0007\u202egnp.exe\u0085';
    await log.append(entry(1, { name }));
    const text = readFileSync(log.path, 'utf8');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain('\\u202egnp.exe');
    expect((await log.recent(1))[0]!.name).toBe(name);
  });

  it('returns the most recent entries, newest first, up to the limit', async () => {
    const log = createActionLog(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(entry(i))));
    const recent = await log.recent(5);
    expect(recent.map((e) => e.pid)).toEqual([1019, 1018, 1017, 1016, 1015]);
    expect((await log.recent(1000)).length).toBe(20);
  });

  it('skips corrupt lines instead of failing', async () => {
    const log = createActionLog(dir);
    await log.append(entry(1));
    appendFileSync(
      join(dir, ACTION_LOG_FILE),
      '{"time": 5, "action": "kill"\nnot json at all\n{"time":"x"}\n[]\nnull\n',
    );
    await log.append(entry(2));
    expect((await log.recent(10)).map((e) => e.pid)).toEqual([1002, 1001]);
    expect(parseActionLog('\n\n')).toEqual([]);
  });

  it('an empty or missing log reads as no entries', async () => {
    expect(await createActionLog(join(dir, 'nowhere')).recent(10)).toEqual([]);
  });
});
