// Kill and close on a remote host (a host shown beside this machine, electron/remote/fleet.ts), over that
// host's own ssh connection: `route` is the ssh argv that reaches it through its ControlMaster. The same
// guard as here, checked on that host just before signalling: a pid that is a process (not a thread, not a
// kernel thread), whose start time, computed there as the socket rows computed it (stat field 22 + btime,
// process-start-time.ts), is still the one the UI saw. No elevation prompt: the remote script uses `sudo -n`
// where the remote allows it, like the rows' owners.
//
// ssh hands the command to the remote user's login shell as one string: the scripts contain no single quote
// and no backslash, and every argument is a checked token (digits, an address, ss syntax) in single quotes,
// read alike by sh, bash, zsh and fish.
import { inertExcerpt } from '../../shared/inert-text.js';
import type { CloseResult, KillResult, RequestParams } from '../../shared/protocol.js';
import { LINUX_CLK_TCK } from '../collectors/process-start-time.js';
import { PF_KTHREAD } from '../collectors/linux/process-facts.js';
import { checkTuple, describe, linuxCloseArgs } from './close-connection.js';
import type { RunCommand } from './command.js';
import { reservedPidReason } from './kill.js';

/** How long the remote script waits for the process to end after the signal, in seconds. */
const GRACE_S = 3;

// Prints its verdict on one line, NETLENS-RESULT and a word (gone, thread, kthread, changed, zombie, denied,
// exited, alive), and after it the process name. The name is anyone's choice (a comm may hold a newline and
// "exited"): it comes after the verdict, which is read from the first such line, never from the name.
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not templates.
const KILL_SCRIPT = [
  'set -f; p=$1; want=$2; sig=$3; grace=$4',
  'say() { echo "NETLENS-RESULT $1"; printf "%s" "$2"; exit 0; }',
  'bt=; while read -r k v; do [ "$k" = btime ] && bt=$v; done < /proc/stat',
  'ident() {',
  '  s=$(cat "/proc/$p/stat" 2>/dev/null) || return 1',
  '  name=${s#*(}; name=${name%)*}',
  '  set -- ${s##*) }',
  `  st=$1; pp=$2; fl=$7; ms=$((bt * 1000 + \${20} * ${1000 / LINUX_CLK_TCK}))`,
  '}',
  'ident || say gone ""',
  't=; while read -r k v rest; do [ "$k" = Tgid: ] && t=$v; done < "/proc/$p/status"',
  '[ "$t" = "$p" ] || say thread "$name"',
  `if [ $((fl & ${PF_KTHREAD})) != 0 ] || [ "$pp" = 2 ] || [ "$p" = 2 ]; then say kthread "$name"; fi`,
  '[ "$ms" = "$want" ] || say changed "$name"',
  '[ "$st" = Z ] && say zombie "$name"',
  'if ! kill -s "$sig" "$p" 2>/dev/null; then',
  '  if [ "$(id -u)" = 0 ] || ! sudo -n kill -s "$sig" "$p" </dev/null 2>/dev/null; then say denied "$name"; fi',
  'fi',
  'first=$name; i=0',
  'while [ $i -lt $((grace * 10)) ]; do',
  '  if ! ident || [ "$ms" != "$want" ] || [ "$st" = Z ]; then say exited "$first"; fi',
  '  sleep 0.1; i=$((i + 1))',
  'done',
  'say alive "$first"',
].join('\n');
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: the script ends here.

// Prints what ss -K printed (the sockets it destroyed), then a line: 'ok' or 'denied'.
const CLOSE_SCRIPT = [
  'set -f; sudo=',
  'if [ "$(id -u)" != 0 ] && sudo -n true </dev/null >/dev/null 2>&1; then sudo="sudo -n"; fi',
  'out=$($sudo ss "$@" </dev/null 2>&1); code=$?',
  'echo "$out"',
  'case $out in *"not permitted"*) echo denied ;; *) [ $code = 0 ] && echo ok || echo failed ;; esac',
].join('\n');

