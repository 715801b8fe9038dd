// `netlens dump <dataset> [--format table|json|csv] [--elevate] [--host DEST [--ssh-config FILE]]`: one
// reading of a collector, as netstat would print it, as the typed rows the UI receives (--json is short for
// --format json), or as CSV (the rows flattened, one column per field, safe to open in a spreadsheet);
// --elevate asks the privileged helper for other users' processes; --host reads a remote Linux host over ssh
// instead (electron/remote/).
import { commandError } from '../../shared/error-text.js';
import { jsonArrayPieces, writePieces } from './json-pieces.js';
import { parseArgs } from 'node:util';
import { connectionNames, serviceIndex } from '../../shared/names.js';
import {
  DATASETS,
  type AnyRow,
  type Connection,
  type Dataset,
  type Diagnostics,
  type NameEntry,
} from '../../shared/types.js';
import type { Command } from '../cli.js';
import { createCollectors } from '../collectors/index.js';
import { formatRows } from './text-table.js';
import { startAgentFor } from '../agent/for-command.js';
import { checkDestination, RemoteHost, remoteCollectors } from '../remote/host.js';
import { csvLines, flattenRows } from '../../shared/export.js';
import { connectionSelection, SELECTION_OPTIONS, SELECTION_USAGE, selects } from './netstat-selection.js';

const FORMATS = ['table', 'json', 'csv'] as const;
type DumpFormat = (typeof FORMATS)[number];
import { DNS_SERVER_OPTION, DNS_SERVER_USAGE, dnsServerOption } from './names-options.js';
import { NamesCollector } from '../collectors/names/index.js';
import { tableVocabulary } from '../collectors/names/services.js';
import type { HostResolver } from '../collectors/names/resolver.js';

function isDataset(s: string | undefined): s is Dataset {
  return (DATASETS as readonly string[]).includes(s ?? '');
}

/** parseArgs' complaint in our words: an unknown option named (inert), with what dump takes, not Node's advice
 *  about positionals. */
function optionError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Unknown option '([^']{1,64})'/.exec(message);
  if (!unknown) return message;
  // (The pattern takes at most 64 characters of it; commandError makes the whole line inert.)
  return `unknown option ${unknown[1]} (connections are chosen with netstat's -t -u -w -x -4 -6 -l -a, and --filter QUERY in the Connections tab's filter language; -n and -p are taken and change nothing: see netlens --help)`;
}

function describeDiagnostics(d: Diagnostics): string[] {
  const lines: string[] = [];
  if (d.skipped > 0) lines.push(`skipped ${d.skipped} unreadable line${d.skipped === 1 ? '' : 's'}`);
  for (const s of d.samples) lines.push(`  ${s.source}: ${s.reason}: ${s.line}`);
  for (const m of d.missing) lines.push(`${m.source}: ${m.reason}`);
  lines.push(...d.notes);
  return lines;
}

