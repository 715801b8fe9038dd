// One long-lived `powershell -NoProfile -NonInteractive -Command -` shared by the Windows collectors:
// PowerShell takes 0.3-1 s to start, far too slow to spawn per tick. Each request is one line of script
// written to its stdin; the script prints its result as JSON and then a delimiter line, which is how the
// reply is told apart from the next one. Requests are queued, one at a time.
//
// The JSON is escaped to pure ASCII inside PowerShell, so the console code page does not matter for it,
// while native tools run inside (netstat, netsh) are still decoded by PowerShell with the OEM page.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export type PsResult = { ok: true; value: unknown } | { ok: false; error: string };

const DELIMITER = '#NETLENS-END#';

/** Wraps a script so it prints `{ok, value|error}` as ASCII JSON followed by the delimiter, on one line. */
export function wrapScript(script: string): string {
  const body = script.replace(/\r?\n/g, ' ');
  return [
    `try { $__r = @{ ok = $true; value = (& { ${body} }) } } catch { $__r = @{ ok = $false; error = $_.Exception.Message } }`,
    `$__j = ConvertTo-Json -InputObject $__r -Depth 6 -Compress`,
    `$__j = [regex]::Replace($__j, '[^\\x00-\\x7F]', { param($m) '\\u{0:x4}' -f [int][char]$m.Value })`,
    `[Console]::Out.WriteLine($__j); [Console]::Out.WriteLine('${DELIMITER}'); [Console]::Out.Flush()`,
  ].join('; ');
}

/** Splits the helper's stdout into replies; returns the parsed replies and the unfinished rest. */
export function takeReplies(buffer: string): { replies: PsResult[]; rest: string } {
  const replies: PsResult[] = [];
  let rest = buffer;
  for (;;) {
    const at = rest.indexOf(DELIMITER);
    if (at < 0) break;
    const chunk = rest.slice(0, at).trim();
    rest = rest.slice(at + DELIMITER.length).replace(/^\r?\n/, '');
    // Anything PowerShell printed before our JSON (warnings, progress) is ignored: the JSON is the last line.
    const last = chunk.split(/\r?\n/).pop() ?? '';
    try {
      const parsed = JSON.parse(last) as { ok?: boolean; value?: unknown; error?: string };
      replies.push(
        parsed.ok
          ? { ok: true, value: parsed.value ?? null }
          : { ok: false, error: String(parsed.error ?? 'PowerShell error') },
      );
    } catch {
      replies.push({ ok: false, error: `unreadable PowerShell reply: ${last.slice(0, 120)}` });
    }
  }
  return { replies, rest };
}

interface Pending {
  script: string;
  resolve: (r: PsResult) => void;
  timer?: NodeJS.Timeout;
}

export class PowerShellHelper {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buffer = '';
  private queue: Pending[] = [];
  private current: Pending | null = null;
  private disposed = false;

  constructor(
    private readonly timeoutMs = 20_000,
    private readonly executable = 'powershell.exe',
  ) {}

  run(script: string): Promise<PsResult> {
    if (this.disposed) return Promise.resolve({ ok: false, error: 'PowerShell helper was disposed' });
    return new Promise((resolve) => {
      this.queue.push({ script, resolve });
      this.next();
    });
  }

  dispose(): void {
    this.disposed = true;
    const child = this.child;
    this.child = null;
    if (child) {
      child.stdin.end();
      child.kill();
    }
    this.failAll('PowerShell helper was disposed');
  }

  private start(): ChildProcessWithoutNullStreams | null {
    if (this.child) return this.child;
    try {
      const child = spawn(this.executable, ['-NoProfile', '-NonInteractive', '-Command', '-'], {
        windowsHide: true,
        stdio: 'pipe',
      });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (s: string) => this.onData(s));
      child.stderr.on('data', () => {});
      child.on('error', (e) => this.onExit(`PowerShell could not start: ${e.message}`));
      child.on('close', (code) => this.onExit(`PowerShell exited with ${code}`));
      this.child = child;
      return child;
    } catch (e) {
      this.onExit(`PowerShell could not start: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }

  private next(): void {
    if (this.current || this.queue.length === 0) return;
    const child = this.start();
    const job = this.queue.shift();
    if (!job) return;
    if (!child) {
      job.resolve({ ok: false, error: 'PowerShell is not available' });
      this.next();
      return;
    }
    this.current = job;
    job.timer = setTimeout(() => {
      // A hung command leaves the helper in an unknown state: restart it rather than read stale output.
      const c = this.child;
      this.child = null;
      c?.kill();
      this.finish({ ok: false, error: `PowerShell did not answer within ${this.timeoutMs} ms` });
    }, this.timeoutMs);
    child.stdin.write(`${wrapScript(job.script)}\n`);
  }

  private onData(s: string): void {
    this.buffer += s;
    const { replies, rest } = takeReplies(this.buffer);
    this.buffer = rest;
    for (const r of replies) this.finish(r);
  }

  private finish(r: PsResult): void {
    const job = this.current;
    if (!job) return;
    clearTimeout(job.timer);
    this.current = null;
    job.resolve(r);
    this.next();
  }

  private onExit(reason: string): void {
    this.child = null;
    this.buffer = '';
    if (this.current) this.finish({ ok: false, error: reason });
  }

  private failAll(reason: string): void {
    if (this.current) this.finish({ ok: false, error: reason });
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, error: reason });
  }
}

/** PowerShell's ConvertTo-Json writes a single object instead of a one-element array. */
export function asArray(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value))
    return value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
  if (typeof value === 'object' && value !== null) return [value as Record<string, unknown>];
  return [];
}
