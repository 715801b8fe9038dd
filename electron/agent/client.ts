// NetLens's side of the privileged helper: starts it (through the elevation prefix, see elevation.ts), waits
// for its hello, sends requests and matches answers by id. Every line from the agent is validated; a line that
// fails is dropped and counted (stats.rejected), and an agent that keeps sending them is stopped. The agent's
// stdin is a pipe only this process holds, which is the whole of its input.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Capabilities, CloseResult, KillResult, RequestParams } from '../../shared/protocol.js';
import {
  AGENT_PROTOCOL_VERSION,
  LineSplitter,
  MAX_ANSWER_BYTES,
  checkResult,
  encodeLine,
  parseAgentMessage,
  type AgentMethod,
  type AgentRequest,
  type AgentResults,
  type InodeOwners,
} from './protocol.js';

/** Past this many invalid lines the agent is stopped: whatever it is, it is not speaking our protocol. */
export const MAX_REJECTED_FROM_AGENT = 50;
/** Requests given up on whose late answers are dropped quietly, at most. */
const MAX_LATE = 64;
/** The user may take a while with a password prompt. */
const HELLO_TIMEOUT_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS: Record<AgentMethod, number> = {
  owners: 10_000,
  kill: 30_000,
  closeConnection: 30_000,
  capabilities: 30_000,
};
const STDERR_KEEP = 4096;
/** Requests written but not yet read by the agent, at most (beyond it the agent is taken for stuck). */
const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

export interface AgentClientOptions {
  /** The whole argv: elevation prefix, then the agent's own invocation. */
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  helloTimeoutMs?: number;
  /** Called once when the agent is gone (after or instead of its hello), with why. */
  onExit?: (reason: string) => void;
  /** How long a request waits for its answer (by default per method: REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Called for each line dropped as invalid, with the running count. */
  onRejected?: (count: number, error: string) => void;
}

export interface AgentStats {
  /** Lines from the agent that were not valid protocol messages (or answered nothing we asked). */
  rejected: number;
  requests: number;
}

type Pending = {
  method: AgentMethod;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  /** An owners answer's parts so far (ownersLines), and their lines' length (at most MAX_ANSWER_BYTES are kept). */
  parts?: InodeOwners & { bytes: number };
};

/** Printable, bounded text from an outside program (sudo, pkexec): no control characters reach a UI or log. */
export function inertText(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Why an elevation helper exited before the agent said hello, in the user's terms. */
export function refusalReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const last = inertText(stderr.trim().split('\n').filter(Boolean).slice(-2).join(' '));
  if (code === 126) return 'the administrator prompt was dismissed or not authorized';
  if (code === 127 && /pkexec|polkit|authoriz/i.test(stderr))
    return `pkexec could not authenticate${last ? `: ${last}` : ''}`;
  if (/password is required|a terminal is required/i.test(stderr))
    return `sudo needs a password it cannot ask for here${last ? ` (${last})` : ''}`;
  const how = signal ? `was stopped by ${signal}` : `exited with code ${String(code)}`;
  return `the helper ${how}${last ? `: ${last}` : ''}`;
}

/** An owners result with the parts before it in front: its own processes and owners after theirs (indices count
 *  across the whole answer). A result that is not of the owners' shape comes back as it is, for its check to fail. */
function withParts(parts: InodeOwners, result: unknown): unknown {
  const r = result as Partial<InodeOwners> | null;
  if (!r || Object.keys(r).length !== 2 || !Array.isArray(r.processes) || !Array.isArray(r.owners)) return result;
  return { processes: parts.processes.concat(r.processes), owners: parts.owners.concat(r.owners) };
}

