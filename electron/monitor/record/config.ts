// Where the record lives and how it is kept: `history.sqlite` and `recording.json` in the data folder. The
// hosts read the settings at start (command-line options override them for that run) and hand them to the
// worker; a missing or unreadable settings file means the defaults.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { recordingConfigSchema } from '../../../shared/protocol.js';
import { DEFAULT_RECORDING, type RecordingConfig } from '../../../shared/record.js';

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

export async function loadRecordingConfig(dataDir: string): Promise<RecordingConfig> {
  try {
    const parsed = v.safeParse(recordingConfigSchema, JSON.parse(await readFile(join(dataDir, CONFIG_FILE), 'utf8')));
    return parsed.success ? parsed.output : { ...DEFAULT_RECORDING };
  } catch {
    return { ...DEFAULT_RECORDING };
  }
}

export async function saveRecordingConfig(dataDir: string, config: RecordingConfig): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, CONFIG_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 1)}\n`);
  await rename(tmp, file);
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
