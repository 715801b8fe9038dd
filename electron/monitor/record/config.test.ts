// recording.json is read field by field: one field a hand edit broke takes its default, the others are kept
// (above all `enabled: false`), and a warning names it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING } from '../../../shared/record.js';
import { loadRecordingConfig } from './config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function load(content: string | null) {
  const dir = mkdtempSync(join(tmpdir(), 'recording-config-'));
  dirs.push(dir);
  if (content !== null) writeFileSync(join(dir, 'recording.json'), content);
  const warnings: string[] = [];
  const config = await loadRecordingConfig(dir, (line) => warnings.push(line));
  return { config, warnings };
}

describe('recording.json', () => {
  it('keeps the valid fields when one is not valid, and says which took its default', async () => {
    const { config, warnings } = await load(
      JSON.stringify({
        enabled: false,
        retentionDays: 30,
        maxMb: 5,
        alerts: { listener: true, process: false, network: true },
        notify: false,
        retention: 9,
      }),
    );
    expect(config).toEqual({
      enabled: false,
      retentionDays: 30,
      maxMb: DEFAULT_RECORDING.maxMb,
      alerts: { listener: true, process: false, network: true },
      notify: false,
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/recording\.json: maxMb \(default 200\): missing or not valid, the default is used$/);
    expect(warnings[1]).toMatch(/recording\.json: ignored what NetLens does not know: retention$/);
  });

  it('means the defaults when missing (silently) or not a JSON object (with a warning)', async () => {
    expect(await load(null)).toEqual({ config: DEFAULT_RECORDING, warnings: [] });
    for (const text of ['{"enabled": fal', '[1]', 'null']) {
      const { config, warnings } = await load(text);
      expect(config).toEqual(DEFAULT_RECORDING);
      expect(warnings).toHaveLength(1);
    }
    // Written before notify existed: the rest kept, no warning for the missing optional field.
    const old = await load(
      JSON.stringify({ enabled: false, retentionDays: 7, maxMb: 200, alerts: DEFAULT_RECORDING.alerts }),
    );
    expect(old).toEqual({ config: { ...DEFAULT_RECORDING, enabled: false }, warnings: [] });
  });
});
