// The worker thread that reads one saved capture (bundled to out/main/capture-worker.cjs). The host starts
// one per request and terminates it when it runs too long, so no capture, however hostile, can hold the
// host's thread (the HTTP server, the Electron window, SIGTERM) or its memory.
import { parentPort, workerData } from 'node:worker_threads';
import { parseCapture } from './index.js';
import type { CaptureJob, CaptureReply } from './off-thread.js';

const job = workerData as CaptureJob;
let reply: CaptureReply;
try {
  reply = { ok: true, result: parseCapture(job.name, job.text, job.format) };
} catch (err) {
  reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
}
parentPort?.postMessage(reply);