export class AgentClient {
  readonly stats: AgentStats = { rejected: 0, requests: 0 };
  readonly ready: Promise<{ pid: number; uid: number }>;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly log: (line: string) => void;
  private nextId = 1;
  private hello: { pid: number; uid: number } | null = null;
  private stderr = '';
  private exited: string | null = null;
  private settleReady!: { resolve: (h: { pid: number; uid: number }) => void; reject: (e: Error) => void };
  private helloTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: AgentClientOptions) {
    this.log = options.log ?? ((line) => console.warn(`[agent] ${line}`));
    const [file, ...args] = options.command;
    if (!file) throw new Error('no agent command');
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    // A rejection nobody awaits yet must not become an unhandled one.
    this.ready.catch(() => {});
    this.child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      windowsHide: true,
    });
    this.helloTimer = setTimeout(() => {
      this.stop();
      this.gone('the administrator prompt got no answer in time');
    }, options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);

    const splitter = new LineSplitter(
      (line) => this.receive(line),
      () => this.rejectLine('line too long'),
    );
    this.child.stdout!.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    // Writing to an agent that just died raises EPIPE on stdin: the exit handler says what happened.
    this.child.stdin!.on('error', () => {});
    this.child.once('error', (err) => this.gone(`could not start the helper: ${err.message}`));
    this.child.once('exit', (code, signal) => {
      const reason = this.hello
        ? `the NetLens agent exited (${signal ?? `code ${String(code)}`})${this.stderr.trim() ? `: ${inertText(this.stderr.trim().split('\n').slice(-1)[0] ?? '')}` : ''}`
        : refusalReason(code, signal, this.stderr);
      this.gone(reason);
    });
  }

  /** The spawned process (sudo or pkexec or the agent itself). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The agent's own pid, from its hello. */
  get agentPid(): number | null {
    return this.hello?.pid ?? null;
  }

  get running(): boolean {
    return this.hello !== null && this.exited === null;
  }

  owners(inodes: number[]): Promise<InodeOwners> {
    return this.call('owners', { inodes });
  }

  kill(params: RequestParams<'kill'>): Promise<KillResult> {
    return this.call('kill', params);
  }

  closeConnection(params: RequestParams<'closeConnection'>): Promise<CloseResult> {
    return this.call('closeConnection', params);
  }

  capabilities(): Promise<Capabilities> {
    return this.call('capabilities', {});
  }

  /** Closes the agent's stdin (it exits on that) and makes sure it is gone soon after. */
  stop(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin!.end();
    const force = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    force.unref();
    this.child.once('exit', () => clearTimeout(force));
  }

  private call<M extends AgentMethod>(
    method: M,
    params: Extract<AgentRequest, { method: M }>['params'],
  ): Promise<AgentResults[M]> {
    if (!this.running) return Promise.reject(new Error(this.exited ?? 'the NetLens agent is not running'));
    // An agent that stops reading must not make NetLens buffer requests without end.
    if (this.child.stdin!.writableLength > MAX_UNREAD_BYTES) {
      const reason = 'the NetLens agent stopped reading its requests';
      this.log(`${reason}; stopping it`);
      this.stop();
      this.gone(reason);
      return Promise.reject(new Error(reason));
    }
    const id = this.nextId++;
    this.stats.requests++;
    return new Promise<AgentResults[M]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.late(id);
        reject(new Error(`the NetLens agent did not answer ${method} in time`));
      }, this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS[method]);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.stdin!.write(encodeLine({ v: AGENT_PROTOCOL_VERSION, id, method, params }));
    });
  }

  private receive(line: string): void {
    const checked = parseAgentMessage(line);
    if (!checked.ok) {
      this.rejectLine(checked.error);
      return;
    }
    const m = checked.value;
    if (m.type === 'hello') {
      if (this.hello) {
        this.rejectLine('a second hello');
        return;
      }
      clearTimeout(this.helloTimer);
      this.hello = { pid: m.pid, uid: m.uid };
      this.settleReady.resolve(this.hello);
      return;
    }
    if (!this.hello) {
      this.rejectLine(`${m.type} before hello`);
      return;
    }
    if (m.type === 'rejected') {
      this.log(`the agent refused a request: ${inertText(m.error)}`);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) {
      // The rest of an answer that came too late (an owners answer may be many parts) is dropped, not counted: a slow
      // answer is no protocol error, and its parts would have stopped the agent.
      if (this.lateIds.has(m.id)) {
        if (m.type === 'result') this.lateIds.delete(m.id);
        return;
      }
      this.rejectLine(`an answer to nothing asked (id ${m.id})`);
      return;
    }
    if (m.type === 'part') {
      if (p.method !== 'owners') {
        this.rejectLine(`a part of a ${p.method} answer`);
        return;
      }
      // Past MAX_ANSWER_BYTES the parts are not kept (bytes still counted): the result then fails the answer.
      const parts = (p.parts ??= { processes: [], owners: [], bytes: 0 });
      parts.bytes += line.length;
      if (parts.bytes <= MAX_ANSWER_BYTES) {
        for (const proc of m.processes) parts.processes.push(proc);
        for (const entry of m.owners) parts.owners.push(entry);
      }
      return;
    }
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (!m.ok) {
      p.reject(new Error(inertText(m.error, 2000)));
      return;
    }
    if (p.parts && p.parts.bytes > MAX_ANSWER_BYTES) {
      p.reject(new Error(`the NetLens agent's answer ran past ${MAX_ANSWER_BYTES / 2 ** 20} MiB`));
      return;
    }
    const result = checkResult(p.method, p.parts ? withParts(p.parts, m.result) : m.result);
    if (!result.ok) {
      this.rejectLine(result.error);
      p.reject(new Error(`the NetLens agent sent an invalid answer (${result.error})`));
      return;
    }
    p.resolve(result.value);
  }

  /** Requests given up on (timed out), whose answers may still come: the last MAX_LATE of them. */
  private readonly lateIds = new Set<number>();

  private late(id: number): void {
    this.lateIds.add(id);
    if (this.lateIds.size > MAX_LATE) this.lateIds.delete(this.lateIds.values().next().value!);
  }

  private rejectLine(error: string): void {
    this.stats.rejected++;
    if (this.stats.rejected <= 5) this.log(`dropped an invalid line from the agent: ${inertText(error)}`);
    this.options.onRejected?.(this.stats.rejected, error);
    if (this.stats.rejected === MAX_REJECTED_FROM_AGENT) {
      this.log(`the agent sent ${this.stats.rejected} invalid lines; stopping it`);
      this.stop();
    }
  }

  private gone(reason: string): void {
    if (this.exited !== null) return;
    this.exited = reason;
    clearTimeout(this.helloTimer);
    this.settleReady.reject(new Error(reason));
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(reason));
    }
    this.pending.clear();
    this.options.onExit?.(reason);
  }
}
