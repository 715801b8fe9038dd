// The line protocol between NetLens and its privileged helper (`netlens agent`, README.md here): one JSON
// object per line (NDJSON) over the agent's stdin and stdout, nothing else. Both sides validate every line
// against these valibot schemas and count what fails; a line longer than MAX_LINE_BYTES is dropped unread.
import * as v from 'valibot';
import { requestSchemas } from '../../shared/protocol.js';
import type { Capabilities, CloseResult, KillResult } from '../../shared/protocol.js';
import type { InodeOwners } from '../collectors/linux/socket-owners.js';
import type { ProcessInfo } from '../../shared/types.js';

/** Bumped on any change either side could misread; a parent refuses an agent that says another version. (2: owners
 *  answered in parts, each process's texts cut to the schema's limits.) */
export const AGENT_PROTOCOL_VERSION = 2;
/** A request or an answer's line longer than this is refused. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** An owners answer goes in lines of about this size: its processes and owners in `part` messages, the rest in its
 *  `result`. One line for all of it ran past MAX_LINE_BYTES when 400 processes of any user named themselves with
 *  4,096 control characters (each written as a 6-byte escape), which blinded the helper (an attack review of 12-06). */
export const PART_BYTES = 1024 * 1024;
/** The parts of one answer, at most (beyond it the answer fails; memory stays bounded). */
export const MAX_ANSWER_BYTES = 128 * 1024 * 1024;
/** Past this much of an answer, each further process's command line and executable are cut to SHORT_TEXT; past twice
 *  as much, each further process is sent with its name cut to NAME_ONLY and neither (an attacker's review of 12-06:
 *  29,000 processes of one user, each with 4,000 control characters in argv[0] and its path, still ran an answer past
 *  MAX_ANSWER_BYTES, and every other user's owners stayed hidden). The owners are what the answer is for. */
export const FULL_TEXT_BYTES = 32 * 1024 * 1024;
const SHORT_TEXT = 256;
const NAME_ONLY = 15;
/** The most inodes one `owners` request may ask about. */
export const MAX_INODES = 200_000;

const id = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));
const inode = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER));
const version = v.literal(AGENT_PROTOCOL_VERSION);

// ---------------------------------------------------------------------------------------------
// Parent -> agent

export const agentRequestSchema = v.variant('method', [
  v.strictObject({
    v: version,
    id,
    method: v.literal('owners'),
    params: v.strictObject({ inodes: v.pipe(v.array(inode), v.maxLength(MAX_INODES)) }),
  }),
  v.strictObject({ v: version, id, method: v.literal('kill'), params: requestSchemas.kill }),
  v.strictObject({ v: version, id, method: v.literal('closeConnection'), params: requestSchemas.closeConnection }),
  v.strictObject({ v: version, id, method: v.literal('capabilities'), params: v.strictObject({}) }),
]);
export type AgentRequest = v.InferOutput<typeof agentRequestSchema>;
export type AgentMethod = AgentRequest['method'];

// ---------------------------------------------------------------------------------------------
// Agent -> parent

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const finiteOrNull = v.nullable(v.pipe(v.number(), v.finite()));
const pid = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2 ** 32 - 1));

/** The longest text of each of a process's fields an answer may carry: the agent cuts what is longer (fitProcess),
 *  so that a process's own choice of name cannot make an answer fail. */
export const PROCESS_TEXT_LIMITS = { name: 256, cmdline: 128 * 1024, exe: 4096, user: 256 } as const;

const processSchema = v.strictObject({
  pid,
  name: text(PROCESS_TEXT_LIMITS.name),
  cmdline: text(PROCESS_TEXT_LIMITS.cmdline),
  exe: v.nullable(text(PROCESS_TEXT_LIMITS.exe)),
  user: v.nullable(text(PROCESS_TEXT_LIMITS.user)),
  startTime: finiteOrNull,
});
const ownerEntry = v.strictTuple([inode, v.array(v.pipe(v.number(), v.integer(), v.minValue(0)))]);

/** Owners of the asked inodes: each process once, inodes pointing at them by index. */
export const inodeOwnersSchema = v.strictObject({
  processes: v.array(processSchema),
  owners: v.array(ownerEntry),
});
export type { InodeOwners };

/** `text` cut to `max` UTF-16 units, never between the two halves of a character. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/** The process with each text cut to PROCESS_TEXT_LIMITS (the same object when none is longer). */
export function fitProcess(p: ProcessInfo): ProcessInfo {
  const L = PROCESS_TEXT_LIMITS;
  if (
    p.name.length <= L.name &&
    p.cmdline.length <= L.cmdline &&
    (p.exe?.length ?? 0) <= L.exe &&
    (p.user?.length ?? 0) <= L.user
  )
    return p;
  return {
    ...p,
    name: cut(p.name, L.name),
    cmdline: cut(p.cmdline, L.cmdline),
    exe: p.exe === null ? null : cut(p.exe, L.exe),
    user: p.user === null ? null : cut(p.user, L.user),
  };
}

/** An owners answer as the lines that carry it: `part` messages of about PART_BYTES each (processes first, then
 *  owners; indices count across the whole answer), then the `result` with what is left. */
