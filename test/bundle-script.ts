// A one-off script bundled as the app's code is (esbuild, CommonJS), for tests that run a piece of NetLens in a
// process of its own (a namespace, a process that must exit by itself). Test support only.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Writes `source` as `<name>.ts` in `dir`, bundles it, and returns the bundle's path. */
export async function bundleScript(dir: string, name: string, source: string): Promise<string> {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const bundle = join(dir, `${name}.cjs`);
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
  });
  return bundle;
}
