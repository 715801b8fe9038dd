// File → Export… (menu, Ctrl+E, toolbar): the active tab's view as CSV, JSON or a self-contained HTML report.
// In Electron the host shows a save dialog and writes the file (the page cannot write files); in a browser
// the page downloads it.
import { useEffect, useRef, useState } from 'react';
import { EXPORT_MIME, exportData, exportText, type ExportFormat, type ExportTable } from '../../shared/export.js';
import { useClient } from '../api/context.js';
import { electronBridge } from '../api/transport.js';
import { Dialog } from './Dialog.js';
import { formatCount } from '../../shared/format.js';
import { updateSettings, useSettings } from '../store/settings.js';

const FORMATS: { id: ExportFormat; label: string; hint: string }[] = [
  { id: 'csv', label: 'CSV', hint: 'values, for spreadsheets' },
  { id: 'json', label: 'JSON', hint: 'values, for scripts' },
  { id: 'html', label: 'HTML report', hint: 'as on screen, to read or share' },
];

function stamp(d: Date): string {
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Saves through the page: a Blob URL and an a[download] click. */
function download(fileName: string, text: string, format: ExportFormat): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${EXPORT_MIME[format]};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** What CSV and JSON carry as values, said of the tab's own columns (addresses and names on Connections and History
 *  alone, a chart's peaks on Interfaces: one sentence for every tab named what some had not, a new user's review). */
const VALUES_SAY: Record<string, string> = {
  connections:
    'CSV and JSON carry values (bytes and rates as numbers, times in ISO 8601, addresses beside their names).',
  history: 'CSV and JSON carry values (bytes as numbers, times in ISO 8601, addresses beside their names).',
  interfaces:
    'CSV and JSON carry values (bytes and rates as numbers; the Activity sparkline as its receive and transmit peaks).',
  statistics: 'CSV and JSON carry values (counters and their changes as numbers).',
  default: 'CSV and JSON carry values (numbers as numbers).',
};

export function ExportDialog(props: {
  tab: string;
  /** The view as the format writes it (store/exports.ts tabView), or only its selected rows. */
  view: (format: ExportFormat, selectedOnly: boolean) => ExportTable | null;
  /** How many rows are selected in the tab's grids (read when the dialog opens): with some, it offers to write those
   *  alone. */
  selection: () => number;
  /** Set to write the selected rows alone (the selection's menu: Export N rows…). */
  selectedOnly?: boolean;
  onClose: () => void;
}) {
  const client = useClient();
  // The format chosen last (kept with the settings): one who exports JSON is not reset to CSV each time.
  const format = useSettings((s) => s.exportFormat);
  const setFormat = (f: ExportFormat) => updateSettings({ exportFormat: f });
  const [selectedOnly, setSelectedOnly] = useState(props.selectedOnly ?? false);
  const [selected] = useState(props.selection);
  const [status, setStatus] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // Once a file is written, Close takes the focus (and the primary look): Enter, pressed again, wrote a second file.
  const closeButton = useRef<HTMLButtonElement>(null);
  const done = status?.kind === 'done';
  useEffect(() => {
    if (done) closeButton.current?.focus();
  }, [done]);
  const run = async () => {
    const table = props.view(format, selectedOnly && selected > 0);
    if (!table) {
      setStatus({ kind: 'error', text: 'This tab shows no table to export yet.' });
      return;
    }
    const fileName = `netlens-${props.tab}-${stamp(new Date())}.${format}`;
    const text = exportText(format, table);
    const count = exportData(table).rows.length;
    const rows = `${count} ${count === 1 ? 'row' : 'rows'}`;
    if (!electronBridge()) {
      download(fileName, text, format);
      setStatus({ kind: 'done', text: `Downloaded ${fileName} (${rows}).` });
      return;
    }
    setBusy(true);
    try {
      const r = await client.request('saveExport', { fileName, text });
      setStatus(r.path ? { kind: 'done', text: `Saved ${rows} to ${r.path}.` } : null);
    } catch (err) {
      setStatus({ kind: 'error', text: `Could not save: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={done ? 'Exported' : 'Export this view'}
      onClose={props.onClose}
      actions={
        <>
          <button
            type="button"
            className={done ? undefined : 'primary'}
            disabled={busy}
            onClick={() => void run()}
            data-autofocus
          >
            {done ? 'Export again' : 'Export'}
          </button>
          <button type="button" className={done ? 'primary' : undefined} ref={closeButton} onClick={props.onClose}>
            {done ? 'Close' : 'Cancel'}
          </button>
        </>
      }
    >
      <p>
        The visible columns in their order, with the current sort:{' '}
        {selectedOnly && selected > 0
          ? 'the selected rows alone.'
          : 'every row the filter shows, not only those on screen.'}{' '}
        {VALUES_SAY[props.tab] ?? VALUES_SAY.default}
      </p>
      <div role="radiogroup" aria-label="Format" className="export-formats">
        {FORMATS.map((f) => (
          <label key={f.id}>
            <input
              type="radio"
              name="export-format"
              value={f.id}
              checked={format === f.id}
              onChange={() => setFormat(f.id)}
            />{' '}
            {f.label} <span className="muted">{f.hint}</span>
          </label>
        ))}
      </div>
      {selected > 0 ? (
        <label className="check">
          <input type="checkbox" checked={selectedOnly} onChange={(e) => setSelectedOnly(e.target.checked)} /> Only the{' '}
          {selected === 1 ? 'selected row' : `${formatCount(selected)} selected rows`}
        </label>
      ) : null}
      {status ? (
        <div
          className={`result ${status.kind === 'done' ? 'closed' : 'failed'}`}
          role="status"
          data-export-status={status.kind}
        >
          {status.text}
        </div>
      ) : null}
    </Dialog>
  );
}
