// Reads the remote script's framed stream (script.ts) incrementally from ssh's stdout. Pure: bytes in, frames
// and events out. Bounded: a frame larger than the limit, more sections than a frame declared, a header that is
// not one, or a frame whose end marker does not follow its sections is an error (the connection is then dropped
// and made again), never a buffer that grows without end. A section larger than MAX_SECTION_BYTES is passed
// over as it comes (never held) and marked so: the rest of the frame is read, and what needed that section says
// it was too large. A frame cut off by the connection closing is simply never emitted.

/**
 * The most one section may hold. A host at MAX_REMOTE_ROWS (datasets.ts) sockets prints its socket tables and
 * `ss -tuwxanpeH` within it (150 and up to about 300 bytes a socket: 30 and 60 MB at 200,000); its `ss -tinHem`
 * takes 0.7-0.9 kB a TCP socket, so beyond 75,000-90,000 TCP sockets that section is passed over and the rows
 * say they have no traffic and why, where before the whole host was refused, again at each reconnection.
 */
export const MAX_SECTION_BYTES = 64 * 1024 * 1024;
/** The most one frame may hold (sections passed over not counted); a section declared larger than this is an
 *  error, not passed over. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;
/** A header line longer than this is not one of ours. */
const MAX_HEADER_BYTES = 512;

export interface Hello {
  uid: number;
  sudo: boolean;
  hasIp: boolean;
  hasSs: boolean;
}

export interface Section {
  /** The command or file succeeded (a missing file, a command that failed: false, with what it printed). */
  ok: boolean;
  data: Buffer;
  /** A section passed over for its size: the bytes it declared (ok false, data empty). */
  tooLarge?: number;
}

export interface Frame {
  seq: number;
  sections: Map<string, Section>;
  /** Bytes the frame took on the wire. */
  bytes: number;
}

export type FrameEvent =
  | { type: 'hello'; hello: Hello }
  | { type: 'notLinux'; system: string }
  | { type: 'frame'; frame: Frame }
  | { type: 'error'; message: string };

const HELLO = /^NETLENS-HELLO 1 (\d{1,10}) ([01]) ([01]) ([01])$/;
const NOT_LINUX = /^NETLENS-NOT-LINUX ?([A-Za-z0-9._-]{0,64})$/;
const BEGIN = /^NETLENS-BEGIN (\d{1,15}) (\d{1,4})$/;
const SECTION = /^NETLENS-SECTION ([a-z0-9/_-]{1,64}) (ok|fail) (\d{1,12})$/;
const END = /^NETLENS-END (\d{1,15})$/;

