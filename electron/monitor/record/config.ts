// Where the record lives and how it is kept: `history.sqlite` and `recording.json` in the data folder. The
// hosts read the settings at start (command-line options override them for that run) and hand them to the
// worker; a missing or unreadable settings file means the defaults.
import { makeDataDir } from '../../collectors/data-dir.js';
import { readDataFile, writeDataFile } from '../../collectors/data-files.js';
import { join } from 'node:path';
import * as v from 'valibot';
import { recordingConfigSchema } from '../../../shared/protocol.js';
import { DEFAULT_RECORDING, type RecordingConfig } from '../../../shared/record.js';
import { inertText } from '../../../shared/inert-text.js';

export const RECORD_FILE = 'history.sqlite';
const CONFIG_FILE = 'recording.json';

/** What the worker gets (workerData.record). */
export interface RecordWorkerData {
  file: string;
  config: RecordingConfig;
}

export function recordFile(dataDir: string): string {
  return join(dataDir, RECORD_FILE);
}

/**
 * The saved settings, field by field: a field that is missing or not valid (a hand edit, a value out of range)
 * takes its default and `warn` says which, the others are kept. One bad field must not throw the whole file
 * away: that would switch recording back on for someone who switched it off. A file that is not a JSON object
 * means the defaults, with a warning; no file means the defaults, silently.
 */
export async function loadRecordingConfig(
  dataDir: string,
  warn: (line: string) => void = (line) => console.warn(line),
): Promise<RecordingConfig> {
  const file = join(dataDir, CONFIG_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readDataFile(file, 256 * 1024));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`${file}: not readable as JSON (${(err as Error).message}); recording with the default settings`);
    return { ...DEFAULT_RECORDING, alerts: { ...DEFAULT_RECORDING.alerts } };
  }
  const config: RecordingConfig = { ...DEFAULT_RECORDING, alerts: { ...DEFAULT_RECORDING.alerts } };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    warn(`${file}: not a JSON object; recording with the default settings`);
    return config;
  }
  const fields = recordingConfigSchema.entries;
  const bad: string[] = [];
  for (const key of Object.keys(fields) as (keyof RecordingConfig)[]) {
    const parsed = v.safeParse(fields[key], (raw as Record<string, unknown>)[key]);
    if (parsed.success) (config as unknown as Record<string, unknown>)[key] = parsed.output;
    else bad.push(`${key} (default ${JSON.stringify(DEFAULT_RECORDING[key])})`);
  }
  const unknown = Object.keys(raw).filter((k) => !(k in fields));
  if (bad.length > 0) warn(`${file}: ${bad.join(', ')}: missing or not valid, the default is used`);
  if (unknown.length > 0) warn(`${file}: ignored what NetLens does not know: ${unknown.map(inertText).join(', ')}`);
  return config;
}

export async function saveRecordingConfig(dataDir: string, config: RecordingConfig): Promise<void> {
  await makeDataDir(dataDir);
  const file = join(dataDir, CONFIG_FILE);
  writeDataFile(file, `${JSON.stringify(config, null, 1)}\n`);
}

export interface RecordOptionValues {
  record?: boolean;
  'no-record'?: boolean;
  retention?: string;
  'history-max-mb'?: string;
}

/** The command-line options hosts accept, for node:util parseArgs. */
export const RECORD_OPTIONS = {
  record: { type: 'boolean' },
  'no-record': { type: 'boolean' },
  retention: { type: 'string' },
  'history-max-mb': { type: 'string' },
} as const;

export const RECORD_USAGE = '[--no-record] [--retention DAYS] [--history-max-mb N]';

/** Applies --record/--no-record, --retention DAYS and --history-max-mb N to the saved settings; an error
 *  text for a value out of range. */
export function applyRecordOptions(config: RecordingConfig, values: RecordOptionValues): RecordingConfig | string {
  const next = { ...config };
  if (values.record) next.enabled = true;
  if (values['no-record']) next.enabled = false;
  if (values.retention !== undefined) next.retentionDays = Number(values.retention.replace(/d$/, ''));
  if (values['history-max-mb'] !== undefined) next.maxMb = Number(values['history-max-mb']);
  const checked = v.safeParse(recordingConfigSchema, next);
  if (!checked.success) return `--retention takes 1 to 365 days and --history-max-mb 10 to 10000 (MB)`;
  return checked.output;
}
