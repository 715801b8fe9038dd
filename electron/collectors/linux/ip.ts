// iproute2's `ip -j`, for the routes of every table and the addresses of interfaces that are down. Its answer
// is a ReadOutcome like a /proc file's, so callers treat "ip could not answer" as a source that could not be
// read, with the reason.
import { run } from '../run-command.js';
import type { ReadOutcome } from './proc-files.js';

const IP_TIMEOUT_MS = 5000;

export async function runIp(args: string[]): Promise<ReadOutcome> {
  const r = await run('ip', args, { timeoutMs: IP_TIMEOUT_MS, env: { LC_ALL: 'C' } });
  if (r.status === 'failed') {
    const reason = r.reason === 'not-installed' ? 'ip (iproute2) is not installed' : r.message;
    return { ok: false, code: r.errno ?? 'EIO', reason };
  }
  if (r.code !== 0) return { ok: false, code: 'EIO', reason: r.stderr.trim() || `ip exited with ${r.code}` };
  if (r.truncated) return { ok: false, code: 'EIO', reason: 'ip printed more than this reader holds' };
  return { ok: true, text: r.stdout };
}
