// The privileged helper's side (`netlens agent`, README.md here). It reads requests from its stdin and answers
// on its stdout, and has no other input: it opens no socket, reads no file it is told to, and runs nothing it
// is told to. It attributes sockets with the collector's own SocketOwners (the /proc/<pid>/fd walk), and
// kills or closes through the same createActions guards as the unprivileged backend. It exits when its stdin
// closes, when its parent process changes (the parent died and it was re-parented) or when the NetLens process
// that started it (--parent, which may sit behind sudo) is gone.
import type { Actions } from '../actions/api.js';
import { createActions } from '../actions/index.js';
import { linuxStatNow, pidExists } from '../actions/process-identity.js';
import { SocketOwners } from '../collectors/linux/socket-owners.js';
import { UserNames } from '../collectors/linux/users.js';
import type { ProcessInfo } from '../../shared/types.js';
import {
  AGENT_PROTOCOL_VERSION,
  LineSplitter,
  encodeLine,
  ownersLines,
  parseAgentRequest,
  type AgentRequest,
  type InodeOwners,
} from './protocol.js';

/** After this many refused lines the agent stops: a parent that speaks garbage is not one to serve. */
export const MAX_REJECTED_LINES = 100;
const PARENT_CHECK_MS = 1000;

export interface AgentOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** The NetLens process that asked for the agent (it may not be the direct parent: sudo sits between). */
  parentPid: number | null;
  appVersion: string;
  platform?: NodeJS.Platform;
  /** Diagnostics for whoever reads the agent's stderr. */
  log?: (line: string) => void;
  procRoot?: string;
  parentCheckMs?: number;
}

/** Owner lookups over the collector's own cache; the agent keeps it warm across the parent's ticks. */
export class OwnerLookup {
  private readonly users = new UserNames();
  private readonly owners: SocketOwners;
  constructor(procRoot = '/proc') {
    this.owners = new SocketOwners(this.users, procRoot);
  }

  async lookup(inodes: readonly number[]): Promise<InodeOwners> {
    await this.users.refresh();
    this.owners.update(inodes);
    const index = new Map<ProcessInfo, number>();
    const processes: ProcessInfo[] = [];
    const owners: [number, number[]][] = [];
    for (const inode of new Set(inodes)) {
      const found = this.owners.processesOf(inode);
      if (found.length === 0) continue;
      owners.push([
        inode,
        found.map((p) => {
          let i = index.get(p);
          if (i === undefined) {
            i = processes.push(p) - 1;
            index.set(p, i);
          }
          return i;
        }),
      ]);
    }
    return { processes, owners };
  }
}

/** The processes from `first` (the agent's parent) up its parents to `last` (NetLens), both included; only `first` when
 *  `last` is not among its first 32 ancestors. */
export function ancestorsUpTo(first: number, last: number | null, procRoot = '/proc'): number[] {
  const chain = [first];
  for (let pid = first; last !== null && pid !== last && chain.length <= 32; ) {
    const stat = linuxStatNow(pid, procRoot);
    if (!stat || stat.ppid <= 1) return [first];
    pid = stat.ppid;
    chain.push(pid);
  }
  return last === null || chain.includes(last) ? chain : [first];
}

/** Serves requests until stdin closes or the parent goes; resolves with the exit code. */
export function runAgent(options: AgentOptions): Promise<number> {
  const platform = options.platform ?? process.platform;
  const log = options.log ?? ((line: string) => process.stderr.write(`[netlens agent] ${line}\n`));
  const parentPid = options.parentPid;
  const firstPpid = process.ppid;
  const lookup = platform === 'linux' ? new OwnerLookup(options.procRoot) : null;
  // No action log here: the NetLens process that asked records every action in the user's log.
  // Never signalled: NetLens and every process between it and the agent (sudo, and with sudo's use_pty a second sudo
  // under it: an attack review of 12-06 had the agent signal the outer one).
  const guarded = platform === 'linux' ? ancestorsUpTo(firstPpid, parentPid, options.procRoot) : [firstPpid];
  if (parentPid !== null && !guarded.includes(parentPid)) guarded.push(parentPid);
  const actions: Actions = createActions({
    dataDir: null,
    platform,
    socketProbe: false,
    ownPids: () => guarded,
  });
  let rejected = 0;

  return new Promise((resolve) => {
    let done = false;
    // Requests being performed, and whether stdin has ended: the answers to what was read still go out first.
    let inFlight = 0;
    let inputEnded = false;
    const write = (message: unknown) => {
      if (!done) options.output.write(encodeLine(message));
    };
    const finish = (code: number, why: string) => {
      if (done) return;
      done = true;
      clearInterval(watch);
      log(`exiting: ${why}`);
      resolve(code);
    };
    const reject = (error: string) => {
      rejected++;
      write({ v: AGENT_PROTOCOL_VERSION, type: 'rejected', error });
      if (rejected >= MAX_REJECTED_LINES) finish(2, `${rejected} invalid lines from the parent`);
    };

    async function answer(request: AgentRequest): Promise<void> {
      inFlight++;
      try {
        const result = await perform(request);
        // Owners go in parts, each process's texts cut to what the parent takes (ownersLines).
        if (request.method === 'owners') {
          for (const line of ownersLines(request.id, result as InodeOwners)) if (!done) options.output.write(line);
        } else write({ v: AGENT_PROTOCOL_VERSION, type: 'result', id: request.id, ok: true, result });
      } catch (err) {
        write({
          v: AGENT_PROTOCOL_VERSION,
          type: 'result',
          id: request.id,
          ok: false,
          error: (err instanceof Error ? err.message : String(err)).slice(0, 2000),
        });
      }
      inFlight--;
      if (inputEnded && inFlight === 0) finish(0, 'stdin closed');
    }
    const endOfInput = () => {
      inputEnded = true;
      if (inFlight === 0) finish(0, 'stdin closed');
    };

    function perform(request: AgentRequest): Promise<unknown> {
      switch (request.method) {
        case 'owners':
          if (!lookup) throw new Error(`socket owners are not read by the agent on ${platform}`);
          return lookup.lookup(request.params.inodes);
        case 'kill':
          return actions.kill(request.params);
        case 'closeConnection':
          return actions.closeConnection(request.params);
        case 'capabilities':
          return actions.capabilities();
      }
    }

    const splitter = new LineSplitter(
      (line) => {
        const checked = parseAgentRequest(line);
        if (checked.ok) void answer(checked.value);
        else reject(checked.error);
      },
      () => reject('line too long'),
    );
    options.input.on('data', (chunk: Buffer) => splitter.push(chunk));
    options.input.on('end', endOfInput);
    options.input.on('close', endOfInput);
    options.input.on('error', () => finish(0, 'stdin failed'));
    options.output.on('error', () => finish(0, 'stdout closed'));

    const watch = setInterval(() => {
      if (process.ppid !== firstPpid) finish(0, `parent ${firstPpid} went away`);
      else if (parentPid !== null && !pidExists(parentPid)) finish(0, `NetLens (pid ${parentPid}) went away`);
    }, options.parentCheckMs ?? PARENT_CHECK_MS);

    write({
      v: AGENT_PROTOCOL_VERSION,
      type: 'hello',
      pid: process.pid,
      uid: process.getuid?.() ?? -1,
      appVersion: options.appVersion,
    });
  });
}
