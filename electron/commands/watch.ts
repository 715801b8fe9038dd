// `netlens watch <dataset>... [--interval S] [--host DEST [--ssh-config FILE]] --json`: the monitor's stream as newline-delimited JSON, for
// scripts and other tools. Each line is one message exactly as the renderer receives it (shared/protocol.ts
// SnapshotMessage / DiffMessage, plus collectorError and notice lines): first a snapshot of each dataset, then
// one diff per tick, until SIGINT/SIGTERM or until the reader goes away (EPIPE), all of which exit 0. With
// --host the collectors are a remote host's (electron/remote/); its connection state comes as notice lines.
//
// The monitor runs on this thread (the CLI has nothing else to do). A diff is acknowledged once its line has
// been written out, so a reader that falls behind gets later ticks folded into one diff (the monitor's
// backpressure, electron/monitor/README.md) rather than an ever-growing buffer here.
import { commandError } from '../../shared/error-text.js';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { inertJson } from '../../shared/inert-text.js';
import { gathered, messagePieces } from './json-pieces.js';
import type { IntervalMs, ServerMessage } from '../../shared/protocol.js';
import { DATASETS, type Dataset } from '../../shared/types.js';
import type { Command } from '../cli.js';
import type { Collectors } from '../collectors/collector.js';
import { createCollectors } from '../collectors/index.js';
import { checkDestination, RemoteHost, remoteCollectors, type RemoteStatus } from '../remote/host.js';

export const MIN_INTERVAL_S = 0.5;
export const MAX_INTERVAL_S = 3600;

export interface WatchOptions {
  collectors: Collectors;
  datasets: readonly Dataset[];
  intervalMs: number;
  out: Writable;
  /** Resolves (or aborts) when the stream should stop: the command wires SIGINT and SIGTERM to it. */
  stop: AbortSignal;
  /** Lets the caller add lines to the stream (a remote host's connection state as notices). */
  notices?: (emit: (message: ServerMessage) => void) => void;
}

/** A remote host's state as a notice line: `remote-connected` (info) or `remote-disconnected` (warning). */
export function remoteNotice(destination: string, status: RemoteStatus): ServerMessage | null {
  if (status.state === 'connected')
    return { type: 'notice', level: 'info', code: 'remote-connected', text: `${destination}: connected` };
  if (status.state === 'disconnected') {
    return {
      type: 'notice',
      level: 'warning',
      code: 'remote-disconnected',
      text: `${destination}: disconnected: ${status.reason ?? 'closed'}`,
    };
  }
  return null;
}

/** Streams until `stop` aborts or `out` fails (EPIPE: the reader went away). Resolves with the exit code. */
export async function streamWatch(options: WatchOptions): Promise<number> {
  const { out, stop } = options;
  // Loaded here, not with the CLI: the monitor brings the recorder and SQLite, which no other command's thread
  // needs (`netlens web` records in its worker; electron/commands/history.ts says what SQLite costs).
  const { createInThreadMonitor } = await import('../monitor/monitor.js');
  // The monitor's interval list is what the UI offers; a script may want any interval, and the monitor only
  // hands the value to setInterval and back in TickInfo.
  const monitor = createInThreadMonitor({
    collectors: options.collectors,
    intervalMs: options.intervalMs as IntervalMs,
    log: () => {},
  });
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      client.detach();
      stop.removeEventListener('abort', onAbort);
      out.off('error', onError);
      // Later writes (none are made) and a late EPIPE must not become an unhandled 'error'.
      out.on('error', () => {});
      void monitor.close().then(() => resolve(code));
    };
    const onAbort = () => finish(0);
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') process.stderr.write(`netlens watch: cannot write: ${err.message}\n`);
      finish(err.code === 'EPIPE' ? 0 : 1);
    };
    const emit = (message: ServerMessage) => {
      if (done) return;
      switch (message.type) {
        case 'snapshot':
        case 'diff':
        case 'collectorError':
        case 'notice': {
          if (message.type === 'snapshot') {
            // A row at a time (json-pieces.ts): one string of a large table could not be made.
            for (const chunk of gathered(messagePieces(message, '\n'))) out.write(chunk);
            break;
          }
          const line = `${inertJson(message)}\n`;
          if (message.type === 'diff') {
            const { dataset, seq } = message;
            // Acknowledged once written out: a slow reader holds back the acks, and the monitor folds diffs.
            out.write(line, (err) => {
              if (!err && !done) client.handle({ type: 'ack', dataset, seq });
            });
          } else {
            out.write(line);
          }
          break;
        }
        default:
          // status and responses are the interactive clients' business.
          break;
      }
    };
    const client = monitor.attach(emit);
    options.notices?.(emit);
    out.on('error', onError);
    if (stop.aborted) {
      finish(0);
      return;
    }
    stop.addEventListener('abort', onAbort);
    for (const dataset of options.datasets) client.handle({ type: 'subscribe', dataset });
  });
}

function isDataset(s: string): s is Dataset {
  return (DATASETS as readonly string[]).includes(s);
}

export const watchCommand: Command = {
  summary: 'stream datasets as newline-delimited JSON: a snapshot, then one diff per tick',
  usage: `watch <${DATASETS.join('|')}>... [--interval S] [--host DEST] [--ssh-config FILE] --json`,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: {
          json: { type: 'boolean' },
          interval: { type: 'string' },
          host: { type: 'string' },
          'ssh-config': { type: 'string' },
        },
        allowPositionals: true,
      });
    } catch (err) {
      console.error(commandError('watch', err));
      return 2;
    }
    const datasets = [...new Set(parsed.positionals)];
    const unknown = datasets.filter((d) => !isDataset(d));
    if (datasets.length === 0 || unknown.length > 0) {
      if (unknown.length > 0) console.error(commandError('watch', `unknown dataset ${JSON.stringify(unknown[0])}`));
      console.error(`Usage: netlens ${watchCommand.usage}`);
      return 2;
    }
    if (!parsed.values.json) {
      console.error(
        'netlens watch: --json is required (the stream is newline-delimited JSON; `netlens dump` prints tables)',
      );
      return 2;
    }
    const seconds = parsed.values.interval === undefined ? 1 : Number(parsed.values.interval);
    if (!Number.isFinite(seconds) || seconds < MIN_INTERVAL_S || seconds > MAX_INTERVAL_S) {
      console.error(
        `netlens watch: --interval wants seconds from ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S}, not ${JSON.stringify(parsed.values.interval)}`,
      );
      return 2;
    }
    const { host, 'ssh-config': sshConfig } = parsed.values;
    const bad =
      host === undefined ? (sshConfig === undefined ? null : '--ssh-config goes with --host') : checkDestination(host);
    if (bad) {
      console.error(commandError('watch', bad));
      return 2;
    }
    const intervalMs = Math.round(seconds * 1000);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let remote: RemoteHost | null = null;
    try {
      let notices: WatchOptions['notices'];
      if (host !== undefined) {
        let emit: ((m: ServerMessage) => void) | null = null;
        remote = new RemoteHost({
          destination: host,
          sshConfig,
          intervalMs,
          onStatus: (status) => {
            const notice = remoteNotice(host, status);
            if (notice && emit) emit(notice);
          },
        });
        notices = (e) => (emit = e);
      }
      return await streamWatch({
        collectors: remote ? remoteCollectors(remote) : createCollectors(),
        datasets: datasets as Dataset[],
        intervalMs,
        out: process.stdout,
        stop: stop.signal,
        notices,
      });
    } finally {
      await remote?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
