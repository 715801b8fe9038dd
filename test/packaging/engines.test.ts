// package.json's engines field tells the truth: every Node it admits is one every tool of the build and test
// chain declares support for, except Electron's packages, whose `>= 22.12` the README explains (their
// installer works on Node 20.19+, which test/start/npm-start.test.ts shows by running it there).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };

const require = createRequire(import.meta.url);
const semver = require('semver') as { subset(a: string, b: string): boolean; satisfies(v: string, r: string): boolean };

/** Declared for Node 22.12+, shown to work on 20.19+ (README "Node versions"). */
const DOCUMENTED_EXCEPTIONS = new Set(['electron']);

describe('engines', () => {
  const ours = pkg.engines.node;

  it('admits no Node that a development dependency declares unsupported', () => {
    const narrower = Object.keys(pkg.devDependencies).flatMap((name) => {
      const manifest = JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as {
        engines?: { node?: string };
      };
      const theirs = manifest.engines?.node;
      return theirs && !semver.subset(ours, theirs) && !DOCUMENTED_EXCEPTIONS.has(name)
        ? [`${name} wants ${theirs}`]
        : [];
    });
    expect(narrower).toEqual([]);
  });

  it('admits the Node running these tests, and not the versions without require(esm) by default', () => {
    expect(semver.satisfies(process.versions.node, ours)).toBe(true);
    for (const old of ['18.20.0', '20.18.3', '21.7.0', '22.11.0', '23.5.0'])
      expect(semver.satisfies(old, ours), old).toBe(false);
  });
});
