// `netlens metrics [--port N] [--host ADDR] [--token-file FILE]`: serves /metrics in the Prometheus text
// format (electron/metrics/). Loopback without a token, unless --token-file names one or NetLens runs as root;
// any other address with a bearer token, printed at start or kept in --token-file (the same file Prometheus's
// `credentials_file` can read).
import { commandError } from '../../shared/error-text.js';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVING, type Command } from '../cli.js';
import { createCollectors } from '../collectors/index.js';
import { startMetricsServer } from '../metrics/server.js';
import { LOOPBACK_HOSTS } from '../web.js';

export const DEFAULT_METRICS_PORT = 9858;
const MIN_TOKEN_LENGTH = 16;

const MAX_TOKEN_FILE_BYTES = 4096;

function mode(m: number): string {
  return `0${(m & 0o777).toString(8)}`;
}

/**
 * The token in `file`, or a new random one written there (owner-only) when the file does not exist. Checked as
 * ssh checks a private key: a file that other users can write (they could set the token), that another user
 * owns, or that is not a regular file (a FIFO would hang the read) is refused, and so is a symbolic link (one
 * planted in /tmp could point at a file every user can read) and a file in a folder that other users can
 * write without the sticky bit (they could swap it); one that other users can read is used with a warning
 * (mode 0640 with Prometheus's group is a fair way to share it).
 */
function tokenFromFile(file: string): { token: string; created: boolean; warning: string | null } {
  const folder = dirname(resolve(file));
  const fst = statSync(folder);
  if (fst.mode & 0o022 && !(fst.mode & 0o1000)) {
    throw new Error(`${folder} can be changed by other users (mode ${mode(fst.mode)}), who could swap ${file}`);
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new Error(`${file} is a symbolic link: name the file itself`);
    }
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const token = randomBytes(24).toString('hex');
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, created: true, warning: null };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
      throw new Error(`${file} belongs to another user (uid ${st.uid}): it must be yours or root's`);
    }
    if (st.mode & 0o022) {
      throw new Error(
        `${file} can be changed by other users (mode ${mode(st.mode)}), who could set the token: chmod go-w ${file}`,
      );
    }
    const bytes = Buffer.alloc(MAX_TOKEN_FILE_BYTES + 1);
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    const token = bytes.toString('utf8', 0, n).trim();
    if (n > MAX_TOKEN_FILE_BYTES || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new Error(`${file} must hold one token of at least ${MIN_TOKEN_LENGTH} characters, without spaces`);
    }
    const readers = [st.mode & 0o040 ? 'its group' : null, st.mode & 0o004 ? 'every user' : null].filter(Boolean);
    const warning =
      readers.length > 0
        ? `WARNING: ${file} is readable by ${readers.join(' and ')} (mode ${mode(st.mode)}), who can then scrape ` +
          `with its token; chmod 600 ${file} unless that is meant (640 to share it with Prometheus's group)`
        : null;
    return { token, created: false, warning };
  } finally {
    closeSync(fd);
  }
}

export const metricsCommand: Command = {
  summary: 'serve /metrics for Prometheus (netstat -s counters, interfaces, sockets by state, traffic per process)',
  usage: 'metrics [--port N] [--host ADDR] [--token-file FILE]',
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { port: { type: 'string' }, host: { type: 'string' }, 'token-file': { type: 'string' } },
        allowPositionals: false,
      }));
    } catch (err) {
      console.error(commandError('metrics', err));
      return 2;
    }
    const port = values.port === undefined ? DEFAULT_METRICS_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(
        commandError('metrics', `--port wants a number from 0 to 65535, not ${JSON.stringify(values.port)}`),
      );
      return 2;
    }
    const host = values.host ?? '127.0.0.1';
    const loopback = LOOPBACK_HOSTS.has(host);
    // As root, NetLens names the owners of every user's sockets and their traffic: what the other users who can
    // reach a loopback port cannot read from /proc themselves. So a token is asked there too.
    const asRoot = process.geteuid?.() === 0;
    let token: string | undefined;
    if (values['token-file'] !== undefined) {
      try {
        const t = tokenFromFile(values['token-file']);
        token = t.token;
        if (t.created) console.log(`Wrote a new bearer token to ${values['token-file']} (readable by you only).`);
        if (t.warning) console.warn(t.warning);
      } catch (err) {
        console.error(commandError('metrics', err));
        return 2;
      }
    }
    const collectors = createCollectors();
    // Per-process traffic needs the connections' byte counters (ss -tie) and their destroy events.
    collectors.connections.setExtras?.(['traffic']);
    let server;
    try {
      server = await startMetricsServer({ collectors, host, port, token, tokenOnLoopback: asRoot });
    } catch (err) {
      for (const c of Object.values(collectors)) c.dispose?.();
      const code = (err as NodeJS.ErrnoException).code;
      console.error(
        commandError(
          'metrics',
          code === 'EADDRINUSE' ? `port ${port} on ${host} is in use; choose another with --port` : err,
        ),
      );
      return 1;
    }
    console.log(`NetLens metrics at ${server.url}`);
    if (server.token === null) {
      console.log('Loopback only: no token needed. Press Ctrl+C to stop.');
    } else {
      if (!loopback) {
        console.warn(
          `WARNING: --host ${host} exposes this machine's connections, interfaces and counters beyond it; the token is required.`,
        );
      } else if (asRoot) {
        console.log(
          "Running as root: /metrics names every user's processes, so the token is required on loopback too (run it as another user to serve that user's view without one).",
        );
      } else console.log('The token is required on loopback too.');
      if (values['token-file'] !== undefined) console.log(`Bearer token: in ${values['token-file']}`);
      else console.log(`Bearer token: ${server.token}`);
      console.log(
        'Send it as "Authorization: Bearer <token>" (Prometheus: authorization.credentials). Press Ctrl+C to stop.',
      );
    }
    const running = server;
    const stop = () => {
      void running.close().finally(() => {
        for (const c of Object.values(collectors)) c.dispose?.();
        process.exit(0);
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return SERVING;
  },
};
