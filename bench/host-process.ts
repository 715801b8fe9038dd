// The browser host as a user starts it (the built CLI, `netlens web`), for the benchmarks that measure the
// host's own process: its CPU at rest (bench:idle) and its memory with many sockets (bench:collect).
// Bench support only.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.env.NETLENS_ROOT ?? process.cwd();

/** Starts `netlens web` on a free port with its own data folder; names are asked of a closed port (no real
 *  DNS), as the end-to-end tests start it. Recording is on unless `args` says otherwise, as for a user. */
export function startHost(
  dataDir: string,
  args: readonly string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'out/main/cli.cjs'), 'web', '--port', '0', ...args], {
    env: { ...process.env, NETLENS_DATA_DIR: dataDir, NETLENS_DNS_SERVER: '127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`browser host exited with ${code}:\n${out}`)));
  });
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in MB. */
export function memoryMB(pid: number): { rssMB: number; peakRssMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: Math.round(kB('VmRSS') / 102.4) / 10, peakRssMB: Math.round(kB('VmHWM') / 102.4) / 10 };
}
