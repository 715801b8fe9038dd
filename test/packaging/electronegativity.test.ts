// @doyensec/electronegativity over the Electron side (electron/) and the renderer (renderer/): no HIGH or
// MEDIUM finding unless docs/security-findings.md lists it with a reason. Electronegativity exits 0 whatever
// it finds, so the test reads its CSV report.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const scanner = join(import.meta.dirname, 'electronegativity-scan.cjs');
const electronVersion = (require('electron/package.json') as { version: string }).version;
// Whether a newer Electron has security fixes needs the network (the release list); it is not a finding
// about our code, and keeping Electron current is a dependency update.
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
}

// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readReport(csv: string): Finding[] {
  const [header, ...rows] = parseCsv(readFileSync(csv, 'utf8'));
  const columns = (header ?? []).map((name) => name.trim());
  expect(columns.slice(0, 6)).toEqual(['issue', 'severity', 'confidence', 'filename', 'location', 'sample']);
  return rows.map((cells) => ({
    issue: cells[0] ?? '',
    severity: cells[1] ?? '',
    confidence: cells[2] ?? '',
    file: cells[3] ?? '',
    location: cells[4] ?? '',
    sample: cells[5] ?? '',
  }));
}

let work = '';
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function workDir(): string {
  work ||= mkdtempSync(join(tmpdir(), 'netlens-electronegativity-'));
  return work;
}

// Scans one folder; returns its findings, and fails on any file the scanner could not parse (a file it did
// not check) or a report that lost rows.
function scan(input: string, name: string): Finding[] {
  const csv = join(workDir(), `${name}.csv`);
  const result = spawnSync(process.execPath, [scanner, input, csv, electronVersion, EXCLUDED_CHECKS.join(',')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `electronegativity failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as {
    issues: number;
    errors: { file: string; message: string; tolerable: boolean }[];
  };
  const unparsed = summary.errors.filter((error) => !error.tolerable);
  expect(unparsed, 'files electronegativity could not parse, so did not check').toEqual([]);
  const findings = readReport(csv);
  expect(findings).toHaveLength(summary.issues);
  return findings;
}

interface Accepted {
  issue: string;
  file: string;
  reason: string;
}

// docs/security-findings.md: a table whose rows are | CHECK_ID | file (or "global") | severity | reason |.
function acceptedFindings(): Accepted[] {
  const text = readFileSync(join(root, 'docs/security-findings.md'), 'utf8');
  const accepted: Accepted[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim().replace(/^`|`$/g, ''));
    const [, issue, file, , reason] = cells;
    if (issue && /^[A-Z][A-Z0-9_]+$/.test(issue) && file) {
      accepted.push({ issue, file: file === 'global' ? 'N/A' : file, reason: reason ?? '' });
    }
  }
  return accepted;
}

const isAccepted = (finding: Finding, accepted: Accepted[]) =>
  accepted.some((a) => a.issue === finding.issue && a.file === finding.file);
const describeFinding = (f: Finding) => `${f.issue} ${f.severity}/${f.confidence} ${f.file}:${f.location} ${f.sample}`;

describe('electronegativity', () => {
  it('finds the classic mistakes in a deliberately unsafe window (so the scan below can fail)', () => {
    const input = join(workDir(), 'unsafe');
    mkdirSync(join(input, 'electron'), { recursive: true });
    // TypeScript on purpose: the project's sources are TypeScript, and the scanner must parse them.
    writeFileSync(
      join(input, 'electron', 'main.ts'),
      [
        "import { BrowserWindow } from 'electron';",
        'type Prefs = { nodeIntegration: boolean };',
        'export function open(url: string): BrowserWindow {',
        '  const win = new BrowserWindow({',
        '    webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false },',
        '  });',
        '  void win.loadURL(url);',
        '  return win;',
        '}',
        'export const prefs = { nodeIntegration: true } satisfies Prefs;',
        '',
      ].join('\n'),
    );
    const blocking = scan(input, 'unsafe').filter((f) => BLOCKING.has(f.severity));
    const issues = new Set(blocking.map((f) => f.issue));
    const expected = [
      'CONTEXT_ISOLATION_JS_CHECK',
      'SANDBOX_JS_CHECK',
      'WEB_SECURITY_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
    ];
    for (const issue of expected) expect(issues, issue).toContain(issue);
    expect(blocking.every((f) => f.file === 'electron/main.ts' || f.file === 'N/A')).toBe(true);
  });

  describe('on electron/ and renderer/', () => {
    let findings: Finding[] = [];
    const scanProject = () => {
      for (const entry of ['electron/main.ts', 'electron/preload.ts', 'renderer/index.html']) {
        expect(existsSync(join(root, entry)), `${entry} must exist to be scanned`).toBe(true);
      }
      // One scan over both folders, so the global checks (CSP, navigation, permission handler) see the whole
      // app, as they would in its asar. Tests are left out: they never ship, and their mocks are not the app.
      const input = join(workDir(), 'project');
      for (const dir of ['electron', 'renderer']) {
        cpSync(join(root, dir), join(input, dir), {
          recursive: true,
          filter: (source) => !/\.test\.tsx?$/.test(source) && !source.split(/[\\/]/).includes('node_modules'),
        });
      }
      findings = scan(input, 'project');
    };

    it('reports no HIGH or MEDIUM finding that docs/security-findings.md does not accept', () => {
      scanProject();
      const accepted = acceptedFindings();
      const unaccepted = findings.filter((f) => BLOCKING.has(f.severity) && !isAccepted(f, accepted));
      expect(unaccepted.map(describeFinding)).toEqual([]);
    });

    it('accepts only findings that still occur, each with a reason', () => {
      if (findings.length === 0) scanProject();
      for (const a of acceptedFindings()) {
        expect(a.reason.length, `${a.issue} ${a.file} needs a reason`).toBeGreaterThan(20);
        expect(
          findings.some((f) => f.issue === a.issue && f.file === a.file && BLOCKING.has(f.severity)),
          `${a.issue} in ${a.file} no longer occurs: remove it from docs/security-findings.md`,
        ).toBe(true);
      }
    });
  });
});
