// File → Export… (menu, Ctrl+E, toolbar): the active tab's view as CSV, JSON or a self-contained HTML report.
// In Electron the host shows a save dialog and writes the file (the page cannot write files); in a browser
// the page downloads it.
import { useState } from 'react';
import { EXPORT_MIME, exportData, exportText, type ExportFormat, type ExportTable } from '../../shared/export.js';
import { useClient } from '../api/context.js';
import { electronBridge } from '../api/transport.js';
import { Dialog } from './Dialog.js';

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

export function ExportDialog(props: {
  tab: string;
  /** The view as the format writes it (store/exports.ts tabView). */
  view: (format: ExportFormat) => ExportTable | null;
  onClose: () => void;
}) {
  const client = useClient();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [status, setStatus] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    const table = props.view(format);
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
      title={status?.kind === 'done' ? 'Exported' : 'Export this view'}
      onClose={props.onClose}
      actions={
        <>
          <button type="button" className="primary" disabled={busy} onClick={() => void run()} data-autofocus>
            Export
          </button>
          <button type="button" onClick={props.onClose}>
            {status?.kind === 'done' ? 'Close' : 'Cancel'}
          </button>
        </>
      }
    >
      <p>
        The visible columns in their order, with the current filter and sort: every row, not only those on screen. CSV
        and JSON carry values (bytes and rates as numbers, times in ISO 8601, addresses beside their names).
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
