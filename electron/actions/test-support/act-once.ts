// Test support: runs one action in a fresh process and prints its result as JSON, so a test can run the
// backend as another user (setpriv/runuser) and see what an unprivileged NetLens would answer. Every
// outside program the actions start is recorded; elevation helpers are recorded and never started.
//   node act-once.cjs '{"method":"kill","params":{...},"dataDir":"/tmp/x"}'
import { createActions } from '../index.js';
import { runCommand, type RunCommand } from '../command.js';

const ELEVATORS = /(^|\/)(pkexec|osascript|powershell(\.exe)?)$/;

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as { method: string; params: unknown; dataDir: string };
  const commands: { file: string; args: readonly string[] }[] = [];
  const run: RunCommand = async (file, args, options) => {
    commands.push({ file, args });
    if (ELEVATORS.test(file))
      return {
        code: null,
        stdout: '',
        stderr: '',
        error: Object.assign(new Error('not started by act-once'), { code: 'EPERM' }),
      };
    return runCommand(file, args, options);
  };
  const actions = createActions({ dataDir: request.dataDir, run, graceMs: 500 });
  let result: unknown;
  if (request.method === 'kill') result = await actions.kill(request.params as Parameters<typeof actions.kill>[0]);
  else if (request.method === 'closeConnection')
    result = await actions.closeConnection(request.params as Parameters<typeof actions.closeConnection>[0]);
  else if (request.method === 'capabilities') result = await actions.capabilities();
  else throw new Error(`unknown method ${request.method}`);
  process.stdout.write(`${JSON.stringify({ uid: process.getuid?.() ?? null, result, commands })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
