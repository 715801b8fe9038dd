// `netlens dump <dataset> [--json]`: one reading of a collector, as netstat would print it or as the typed
// rows the UI receives.
import { parseArgs } from 'node:util';
import { DATASETS, type Dataset, type Diagnostics } from '../../shared/types.js';
import type { Command } from '../cli.js';
import { createCollectors } from '../collectors/index.js';
import { formatRows } from './text-table.js';

function isDataset(s: string | undefined): s is Dataset {
  return (DATASETS as readonly string[]).includes(s ?? '');
}

function describeDiagnostics(d: Diagnostics): string[] {
  const lines: string[] = [];
  if (d.skipped > 0) lines.push(`skipped ${d.skipped} unreadable line${d.skipped === 1 ? '' : 's'}`);
  for (const s of d.samples) lines.push(`  ${s.source}: ${s.reason}: ${s.line}`);
  for (const m of d.missing) lines.push(`${m.source}: ${m.reason}`);
  lines.push(...d.notes);
  return lines;
}

export const dumpCommand: Command = {
  summary: 'print what a collector sees now (netstat-style table, or --json rows)',
  usage: `dump <${DATASETS.join('|')}> [--json]`,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true });
    } catch (err) {
      console.error(`netlens dump: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
    const [dataset, ...extra] = parsed.positionals;
    if (!isDataset(dataset) || extra.length > 0) {
      console.error(`Usage: netlens ${dumpCommand.usage}`);
      return 2;
    }
    const collectors = createCollectors();
    try {
      const result = await collectors[dataset].read();
      process.stdout.write(
        parsed.values.json ? `${JSON.stringify(result.rows, null, 2)}\n` : `${formatRows(dataset, result.rows)}\n`,
      );
      for (const line of describeDiagnostics(result.diagnostics)) console.error(`netlens dump: ${line}`);
      return 0;
    } finally {
      for (const c of Object.values(collectors)) c.dispose?.();
    }
  },
};
