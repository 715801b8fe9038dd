// The packaged app's binary is the only executable a packaged install has, and its RunAsNode fuse is off
// (electron-builder.yml), so `ELECTRON_RUN_AS_NODE` cannot turn it into a Node for the CLI or the privileged
// agent. Instead main.ts looks at its arguments before anything else: when the first one names a CLI command
// (`netlens dump connections`, `netlens agent --parent 123`), it runs that command headless, with no window,
// no renderer, no app:// scheme and no single-instance lock, and exits with its code. Kept free of `electron`
// so that it is tested as plain Node.
import { COMMAND_NAMES } from './cli.js';
import { HEADLESS_SWITCHES } from './agent/elevation.js';

/**
 * The CLI arguments when this launch is a headless command, else null (the desktop window).
 * `defaultApp`: Electron runs an unpackaged app as `electron <app path> ...`; the app path is not an argument.
 */
export function headlessCommand(argv: readonly string[], defaultApp: boolean): string[] | null {
  const args = argv.slice(1).filter((a) => !HEADLESS_SWITCHES.includes(a));
  if (defaultApp) args.shift();
  const first = args[0];
  if (first === undefined) return null;
  return COMMAND_NAMES.includes(first) || first === '--version' || first === '--help' ? args : null;
}