export const dumpCommand = {
  summary: 'print what a collector sees now (netstat-style table, JSON rows or CSV)',
  usage: `dump <${DATASETS.join('|')}> [connections: ${SELECTION_USAGE}] [--format ${FORMATS.join('|')}] [--json] [--elevate] [--host DEST] [--ssh-config FILE] [--resolve [--fqdn]] ${DNS_SERVER_USAGE}`,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        options: {
          json: { type: 'boolean' },
          format: { type: 'string' },
          elevate: { type: 'boolean' },
          host: { type: 'string' },
          'ssh-config': { type: 'string' },
          resolve: { type: 'boolean' },
          fqdn: { type: 'boolean' },
          ...DNS_SERVER_OPTION,
          ...SELECTION_OPTIONS,
        },
        allowPositionals: true,
      });
    } catch (err) {
      console.error(commandError('dump', optionError(err)));
      return 2;
    }
    const [dataset, ...extra] = parsed.positionals;
    const requested = parsed.values.format ?? (parsed.values.json ? 'json' : 'table');
    if (!(FORMATS as readonly string[]).includes(requested) || (parsed.values.json && requested !== 'json')) {
      console.error(
        `netlens dump: --format is one of ${FORMATS.join(', ')}${parsed.values.json ? ' (and --json means json)' : ''}`,
      );
      return 2;
    }
    const format = requested as DumpFormat;
    if (!isDataset(dataset) || extra.length > 0) {
      console.error(`Usage: netlens ${dumpCommand.usage}`);
      return 2;
    }
    if (dataset !== 'connections' && selects(parsed.values)) {
      console.error(`netlens dump: ${SELECTION_USAGE} choose sockets: they go with dump connections`);
      return 2;
    }
    const { host, 'ssh-config': sshConfig, elevate } = parsed.values;
    const bad =
      host === undefined
        ? sshConfig === undefined
          ? null
          : '--ssh-config goes with --host'
        : elevate
          ? '--elevate is for this machine; on a remote host log in as root or allow sudo -n ss'
          : checkDestination(host);
    if (bad) {
      console.error(commandError('dump', bad));
      return 2;
    }
    const server = dnsServerOption(parsed.values['dns-server']);
    if (typeof server === 'string') {
      console.error(commandError('dump', server));
      return 2;
    }
    // Numeric unless --resolve, as netstat -n; one reading waits for every name it asked (each query has a
    // timeout), with a queue long enough for all of them.
    const resolve = parsed.values.resolve === true;
    const names = resolve ? NamesCollector.withResolver({ server, maxQueue: 65_536 }) : new NamesCollector();
    names.configure({ resolve, dnsServer: null });
    const remote =
      host === undefined
        ? null
        : new RemoteHost({ destination: host, sshConfig, intervalMs: 1000, frames: 1, reconnect: false });
    const agent = elevate ? await startAgentFor('dump') : null;
    const collectors = remote
      ? remoteCollectors(remote)
      : createCollectors(process.platform, { names, ...(agent ? { privilegedOwners: agent.owners } : {}) });
    // Connections carry their traffic (bytes, TCP health; null where the OS keeps none).
    if (dataset === 'connections' || dataset === 'processes') collectors.connections.setExtras?.(['traffic']);
    try {
      // Names describe the connections of the read before them: read those first.
      const connections = dataset === 'connections' || dataset === 'names' ? await collectors.connections.read() : null;
      let named = connections ? await collectors.names.read() : null;
      if (named && resolve && names.book.hosts) {
        await (names.book.hosts as HostResolver).settle();
        named = await collectors.names.read();
      }
      const result =
        dataset === 'connections' ? connections! : dataset === 'names' ? named! : await collectors[dataset].read();
      let rows: AnyRow[] = result.rows;
      const lookup = new Map<string, NameEntry>((named?.rows ?? []).map((e) => [e.id, e]));
      // A service name in --filter is checked against this machine's database (a remote's names are its own).
      const services = () => (remote ? null : serviceIndex(tableVocabulary(names.book.serviceTable())));
      const selection = dataset === 'connections' ? connectionSelection(parsed.values, lookup, services()) : null;
      if (typeof selection === 'string') {
        console.error(commandError('dump', selection));
        return 2;
      }
      if (selection) rows = (rows as Connection[]).filter(selection.keep);
      if (dataset === 'connections' && format !== 'table') {
        rows = (rows as Connection[]).map((r) => ({ ...r, ...connectionNames(lookup, r) }));
      }
      if (dataset === 'connections' && named) result.diagnostics.notes.push(...describeDiagnostics(named.diagnostics));
      // JSON and CSV a row at a time (json-pieces.ts): one string of a large table could not be made.
      if (format === 'csv') {
        const flat = flattenRows(rows);
        await writePieces(process.stdout, csvLines(flat.columns, flat.rows));
      } else if (format === 'json') {
        await writePieces(process.stdout, jsonArrayPieces(rows, '\n'));
      } else {
        process.stdout.write(
          `${formatRows(dataset, rows as never, resolve ? { names: lookup, fqdn: parsed.values.fqdn === true } : undefined, selection?.heading)}\n`,
        );
      }
      for (const line of describeDiagnostics(result.diagnostics)) console.error(commandError('dump', line));
      return 0;
    } catch (err) {
      // A remote host that cannot be read (refused key, no route, not Linux) is a message, not a crash.
      if (!remote) throw err;
      // Its words carry the remote's own output (C1 controls too, decoded as latin1): inert on the terminal.
      console.error(commandError('dump', err));
      return 1;
    } finally {
      for (const c of Object.values(collectors)) c.dispose?.();
      agent?.stop();
      await remote?.close();
    }
  },
} satisfies Command;