export function ownersLines(
  id: number,
  answer: InodeOwners,
  partBytes = PART_BYTES,
  fullTextBytes = FULL_TEXT_BYTES,
): string[] {
  const lines: string[] = [];
  // Each process's JSON, made once: measured here, then joined into its line (as encodeLine would write it).
  let processes: string[] = [];
  let owners: InodeOwners['owners'] = [];
  let bytes = 0;
  let total = 0;
  const body = () => `"processes":[${processes.join(',')}],"owners":${JSON.stringify(owners)}`;
  const flush = () => {
    lines.push(`{"v":${AGENT_PROTOCOL_VERSION},"type":"part","id":${id},${body()}}\n`);
    processes = [];
    owners = [];
    bytes = 0;
  };
  for (const p of answer.processes) {
    const json = JSON.stringify(shortened(fitProcess(p), total, fullTextBytes));
    const size = Buffer.byteLength(json);
    if (bytes > 0 && bytes + size > partBytes) flush();
    processes.push(json);
    bytes += size + 1;
    total += size + 1;
  }
  for (const entry of answer.owners) {
    const size = 16 + entry[1].length * 8;
    if (bytes > 0 && bytes + size > partBytes) flush();
    owners.push(entry);
    bytes += size;
  }
  lines.push(`{"v":${AGENT_PROTOCOL_VERSION},"type":"result","id":${id},"ok":true,"result":{${body()}}}\n`);
  return lines;
}

/** A process as an answer `total` bytes long so far sends it: whole, its command line and executable cut short past
 *  `fullTextBytes`, its name alone past twice that. */
function shortened(p: ProcessInfo, total: number, fullTextBytes: number): ProcessInfo {
  if (total > 2 * fullTextBytes)
    return { ...p, name: cut(p.name, NAME_ONLY), cmdline: '', exe: null, user: p.user && cut(p.user, NAME_ONLY * 2) };
  if (total > fullTextBytes) return { ...p, cmdline: cut(p.cmdline, SHORT_TEXT), exe: p.exe && cut(p.exe, SHORT_TEXT) };
  return p;
}

const capabilitySchema = v.strictObject({ available: v.boolean(), reason: v.nullable(text(1000)) });
const resultSchemas = {
  owners: inodeOwnersSchema,
  kill: v.strictObject({
    outcome: v.picklist(['killed', 'gone', 'denied', 'refused', 'alive', 'failed']),
    message: text(2000),
    elevation: v.optional(capabilitySchema),
  }),
  closeConnection: v.strictObject({
    outcome: v.picklist(['closed', 'gone', 'denied', 'unsupported', 'failed']),
    message: text(2000),
  }),
  capabilities: v.strictObject({
    kill: capabilitySchema,
    killElevated: capabilitySchema,
    closeConnection: capabilitySchema,
  }),
} as const;

export interface AgentResults {
  owners: InodeOwners;
  kill: KillResult;
  closeConnection: CloseResult;
  capabilities: Capabilities;
}

export const agentMessageSchema = v.variant('type', [
  /** The first line: who answers. */
  v.strictObject({
    v: version,
    type: v.literal('hello'),
    pid,
    uid: v.pipe(v.number(), v.integer(), v.minValue(-1)),
    appVersion: text(64),
  }),
  v.strictObject({ v: version, type: v.literal('result'), id, ok: v.literal(true), result: v.unknown() }),
  /** Part of an owners answer (ownersLines): its result follows. */
  v.strictObject({
    v: version,
    type: v.literal('part'),
    id,
    processes: v.array(processSchema),
    owners: v.array(ownerEntry),
  }),
  v.strictObject({ v: version, type: v.literal('result'), id, ok: v.literal(false), error: text(2000) }),
  /** The agent refused a line of ours (counted on its side too). */
  v.strictObject({ v: version, type: v.literal('rejected'), error: text(2000) }),
]);
export type AgentMessage = v.InferOutput<typeof agentMessageSchema>;

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return path ? `${path}: ${first.message}` : first.message;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function parseLine<T>(schema: v.GenericSchema<unknown, T>, line: string): Checked<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const r = v.safeParse(schema, raw);
  return r.success ? { ok: true, value: r.output } : { ok: false, error: describe(r.issues) };
}

export const parseAgentRequest = (line: string): Checked<AgentRequest> => parseLine(agentRequestSchema, line);
export const parseAgentMessage = (line: string): Checked<AgentMessage> => parseLine(agentMessageSchema, line);

export function checkResult<M extends AgentMethod>(method: M, result: unknown): Checked<AgentResults[M]> {
  const r = v.safeParse(resultSchemas[method], result);
  if (!r.success) return { ok: false, error: `${method} result: ${describe(r.issues)}` };
  if (method === 'owners') {
    const o = r.output as InodeOwners;
    if (o.owners.some(([, idx]) => idx.some((i) => i >= o.processes.length)))
      return { ok: false, error: 'owners result: index out of range' };
  }
  return { ok: true, value: r.output as AgentResults[M] };
}

/**
 * Splits a byte stream into lines of at most `max` bytes. A longer line is dropped whole (up to its newline)
 * and reported once through onOversize; memory stays bounded by `max` whatever arrives.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private dropping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOversize: () => void,
    private readonly max = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.dropping) {
        if (this.size + (end - start) > this.max) {
          this.dropping = true;
          this.parts = [];
          this.size = 0;
          this.onOversize();
        } else if (end > start) {
          this.parts.push(chunk.subarray(start, end));
          this.size += end - start;
        }
      }
      if (nl < 0) return;
      if (!this.dropping) {
        const line = Buffer.concat(this.parts, this.size).toString('utf8');
        this.parts = [];
        this.size = 0;
        if (line.trim() !== '') this.onLine(line);
      }
      this.dropping = false;
      start = nl + 1;
    }
  }
}

/** One line of the protocol: JSON and a newline (JSON.stringify never emits a raw newline). */
export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