for (const s of [KILL_SCRIPT, CLOSE_SCRIPT]) {
  if (/['\\]/.test(s)) throw new Error('a remote script must hold no single quote and no backslash');
}

/** A remote command string: `sh -c '<script>' <name> '<arg>'...`, every argument a checked token. */
export function remoteCommand(script: string, name: string, args: readonly string[]): string {
  for (const a of args) {
    if (!/^[\w:.%=[\]-]{1,80}$/.test(a)) throw new Error(`not a safe argument for a remote command: ${a}`);
  }
  return [`sh -c '${script}'`, name, ...args.map((a) => `'${a}'`)].join(' ');
}

function onHost(name: string, pid: number, host: string): string {
  return `${name} (PID ${pid}) on ${host}`;
}

export interface RemoteKillReport {
  result: KillResult;
  /** The process name the remote reported, for the action log. */
  name: string | null;
}

/** Kills a process on `host` after the same checks as here, run there. */
export async function killRemote(
  run: RunCommand,
  route: readonly string[],
  host: string,
  params: RequestParams<'kill'>,
): Promise<RemoteKillReport> {
  const refuse = (message: string): RemoteKillReport => ({ result: { outcome: 'refused', message }, name: null });
  const reserved = reservedPidReason('linux', params.pid);
  if (reserved) return refuse(`${reserved} (on ${host})`);
  if (params.startTime === null || !Number.isSafeInteger(params.startTime)) {
    return refuse(
      `the start time of PID ${params.pid} on ${host} was unknown when it was listed, so NetLens cannot make sure it is still the same process; refresh and try again`,
    );
  }
  const command = remoteCommand(KILL_SCRIPT, 'netlens-kill', [
    String(params.pid),
    String(params.startTime),
    params.signal,
    String(GRACE_S),
  ]);
  const r = await run('ssh', [...route, command], { timeoutMs: 30_000 });
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => /^NETLENS-RESULT [a-z]+$/.test(l));
  const word = at < 0 ? '' : lines[at]!.slice('NETLENS-RESULT '.length);
  // Everything after the verdict is the name, newlines and all; shown escaped (a bidi override cannot
  // reorder the sentence it is put in), and short (a comm is 15 bytes; a hostile host may print megabytes).
  const raw = at < 0 ? '' : lines.slice(at + 1).join('\n');
  const name = raw === '' ? null : inertExcerpt(raw, 64);
  const who = onHost(name ?? 'the process', params.pid, host);
  const result = ((): KillResult => {
    switch (word) {
      case 'gone':
        return { outcome: 'gone', message: `the process has exited (on ${host})` };
      case 'thread':
        return { outcome: 'refused', message: `PID ${params.pid} on ${host} is a thread, not a process` };
      case 'kthread':
        return { outcome: 'refused', message: `${who} is a kernel thread: it cannot be killed from user space` };
      case 'changed':
        return {
          outcome: 'refused',
          message: `the process has exited; PID ${params.pid} on ${host} now belongs to ${name}`,
        };
      case 'zombie':
        return { outcome: 'gone', message: `${who} has already exited (it waits for its parent to collect it)` };
      case 'denied':
        return {
          outcome: 'denied',
          message: `permission denied: the ssh user on ${host} may not signal ${who} (log in as its owner or root, or allow sudo -n kill)`,
        };
      case 'exited':
        return { outcome: 'killed', message: `${params.signal === 'TERM' ? 'Terminated' : 'Force-killed'} ${who}` };
      case 'alive':
        return {
          outcome: 'alive',
          message:
            params.signal === 'TERM'
              ? `${who} is still running after SIGTERM: Force kill?`
              : `${who} is still running after SIGKILL (it may be stuck in the kernel)`,
        };
      default:
        // What ssh and the host printed is theirs to shape: shown inert, and short.
        return {
          outcome: 'failed',
          message: `could not reach ${host}: ${inertExcerpt((r.error?.message ?? r.stderr.trim()) || `ssh exited with code ${r.code}`)}`,
        };
    }
  })();
  return { result, name };
}

/** Closes a TCP connection open at an end on `host` with its ss -K (as root, or through sudo -n there). */
export async function closeRemote(
  run: RunCommand,
  route: readonly string[],
  host: string,
  params: RequestParams<'closeConnection'>,
): Promise<{ result: CloseResult; target: string | null }> {
  const t = checkTuple(params);
  if (typeof t === 'string') return { result: { outcome: 'failed', message: t }, target: null };
  // The log names the host apart; the messages say it.
  const target = describe(t);
  const where = `${target} on ${host}`;
  const r = await run('ssh', [...route, remoteCommand(CLOSE_SCRIPT, 'netlens-close', linuxCloseArgs(t))], {
    timeoutMs: 30_000,
  });
  const lines = r.stdout.trim().split('\n');
  const verdict = lines.pop() ?? '';
  const printed = lines.join('\n').trim();
  if (verdict === 'denied') {
    return { result: { outcome: 'denied', message: `Permission denied closing ${where} (needs root there)` }, target };
  }
  if (verdict === 'ok' && printed !== '') return { result: { outcome: 'closed', message: `Closed ${where}` }, target };
  if (verdict === 'ok') {
    return { result: { outcome: 'gone', message: `${where} is not open now (gone, or closed at both ends)` }, target };
  }
  const why = inertExcerpt(printed || r.error?.message || r.stderr.trim() || `ssh exited with code ${r.code}`);
  return { result: { outcome: 'failed', message: `Could not close ${where}: ${why}` }, target };
}
