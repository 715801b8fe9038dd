// Capture parsing in worker threads: the same answers as in-process, a time limit that stops a stuck parse
// with a clear error, and a cap on parses running at once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../monitor/testing/bundle-worker.js';
import { parseCapture } from './index.js';
import { createCaptureParser } from './off-thread.js';
import { fixture } from '../../test/fixtures/captures/fixtures.js';

let dir: string;
let workerPath: string;
let stuckPath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'security-capture-'));
  workerPath = await bundleWorker(dir, 'electron/capture/parse-worker.ts');
  // A parse that never ends, as a catastrophic regex would behave.
  stuckPath = join(dir, 'stuck.cjs');
  writeFileSync(stuckPath, 'for (;;) {}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('capture parsing off the host thread', () => {
  it('answers as the in-process parser does, errors included', async () => {
    const parser = createCaptureParser({ workerPath });
    const text = fixture('windows/ipconfig.win10.txt');
    expect(await parser.parse('ipconfig.txt', text, 'auto')).toEqual(parseCapture('ipconfig.txt', text, 'auto'));
    await expect(parser.parse('x.txt', text, 'bogus')).rejects.toThrow(/Unknown format 'bogus'/);
    expect(parser.running).toBe(0);
  });

  it('stops a parse that runs past the time limit, with a clear error, while this thread stays free', async () => {
    const parser = createCaptureParser({ workerPath: stuckPath, timeoutMs: 500 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    await expect(parser.parse('hostile.txt', 'x', 'auto')).rejects.toThrow(
      /Reading hostile.txt took longer than 1 s and was stopped/,
    );
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(3); // the event loop ran while the worker spun
    expect(parser.running).toBe(0);
  });

  it('refuses parses beyond the concurrent limit, and accepts again when one ends', async () => {
    const parser = createCaptureParser({ workerPath: stuckPath, timeoutMs: 60_000, maxConcurrent: 2 });
    const first = parser.parse('a.txt', 'x', 'auto');
    const second = parser.parse('b.txt', 'x', 'auto');
    first.catch(() => undefined);
    second.catch(() => undefined);
    await expect(parser.parse('c.txt', 'x', 'auto')).rejects.toThrow(
      /already reading 2 captures; open c.txt again when one has finished/,
    );
    expect(parser.running).toBe(2);
    await parser.close();
    await expect(first).rejects.toThrow(/stopped unexpectedly/);
    expect(parser.running).toBe(0);
  });

  it('reports a capture that needs more memory than allowed as such', async () => {
    const hog = join(dir, 'hog.cjs');
    writeFileSync(hog, 'const keep = []; for (;;) keep.push(new Array(1e6).fill(1));\n');
    const parser = createCaptureParser({ workerPath: hog, maxHeapMb: 64 });
    await expect(parser.parse('big.txt', 'x', 'auto')).rejects.toThrow(
      /Reading big.txt failed: it needed more memory than NetLens allows a capture/,
    );
  });
});
