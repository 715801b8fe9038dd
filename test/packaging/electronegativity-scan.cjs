// Runs @doyensec/electronegativity's scanner on one folder and writes its CSV report; used by
// electronegativity.test.ts. Its CLI with `-o` drops the list of files it failed to parse (a file it cannot
// parse is a file it did not check), so this calls the same `run` the CLI calls and prints, as one JSON line,
// how many issues it wrote and which files it could not parse.
//   node test/packaging/electronegativity-scan.cjs <input dir> <report.csv> <electron version> [excluded checks]
// Three fixes for how it runs here, none touching what it checks:
// 1. npm hoists its parser, @typescript-eslint/typescript-estree 4.x, to the top of node_modules, where
//    `require('typescript')` finds the project's TypeScript 7: a native compiler with no JavaScript API, so the
//    parser crashes on load. Electronegativity ships the TypeScript 4.2 it was built with in its own
//    node_modules; the parser's `typescript` requests go there.
// 2. It fetches translations and Electron's release list with `got` (the latter with no timeout, so it can
//    hang on a network that drops packets). Tests make no network requests: every `got` call fails at once,
//    which it already handles as "offline" (English messages; the release check is excluded by the caller).
// 3. It writes the report's header and its rows with two fs.writeFile calls it does not wait for, the first
//    truncating ('w'), the second appending ('a'); when the append lands first, the rows are lost and the
//    report looks clean. Writes to the report are made synchronous, so they land in the order it made them.
'use strict';
const Module = require('node:module');
const { dirname, sep } = require('node:path');

const electronegativityDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
const offline = () => Promise.reject(new Error('network disabled in NetLens tests'));
const gotStub = Object.assign(offline, { head: offline, get: offline, stream: offline, extend: () => gotStub });
const gotStubPath = `${__filename}#got-offline`;
require.cache[gotStubPath] = Object.assign(new Module(gotStubPath), { loaded: true, exports: gotStub });

const inside = (parent, dir) => Boolean(parent?.filename?.includes(`${sep}${dir}${sep}`));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  if (inside(parent, '@typescript-eslint') && (request === 'typescript' || request.startsWith('typescript/'))) {
    return resolveFilename.call(this, request, parent, isMain, { paths: [electronegativityDir] });
  }
  if (request === 'got' && inside(parent, 'electronegativity')) return gotStubPath;
  return resolveFilename.call(this, request, parent, isMain, options);
};

const [input, output, electronVersion, exclude = ''] = process.argv.slice(2);
if (!input || !output || !electronVersion) {
  console.error('usage: electronegativity-scan.cjs <input dir> <report.csv> <electron version> [excluded checks]');
  process.exit(2);
}

const fs = require('node:fs');
const { resolve } = require('node:path');
const writeFile = fs.writeFile;
fs.writeFile = function (file, data, options, callback, ...more) {
  if (typeof file !== 'string' || resolve(file) !== resolve(output))
    return writeFile.call(this, file, data, options, callback, ...more);
  const done = typeof options === 'function' ? options : callback;
  try {
    fs.writeFileSync(file, data, typeof options === 'function' ? undefined : options);
    process.nextTick(done, null);
  } catch (error) {
    process.nextTick(done, error);
  }
};

const electronegativity = require('@doyensec/electronegativity');
const run = electronegativity.default ?? electronegativity;
run(
  {
    input,
    output,
    isSarif: false,
    customScan: [],
    excludeFromScan: exclude
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  },
  false,
).then(
  (result) => {
    // The report is written with un-awaited fs.writeFile calls; print once they have landed.
    process.once('beforeExit', () => {
      const errors = result.errors.map((e) => ({ file: e.file, message: e.message, tolerable: e.tolerable }));
      console.log(JSON.stringify({ issues: result.issues.length, errors }));
    });
  },
  (error) => {
    console.error(error?.stack ? error.stack : String(error));
    process.exit(1);
  },
);
