// How the privileged helper is started: its own invocation (which depends on the host: Node for the browser
// host and the CLI, the app binary in a headless mode for Electron) behind an elevation prefix. The prefix is
// NETLENS_ELEVATE_COMMAND when set (split on spaces, never given to a shell: `sudo -n`, `doas`), else the OS's
// own prompt. Only argv arrays are built here; the OS-specific prompts that cannot pass stdin and stdout
// through (macOS, Windows) are described in README.md and not offered.
import { existsSync } from 'node:fs';
import type { Capability } from '../../shared/protocol.js';
import { linuxElevationCapability, probeLinuxElevation } from '../actions/elevate.js';
import { builtPaths } from '../paths.js';

export type ElevationPlan =
  | {
      available: true;
      prefix: string[];
      via: string;
      /** The agent's whole argv when the elevation allows no other (the deb's wrapper behind pkexec), else null:
       *  the host's own invocation follows the prefix. */
      agent: string[] | null;
    }
  | { available: false; reason: string };

export interface ElevationDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  uid: number;
  /** The Linux probe (pkexec path, polkit agent, graphical session). */
  linuxProbe?: typeof probeLinuxElevation;
  /** The packaged wrapper NetLens's polkit action names, when installed (packagedAgentWrapper). */
  agentWrapper?: string | null;
}

/**
 * The deb's agent wrapper, `<binary>-agent` beside the packaged binary (scripts/polkit-policy.cjs writes it): the
 * one program NetLens's polkit action lets pkexec run, taking the asking NetLens's pid and nothing else. Null
 * outside Electron and where it is not installed (an AppImage, a checkout: pkexec's generic action runs the
 * binary itself).
 */
export function packagedAgentWrapper(
  execPath = process.execPath,
  inElectron = Boolean(process.versions.electron),
  exists: (path: string) => boolean = existsSync,
): string | null {
  if (!inElectron) return null;
  const wrapper = `${execPath}-agent`;
  return exists(wrapper) ? wrapper : null;
}

/** NETLENS_ELEVATE_COMMAND as argv: words split on white space; quoting is not interpreted (no shell). */
export function parseElevateCommand(value: string | undefined): string[] | null {
  const words = (value ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : null;
}

export async function elevationPlan(deps: ElevationDeps): Promise<ElevationPlan> {
  const custom = parseElevateCommand(deps.env.NETLENS_ELEVATE_COMMAND);
  // Behind a command the user named (sudo, doas) the wrapper too, where installed: a sudoers rule then names the
  // wrapper, which takes one pid and nothing else; one naming the binary would need a `*` that lets any switch of
  // Chromium's through as root (an attack review of 12-06).
  const agent = () => {
    const wrapper = deps.agentWrapper === undefined ? packagedAgentWrapper() : deps.agentWrapper;
    return wrapper === null ? null : [wrapper, String(process.pid)];
  };
  if (custom) return { available: true, prefix: custom, via: custom.join(' '), agent: agent() };
  if (deps.uid === 0) return { available: false, reason: 'NetLens already runs as root and sees every process' };
  if (deps.platform === 'linux') {
    const probe = await (deps.linuxProbe ?? probeLinuxElevation)(deps.env);
    const cap: Capability = linuxElevationCapability(probe);
    if (!cap.available || probe.pkexecPath === null)
      return { available: false, reason: cap.reason ?? 'pkexec is not available' };
    return { available: true, prefix: [probe.pkexecPath], via: 'pkexec', agent: agent() };
  }
  if (deps.platform === 'darwin') {
    return {
      available: false,
      reason:
        'macOS shows every process\'s sockets to an administrator account already; otherwise set NETLENS_ELEVATE_COMMAND="sudo" (the macOS password prompt cannot pass the helper\'s input and output through)',
    };
  }
  if (deps.platform === 'win32') {
    return {
      available: false,
      reason:
        "Windows lists the owning process of every TCP and UDP socket without administrator rights; run NetLens as administrator to act on other users' processes",
    };
  }
  return { available: false, reason: `not supported on ${deps.platform}` };
}

/**
 * Chromium switches put before a headless command of the app binary (electron/headless.ts drops them from
 * its arguments): Chromium refuses to start as root without --no-sandbox (harmless: there is no renderer to
 * sandbox), and pkexec and sudo clear DISPLAY, so the headless Ozone platform keeps it from looking for one.
 */
export const HEADLESS_SWITCHES: readonly string[] = ['--no-sandbox', '--ozone-platform=headless', '--disable-gpu'];

/** The app binary (and, unpackaged, its app folder) in its headless agent mode. */
export function electronAgentInvocation(execPath: string, appPath: string | null, parentPid: number): string[] {
  return [execPath, ...HEADLESS_SWITCHES, ...(appPath ? [appPath] : []), 'agent', '--parent', String(parentPid)];
}

/**
 * How this process starts the agent. Under Node (the browser host, the CLI of a checkout or npm install): the
 * CLI script. Inside Electron (the desktop app, or the packaged binary's own headless CLI), where the
 * RunAsNode fuse is off: the binary in agent mode; an unpackaged run names its app folder, the first
 * argument after the binary that is not a switch.
 */
export function agentInvocation(parentPid = process.pid): string[] {
  if (!process.versions.electron) return [process.execPath, builtPaths.cli, 'agent', '--parent', String(parentPid)];
  const appPath = (process as NodeJS.Process & { defaultApp?: boolean }).defaultApp
    ? (process.argv.slice(1).find((a) => !a.startsWith('-')) ?? null)
    : null;
  return electronAgentInvocation(process.execPath, appPath, parentPid);
}
