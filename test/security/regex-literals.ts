// Every regular-expression literal in a set of source files, found with the Babel parser (so a `/` in
// a string, a comment or a division is never mistaken for one). Used by the linear-regex audit.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';

export interface RegexLiteral {
  file: string;
  line: number;
  source: string;
  flags: string;
}

export function sourceFiles(root: string, dirs: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else if (/\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p) && !p.includes(`${'/'}testing${'/'}`)) out.push(p);
  };
  for (const d of dirs) visit(join(root, d));
  return out.sort();
}

export function regexLiterals(root: string, files: string[]): RegexLiteral[] {
  const found: RegexLiteral[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const ast = parse(text, {
      sourceType: 'module',
      plugins: ['typescript', ...(file.endsWith('x') ? (['jsx'] as const) : [])],
    });
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const n of node) visit(n);
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      const n = node as { type?: string; pattern?: string; flags?: string; loc?: { start: { line: number } } };
      if (n.type === 'RegExpLiteral') {
        found.push({
          file: relative(root, file),
          line: n.loc?.start.line ?? 0,
          source: n.pattern ?? '',
          flags: n.flags ?? '',
        });
      }
      for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') visit(value);
    };
    visit(ast.program);
  }
  return found;
}
