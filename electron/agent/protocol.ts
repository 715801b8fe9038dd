// The line protocol between NetLens and its privileged helper (`netlens agent`, README.md here): one JSON
// object per line (NDJSON) over the agent's stdin and stdout, nothing else. Both sides validate every line
// against these valibot schemas and count what fails; a line longer than MAX_LINE_BYTES is dropped unread.
import * as v from 'valibot';
import { requestSchemas } from '../../shared/protocol.js';
import type { Capabilities, CloseResult, KillResult } from '../../shared/protocol.js';
import type { InodeOwners } from '../collectors/linux/socket-owners.js';

/** Bumped on any change either side could misread; a parent refuses an agent that says another version. */
export const AGENT_PROTOCOL_VERSION = 1;
/** A request or an answer longer than this is refused: 100,000 inodes or their owners fit well within it. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
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

const processSchema = v.strictObject({
  pid,
  name: text(256),
  cmdline: text(128 * 1024),
  exe: v.nullable(text(4096)),
  user: v.nullable(text(256)),
  startTime: finiteOrNull,
});

/** Owners of the asked inodes: each process once, inodes pointing at them by index. */
export const inodeOwnersSchema = v.strictObject({
  processes: v.array(processSchema),
  owners: v.array(v.strictTuple([inode, v.array(v.pipe(v.number(), v.integer(), v.minValue(0)))])),
});
export type { InodeOwners };

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
