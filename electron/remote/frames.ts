// Reads the remote script's framed stream (script.ts) incrementally from ssh's stdout. Pure: bytes in, frames
// and events out. Bounded: a section or frame larger than the limits, more sections than a frame declared, a
// header that is not one, or a frame whose end marker does not follow its sections is an error (the connection
// is then dropped and made again), never a buffer that grows without end. A frame cut off by the connection
// closing is simply never emitted.

export const MAX_SECTION_BYTES = 64 * 1024 * 1024;
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

type State = { kind: 'line' } | { kind: 'section'; name: string; ok: boolean; length: number };

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private state: State = { kind: 'line' };
  private frame: { seq: number; expected: number; sections: Map<string, Section>; bytes: number } | null = null;
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

  /** One step: an event, 'more' (progress without an event), or null (needs more bytes). */
  private step(): FrameEvent | 'more' | null {
    if (this.state.kind === 'section') {
      const { name, ok, length } = this.state;
      if (this.buffered < length) return null;
      const data = Buffer.from(this.take(length));
      this.frame!.sections.set(name, { ok, data });
      this.frame!.bytes += length;
      this.state = { kind: 'line' };
      return 'more';
    }
    const line = this.line();
    if (line === null) {
      return this.buffered > MAX_HEADER_BYTES
        ? { type: 'error', message: 'the remote sent a line that is not a NetLens header' }
        : null;
    }
    if (this.frame) this.frame.bytes += line.length + 1;
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
        this.frame = { seq: Number(m[1]), expected: Number(m[2]), sections: new Map(), bytes: line.length + 1 };
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
      if (length > MAX_SECTION_BYTES)
        return { type: 'error', message: `section ${m[1]} is larger than ${MAX_SECTION_BYTES / 1024 / 1024} MB` };
      if (this.frame.bytes + length > MAX_FRAME_BYTES)
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
