// A holder killed and its pid given to another process, for the lock tests (lock.test.ts): run as the first
// process of a pid namespace of its own (unshare --pid --fork --mount-proc, root), where nothing else takes pids,
// so /proc/sys/kernel/ns_last_pid hands the dead holder's pid to the next process deterministically.
// It starts HOLDER on FILE, kills it (kill -9) once it holds the lock, starts another process with its pid, and
// prints `cleared true|false`: whether clearStaleLock, a minute later (the clock moved on, the dead holder's files
// in `<file>.users` a minute old), takes the dead holder's lock over while its pid belongs to a live process.
// AS_PLATFORM=darwin (here and in the holder): an OS without start times; PATH without mkfifo: no FIFO.
//   node reuse.cjs FILE HOLDER   (bundled by testing/bundle-worker.ts)
import './as-platform.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearStaleLock } from '../database.js';

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

async function main(): Promise<void> {
  const [file, holderScript] = process.argv.slice(2);
  if (!file || !holderScript) throw new Error('usage: reuse.ts FILE HOLDER');
  const holder = spawn(process.execPath, [holderScript, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('holding')) resolve();
    });
    holder.once('exit', () => reject(new Error(`the holder left: ${out}`)));
  });
  const gone = exited(holder);
  holder.kill('SIGKILL');
  await gone;
  writeFileSync('/proc/sys/kernel/ns_last_pid', String(holder.pid! - 1));
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  if (other.pid !== holder.pid) throw new Error(`pid ${holder.pid} not reused (got ${other.pid})`);
  const then = new Date(Date.now() - 60_000);
  for (const name of readdirSync(`${file}.users`))
    if (name === String(holder.pid) || name.startsWith(`${holder.pid}-`))
      utimesSync(join(`${file}.users`, name), then, then);
  console.log(`cleared ${clearStaleLock(file, Date.now() + 60_000)}`);
  other.kill('SIGKILL');
  await exited(other);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
