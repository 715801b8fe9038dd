// The CPU of a process's threads, from /proc/<pid>/task/*/schedstat (nanoseconds, not stat's 10 ms ticks): which
// thread of the host a figure comes from (its main thread, the monitor's worker, V8's platform threads that compile
// and collect). Bench support (bench/pair-idle.ts, bench/idle.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { round2 } from './loopback-sockets.js';

/** Each thread's CPU so far in ns and its minor page faults (threads that ended are left out: at rest the host
 *  starts none). */
export function threadNs(pid: number): Map<string, { ns: number; faults: number }> {
  const out = new Map<string, { ns: number; faults: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const faults = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
      out.set(tid, { ns, faults });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** ms of CPU per second of the main thread, the busiest other thread, and the rest, between two readings; and
 *  the minor page faults a second of the first two. */
export function threadShares(
  pid: number,
  before: Map<string, { ns: number; faults: number }>,
  after: Map<string, { ns: number; faults: number }>,
  wallS: number,
): { main: number; worker: number; rest: number; mainFaults: number; workerFaults: number } {
  let main = 0;
  let worker = 0;
  let total = 0;
  let mainFaults = 0;
  let workerFaults = 0;
  for (const [tid, t] of after) {
    const d = t.ns - (before.get(tid)?.ns ?? 0);
    const f = t.faults - (before.get(tid)?.faults ?? 0);
    total += d;
    if (tid === String(pid)) {
      main = d;
      mainFaults = f;
    } else if (d > worker) {
      worker = d;
      workerFaults = f;
    }
  }
  const ms = (ns: number) => round2(ns / 1e6 / wallS);
  return {
    main: ms(main),
    worker: ms(worker),
    rest: ms(total - main - worker),
    mainFaults: round2(mainFaults / wallS),
    workerFaults: round2(workerFaults / wallS),
  };
}
