// Test support: bundles act-once.ts with esbuild and runs it as the unprivileged user nobody.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const NOBODY = 65534;

/** How to become nobody here, or null (not root, or neither setpriv nor runuser is installed). */
export function dropPrivilegesPrefix(): string[] | null {
  if (process.getuid?.() !== 0) return null;
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
  if (setpriv) return [setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find(existsSync);
  if (runuser) return [runuser, '-u', 'nobody', '--'];
  return null;
}

export interface AsUser {
  run(method: string, params: unknown): { uid: number; result: unknown; commands: { file: string; args: string[] }[] };
  dispose(): void;
}

export async function prepareAsUser(prefix: string[]): Promise<AsUser> {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-as-user-'));
  chmodSync(dir, 0o755);
  const bundle = join(dir, 'act-once.cjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./act-once.ts', import.meta.url))],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  chmodSync(bundle, 0o644);
  const dataDir = join(dir, 'data');
  return {
    run(method, params) {
      const [file, ...args] = prefix;
      const r = spawnSync(file!, [...args, process.execPath, bundle, JSON.stringify({ method, params, dataDir })], {
        encoding: 'utf8',
        cwd: '/',
        timeout: 20_000,
      });
      if (r.status !== 0) throw new Error(`act-once failed (${String(r.status)}): ${r.stderr}`);
      return JSON.parse(r.stdout) as ReturnType<AsUser['run']>;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