type State =
  | { kind: 'line' }
  | { kind: 'section'; name: string; ok: boolean; length: number }
  | { kind: 'skip'; left: number };

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private state: State = { kind: 'line' };
  /** `bytes` on the wire; `held` of them kept (sections passed over are not). */
  private frame: {
    seq: number;
    expected: number;
    sections: Map<string, Section>;
    bytes: number;
    held: number;
  } | null = null;
  private failed = false;

  /** Feeds bytes; returns what they completed. After an error nothing more is read. */
  push(chunk: Buffer): FrameEvent[] {
    if (this.failed) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const events: FrameEvent[] = [];
    for (;;) {
      const event = this.step();
      if (event === null) break;
      if (event !== 'more') events.push(event);
      if (event !== 'more' && event.type === 'error') {
        this.failed = true;
        this.chunks = [];
        this.buffered = 0;
        break;
      }
    }
    return events;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }

  /** Drops up to `n` bytes from the front, as they are (no copy); returns how many. */
  private drop(n: number): number {
    let dropped = 0;
    while (dropped < n && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const d = Math.min(c.length, n - dropped);
      if (d === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(d);
      dropped += d;
    }
    this.buffered -= dropped;
    return dropped;
  }

  /** One step: an event, 'more' (progress without an event), or null (needs more bytes). */
  private step(): FrameEvent | 'more' | null {
    if (this.state.kind === 'skip') {
      if (this.buffered === 0) return null;
      this.state.left -= this.drop(this.state.left);
      if (this.state.left === 0) this.state = { kind: 'line' };
      return 'more';
    }
    if (this.state.kind === 'section') {
      const { name, ok, length } = this.state;
      if (this.buffered < length) return null;
      const data = Buffer.from(this.take(length));
      this.frame!.sections.set(name, { ok, data });
      this.frame!.bytes += length;
      this.frame!.held += length;
      this.state = { kind: 'line' };
      return 'more';
    }
    const line = this.line();
    if (line === null) {
      return this.buffered > MAX_HEADER_BYTES
        ? { type: 'error', message: 'the remote sent a line that is not a NetLens header' }
        : null;
    }
    if (this.frame) {
      this.frame.bytes += line.length + 1;
      this.frame.held += line.length + 1;
    }
    return this.header(line);
  }

  /** The next whole line (without its newline), or null when none is complete within MAX_HEADER_BYTES. */
  private line(): string | null {
    let offset = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(10);
      if (i >= 0)
        return offset + i > MAX_HEADER_BYTES
          ? null
          : this.take(offset + i + 1)
              .toString('latin1')
              .slice(0, -1);
      offset += c.length;
      if (offset > MAX_HEADER_BYTES) return null;
    }
    return null;
  }

  private header(line: string): FrameEvent | 'more' {
    let m: RegExpExecArray | null;
    if (this.frame === null) {
      if ((m = BEGIN.exec(line))) {
        const bytes = line.length + 1;
        this.frame = { seq: Number(m[1]), expected: Number(m[2]), sections: new Map(), bytes, held: bytes };
        return 'more';
      }
      if ((m = HELLO.exec(line))) {
        return {
          type: 'hello',
          hello: { uid: Number(m[1]), sudo: m[2] === '1', hasIp: m[3] === '1', hasSs: m[4] === '1' },
        };
      }
      if ((m = NOT_LINUX.exec(line))) return { type: 'notLinux', system: m[1] || 'unknown' };
      return { type: 'error', message: `unexpected output from the remote: ${JSON.stringify(line.slice(0, 80))}` };
    }
    if ((m = SECTION.exec(line))) {
      // Held until the end marker: no more than declared, each once (sections of no bytes would otherwise
      // pile up by the million within MAX_FRAME_BYTES).
      if (this.frame.sections.has(m[1]!))
        return { type: 'error', message: `frame ${this.frame.seq} sent section ${m[1]} twice` };
      if (this.frame.sections.size >= this.frame.expected)
        return {
          type: 'error',
          message: `frame ${this.frame.seq} has more sections than the ${this.frame.expected} it declared`,
        };
      const length = Number(m[3]);
      if (length > MAX_FRAME_BYTES)
        return { type: 'error', message: `section ${m[1]} is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB` };
      if (length > MAX_SECTION_BYTES) {
        this.frame.sections.set(m[1]!, { ok: false, data: Buffer.alloc(0), tooLarge: length });
        this.frame.bytes += length;
        if (length > 0) this.state = { kind: 'skip', left: length };
        return 'more';
      }
      if (this.frame.held + length > MAX_FRAME_BYTES)
        return { type: 'error', message: `a frame is larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB` };
      this.state = { kind: 'section', name: m[1]!, ok: m[2] === 'ok', length };
      return 'more';
    }
    if ((m = END.exec(line))) {
      const frame = this.frame;
      this.frame = null;
      if (Number(m[1]) !== frame.seq) return { type: 'error', message: `frame ${frame.seq} ended as ${m[1]}` };
      if (frame.sections.size !== frame.expected) {
        return {
          type: 'error',
          message: `frame ${frame.seq} has ${frame.sections.size} sections, not ${frame.expected}`,
        };
      }
      return { type: 'frame', frame: { seq: frame.seq, sections: frame.sections, bytes: frame.bytes } };
    }
    return { type: 'error', message: `frame ${this.frame.seq} lost its place: ${JSON.stringify(line.slice(0, 80))}` };
  }
}
