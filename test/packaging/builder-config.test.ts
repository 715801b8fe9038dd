// electron-builder.yml against app-builder-lib's own schema (the one a real build validates with), without
// building anything; plus the icon files the config points at.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

type Config = Record<string, unknown> & {
  electronFuses?: Record<string, boolean>;
  files?: unknown;
  linux?: Record<string, unknown>;
};

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Config>;
  validateConfiguration(config: Config, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const loadConfig = () => getConfig(root, join(root, 'electron-builder.yml'), null);
const validate = (config: Config) => validateConfiguration(config, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it('passes app-builder-lib validateConfiguration', async () => {
    await expect(validate(await loadConfig())).resolves.toBeUndefined();
  });

  it('is rejected with an unknown key, at the top or nested (so the check above can fail)', async () => {
    const config = await loadConfig();
    await expect(validate({ ...config, bogusOption: true })).rejects.toThrow(/unknown property 'bogusOption'/);
    // A misspelt fuse would silently leave that fuse at Electron's default.
    await expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).rejects.toThrow(
      /configuration\.electronFuses/,
    );
  });

  it('hardens every fuse that lets other code run as NetLens', async () => {
    const { electronFuses } = await loadConfig();
    expect(electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("signs the macOS app with JIT allowed and nothing else, not electron-builder's template", async () => {
    const config = await loadConfig();
    const mac = config.mac as Record<string, string>;
    for (const file of [mac.entitlements!, mac.entitlementsInherit!]) {
      const text = readFileSync(join(root, file), 'utf8');
      const keys = [...text.matchAll(/<key>([^<]*)<\/key>/g)].map((m) => m[1]);
      expect(keys, file).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('packs only the build output and package.json, and unpacks nothing from the asar', async () => {
    const config = await loadConfig();
    // getConfig normalises `files` to [{ filter: [...] }].
    const sets = config.files as { from?: string; to?: string; filter: string[] }[];
    expect(sets).toHaveLength(1);
    expect(sets[0]?.from ?? '.').toBe('.');
    const include = (sets[0]?.filter ?? []).filter((pattern) => !pattern.startsWith('!'));
    expect(include.sort()).toEqual(['out/**', 'package.json']);
    // Anything unpacked would sit outside the asar integrity check.
    expect(config.asarUnpack).toBeUndefined();
    expect(config.asar).not.toBe(false);
  });
});

// Reads width and height from a PNG's IHDR chunk.
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1'), `${file} is not a PNG`).toBe('PNG');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('icons', () => {
  it('has an SVG source and a PNG of the size its name says for every Linux size from 16 to 1024', () => {
    expect(readFileSync(join(root, 'assets/icon.svg'), 'utf8')).toMatch(/<svg[\s>]/);
    const dir = join(root, 'assets/icons');
    const names = readdirSync(dir).filter((name) => name.endsWith('.png'));
    const sizes = names.map((name) => Number(/^(\d+)x\1\.png$/.exec(name)?.[1] ?? NaN)).sort((a, b) => a - b);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
    for (const size of sizes) expect(pngSize(join(dir, `${size}x${size}.png`))).toEqual({ width: size, height: size });
  });

  it('has a 1024 px assets/icon.png for the macOS and Windows conversions', () => {
    // electron-builder needs at least 512 px to make an .icns, and 256 px for an .ico.
    expect(pngSize(join(root, 'assets/icon.png'))).toEqual({ width: 1024, height: 1024 });
  });
});
