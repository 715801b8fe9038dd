// `netlens agent --parent PID`: the privileged helper (electron/agent/README.md). NetLens starts it through
// the OS's elevation prompt or NETLENS_ELEVATE_COMMAND and talks to it over stdin and stdout; it is not meant
// to be run by hand, and refuses a terminal as its input.
import { commandError } from '../../shared/error-text.js';
import { parseArgs } from 'node:util';
import type { Command } from '../cli.js';
import { APP_VERSION } from '../app-info.js';
import { runAgent } from '../agent/agent.js';

export const agentCommand: Command = {
  summary: 'the administrator helper NetLens starts itself (a line protocol on stdin/stdout)',
  usage: 'agent --parent PID',
  async run(argv) {
    let parentPid: number | null = null;
    try {
      const { values } = parseArgs({ args: argv, options: { parent: { type: 'string' } }, allowPositionals: false });
      if (values.parent !== undefined) {
        parentPid = Number(values.parent);
        if (!Number.isSafeInteger(parentPid) || parentPid < 1)
          throw new Error(`--parent wants a pid, not ${JSON.stringify(values.parent)}`);
      }
    } catch (err) {
      console.error(commandError('agent', err));
      return 2;
    }
    if (process.stdin.isTTY) {
      console.error(
        'netlens agent: this is the helper NetLens starts for "Show all processes…" and `dump --elevate`; it speaks a line protocol on stdin and is not for use by hand',
      );
      return 2;
    }
    const code = await runAgent({ input: process.stdin, output: process.stdout, parentPid, appVersion: APP_VERSION });
    // stdin may still be open (the parent went away without closing it): leave now, not when it closes.
    process.exit(code);
  },
};
