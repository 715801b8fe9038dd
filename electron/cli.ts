// The `netlens` command line. Each subcommand is a small module; this file only dispatches.
//   netlens web [--port N] [--host ADDR]
//   netlens dump <dataset> [--json]
//   netlens parse FILE [--format auto|NAME] [--json]
//   netlens watch <dataset>... [--interval S] --json
//   netlens history [--since …] [--until …] [--changes] [--json|--format csv]
//   netlens metrics [--port N] [--host ADDR] [--token-file FILE]
import { commandError } from '../shared/error-text.js';
import { dataDirIn, defaultDataDir } from './collectors/data-dir.js';
import { inertText } from '../shared/inert-text.js';
import { APP_NAME, APP_VERSION } from './app-info.js';
import { webCommand } from './commands/web.js';
import { parseCommand } from './commands/parse.js';
import { dumpCommand } from './commands/dump.js';
import { agentCommand } from './commands/agent.js';
import { watchCommand } from './commands/watch.js';
import { historyCommand } from './commands/history.js';
import { metricsCommand } from './commands/metrics.js';
import { restartWithMallocSettings } from './malloc-settings.js';

/** How a command's run ends: an exit code, or SERVING when it started a server that keeps the process alive
 *  until a signal (web, metrics), so the caller must not exit. */
export const SERVING = 'serving';
export type CommandEnd = number | typeof SERVING;

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<CommandEnd>;
}

const commands: Record<string, Command> = {
  web: webCommand,
  parse: parseCommand,
  dump: dumpCommand,
  agent: agentCommand,
  watch: watchCommand,
  history: historyCommand,
  metrics: metricsCommand,
};

/** The first arguments that make the app binary run the CLI headless instead of a window (headless.ts). */
export const COMMAND_NAMES: readonly string[] = Object.keys(commands);

/** Where the browser host and the commands keep their files, for the help: the folder they would use (made by
 *  none: dataDirIn without create), or the one chosen where that one is not usable (they say why when they run). */
function dataDirShown(): string {
  try {
    return dataDirIn(defaultDataDir(), { create: false });
  } catch {
    return defaultDataDir();
  }
}

function help(): string {
  const lines = [
    `${APP_NAME} ${APP_VERSION}: live connections, routes, interfaces and protocol statistics.`,
    '',
    'Usage: netlens <command> [options]',
    '',
    'Commands:',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(44)} ${c.summary}`),
    '',
    'Options:',
    '  --help, -h                                   show this help',
    '  --version, -v                                print the version',
    '',
    'Without a command, `npm start` opens the desktop app (or the browser host where Electron is missing).',
    `The browser host and these commands keep their files (settings, the connection record) in ${inertText(dataDirShown())}`,
    '(NETLENS_DATA_DIR names another); the desktop app keeps its own in its user data folder.',
  ];
  return lines.join('\n');
}

let outputGuarded = false;
let outputError = false;

/**
 * A reader that goes away (`netlens dump connections | head -1`) ends the output, as for every Unix tool: no
 * "Unhandled 'error' event" stack trace (nor, in the packaged binary, Electron's error dialog). Any other failed
 * write (a full disk) is said in one line and makes the exit code 1 (see {@link outputFailed}).
 */
function guardOutput(): void {
  if (outputGuarded) return;
  outputGuarded = true;
  process.stderr.on('error', () => {
    // Nowhere left to say anything.
  });
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || outputError) return;
    outputError = true;
    process.exitCode = 1;
    process.stderr.write(`netlens: cannot write the output: ${err.message}\n`);
  });
}

/** Whether writing the output failed for another reason than the reader going away. */
export function outputFailed(): boolean {
  return outputError;
}

export async function main(argv: string[]): Promise<CommandEnd> {
  guardOutput();
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    console.log(help());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    console.log(APP_VERSION);
    return 0;
  }
  const command = commands[first];
  if (!command) {
    console.error(`${commandError(null, `unknown command '${first}'`)}\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: netlens ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  return command.run(rest);
}

/** The commands that run a monitor until stopped: worth a restart with glibc's malloc settings (malloc-settings.ts). */
const LONG_RUNNING = new Set(['web', 'metrics', 'watch']);

// Run only as the entry point (the bundled out/main/cli.cjs), not when a test imports this module, and not
// inside Electron, where main.ts bundles this file and dispatches headless commands itself.
if (typeof require !== 'undefined' && require.main === module && !process.versions.electron) runCli();

function runCli(): void {
  if (LONG_RUNNING.has(process.argv[2] ?? '')) restartWithMallocSettings();
  main(process.argv.slice(2)).then(
    (code) => {
      // A server command keeps the process alive itself; others exit with their code.
      if (code !== SERVING) process.exitCode = code === 0 && outputFailed() ? 1 : code;
    },
    (err: unknown) => {
      // A command's error may carry what a remote host or a file said: inert on the terminal.
      console.error(commandError(null, err));
      process.exitCode = 1;
    },
  );
}
