// Capture parsing off the host's thread: each request runs in its own worker thread with a time limit and a
// heap limit, and only a few run at once. The host's thread only waits on a message, so it keeps answering
// HTTP, IPC and signals whatever a capture holds (issue 10: one hostile capture froze the host for a minute).
import { Worker } from 'node:worker_threads';
import type { CaptureResult } from '../../shared/protocol.js';

export interface CaptureJob {
  name: string;
  text: string;
  format: string;
}

export type CaptureReply = { ok: true; result: CaptureResult } | { ok: false; error: string };

export interface CaptureParserOptions {
  /** The bundled parse worker (out/main/capture-worker.cjs in a build). */
  workerPath: string;
  /** A parse still running after this long is stopped. Linear parsers read 32 MB in a few seconds. */
  timeoutMs?: number;
  /** Parses running at once, for all clients together; more are refused with a clear error. */
  maxConcurrent?: number;
  /** The worker's heap limit: a capture cannot take the host's memory with it. */
  maxHeapMb?: number;
}

export interface CaptureParser {
  parse(name: string, text: string, format: string): Promise<CaptureResult>;
  /** Parses running now. */
  readonly running: number;
  /** Stops every running parse (their callers get an error). */
  close(): Promise<void>;
}

export const CAPTURE_TIMEOUT_MS = 60_000;
export const MAX_CONCURRENT_PARSES = 2;
const MAX_HEAP_MB = 1024;

export function createCaptureParser(options: CaptureParserOptions): CaptureParser {
  const timeoutMs = options.timeoutMs ?? CAPTURE_TIMEOUT_MS;
  const maxConcurrent = options.maxConcurrent ?? MAX_CONCURRENT_PARSES;
  const workers = new Set<Worker>();

  return {
    get running() {
      return workers.size;
    },
    parse(name, text, format) {
      const label = name || 'the capture';
      if (workers.size >= maxConcurrent) {
        return Promise.reject(
          new Error(`NetLens is already reading ${workers.size} captures; open ${label} again when one has finished.`),
        );
      }
      const worker = new Worker(options.workerPath, {
        workerData: { name, text, format } satisfies CaptureJob,
        resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? MAX_HEAP_MB },
      });
      workers.add(worker);
      return new Promise<CaptureResult>((resolve, reject) => {
        let settled = false;
        const settle = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          workers.delete(worker);
          void worker.terminate();
          outcome();
        };
        const timer = setTimeout(() => {
          settle(() =>
            reject(
              new Error(
                `Reading ${label} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; is it really a netstat, ss, ip or ipconfig capture?`,
              ),
            ),
          );
        }, timeoutMs);
        worker.on('message', (reply: CaptureReply) => {
          settle(() => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error))));
        });
        worker.on('error', (err: Error & { code?: string }) => {
          const why =
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? 'it needed more memory than NetLens allows a capture'
              : err.message;
          settle(() => reject(new Error(`Reading ${label} failed: ${why}`)));
        });
        worker.on('exit', (code) => {
          settle(() => reject(new Error(`Reading ${label} stopped unexpectedly (worker exit code ${code}).`)));
        });
      });
    },
    async close() {
      await Promise.all([...workers].map((w) => w.terminate()));
      workers.clear();
    },
  };
}
