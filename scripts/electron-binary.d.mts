// Types of scripts/electron-binary.mjs for the TypeScript tests that import it.
export declare const DEFAULT_IDLE_MS: number;
export declare function idleTimeoutMs(env?: NodeJS.ProcessEnv): number;
export declare function installedElectron(pkgDir: string, env?: NodeJS.ProcessEnv): string | null;
export declare function installElectron(options: {
  pkgDir: string;
  env?: NodeJS.ProcessEnv;
  idleMs?: number;
  log?: (line: string) => void;
  pollMs?: number;
}): Promise<{ ok: true; path: string } | { ok: false; reason: string }>;
export declare function installerError(stderr: string): string | null;
export declare function unreachableWhy(env?: NodeJS.ProcessEnv): Promise<string>;
