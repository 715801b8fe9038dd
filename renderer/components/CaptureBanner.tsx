// Shown above a tab that displays an opened capture instead of live data.
import type { OpenCapture } from '../store/capture.js';
import { captureStore } from '../store/capture.js';
import { Inert } from './Inert.js';

export function CaptureBanner({ capture }: { capture: OpenCapture }) {
  const notes = capture.diagnostics.notes.join(' ');
  return (
    <section className="capture-banner" aria-label="Capture">
      {/* The label is "file (format)": the banner names the file, then the format once. */}
      <strong data-testid="capture-label">
        <Inert text={capture.fileName} max={120} />
      </strong>
      <span className="muted">
        {' '}
        · {capture.format} · read-only
        {capture.diagnostics.skipped
          ? ` · ${capture.diagnostics.skipped} line${capture.diagnostics.skipped === 1 ? '' : 's'} skipped`
          : ''}
      </span>
      {notes ? (
        <span className="muted">
          {' '}
          · <Inert text={notes} />
        </span>
      ) : null}
      <div className="toolbar-spacer" />
      <button type="button" className="small" onClick={() => captureStore.getState().close()}>
        Back to live data
      </button>
    </section>
  );
}
