// The privileged helper for one command-line run (`netlens dump DATASET --elevate`): started before the
// collectors read, stopped after. When it cannot start (no way to elevate, a refused prompt), the command says
// why on stderr and carries on with what it can see.
import { commandError } from '../../shared/error-text.js';
import type { PrivilegedOwners } from '../collectors/linux/socket-owners.js';
import { AgentClient } from './client.js';
import { agentInvocation, elevationPlan } from './elevation.js';

export interface CommandAgent {
  owners: PrivilegedOwners;
  stop(): void;
}

export async function startAgentFor(command: string): Promise<CommandAgent | null> {
  const warn = (line: string) => console.error(commandError(command, line));
  const plan = await elevationPlan({ platform: process.platform, env: process.env, uid: process.getuid?.() ?? -1 });
  if (!plan.available) {
    warn(`--elevate: ${plan.reason}`);
    return null;
  }
  const client = new AgentClient({ command: [...plan.prefix, ...(plan.agent ?? agentInvocation())], log: warn });
  try {
    await client.ready;
  } catch (err) {
    warn(
      `the administrator helper did not start (${err instanceof Error ? err.message : String(err)}); other users' processes stay unknown`,
    );
    return null;
  }
  return {
    owners: { owners: (inodes) => client.owners(inodes), available: () => client.running },
    stop() {
      client.stop();
      const n = client.stats.rejected;
      if (n > 0) warn(`dropped ${n} invalid line${n === 1 ? '' : 's'} from the administrator helper`);
    },
  };
}
