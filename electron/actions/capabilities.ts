// What this OS and privilege level let NetLens do, so the UI can disable a menu item and say why instead
// of offering something that will fail.
import type { Capabilities, Capability } from '../../shared/protocol.js';
import type { RunCommand } from './command.js';
import {
  DARWIN_CLOSE_REASON,
  linuxCloseCapability,
  windowsCloseCapability,
  type LinuxCloseSupport,
} from './close-connection.js';

const SUPPORTED: readonly NodeJS.Platform[] = ['linux', 'darwin', 'win32'];

export function killCapability(platform: NodeJS.Platform): Capability {
  return SUPPORTED.includes(platform)
    ? { available: true, reason: null }
    : { available: false, reason: `not supported on ${platform}` };
}

export interface CapabilityDeps {
  platform: NodeJS.Platform;
  run: RunCommand;
  elevation: () => Promise<Capability>;
  linuxSupport: () => Promise<LinuxCloseSupport>;
}

export async function closeCapability(deps: CapabilityDeps): Promise<Capability> {
  if (deps.platform === 'linux') return linuxCloseCapability(await deps.linuxSupport());
  if (deps.platform === 'win32') return windowsCloseCapability(deps.run);
  if (deps.platform === 'darwin') return { available: false, reason: DARWIN_CLOSE_REASON };
  return { available: false, reason: `not supported on ${deps.platform}` };
}

export async function readCapabilities(deps: CapabilityDeps): Promise<Capabilities> {
  const [killElevated, closeConnection] = await Promise.all([deps.elevation(), closeCapability(deps)]);
  return { kill: killCapability(deps.platform), killElevated, closeConnection };
}

/** Remembers an async answer: forever (ttlMs = Infinity) or for a while; a failed probe is retried. */
export function cached<T>(probe: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let value: Promise<T> | null = null;
  let at = 0;
  return () => {
    if (value === null || now() - at > ttlMs) {
      at = now();
      const p = probe();
      value = p;
      p.catch(() => {
        if (value === p) value = null;
      });
    }
    return value;
  };
}
