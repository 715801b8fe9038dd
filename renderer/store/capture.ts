// An opened capture file (saved netstat, ss, ip or route output from any machine), shown read-only in the
// tab that matches its rows. The Node side detects the format and parses it with the same parsers as the
// live collectors.
import { createStore, useStore } from 'zustand';
import { MAX_CAPTURE_BYTES, type CaptureResult } from '../../shared/protocol.js';
import { tabOf } from '../../shared/tabs.js';
import type { NetlensClient } from '../api/client.js';
import { endNotices, pushNotice } from './data.js';
import { updateSettings } from './settings.js';

export interface OpenCapture extends CaptureResult {
  fileName: string;
}

interface CaptureState {
  capture: OpenCapture | null;
  open(client: NetlensClient, file: File): Promise<void>;
  close(): void;
}

export const captureStore = createStore<CaptureState>((set) => ({
  capture: null,
  async open(client: NetlensClient, file: File) {
    if (file.size > MAX_CAPTURE_BYTES) {
      pushNotice(
        'error',
        'capture',
        `${file.name} is too large to open (${Math.round(file.size / 1048576)} MiB; the limit is ${MAX_CAPTURE_BYTES / 1048576} MiB).`,
      );
      return;
    }
    try {
      const text = await file.text();
      const result = await client.request('parseCapture', { name: file.name, text });
      set({ capture: { ...result, fileName: file.name } });
      updateSettings({ activeTab: tabOf(result.dataset) });
      const skipped = result.diagnostics.skipped;
      pushNotice(
        'info',
        'capture',
        `Opened ${file.name}: ${result.rows.length} row${result.rows.length === 1 ? '' : 's'} of ${result.format}${skipped ? `, ${skipped} line${skipped === 1 ? '' : 's'} skipped` : ''}.`,
      );
    } catch (err) {
      // "…not recognised. Supported formats:\n  id: description\n…": one sentence, the list on demand.
      const message = err instanceof Error ? err.message : String(err);
      const [sentence = message, list] = message.split(/\s*Supported formats:\n/);
      const items = list
        ? list
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean)
        : [];
      pushNotice(
        'error',
        'capture',
        `Could not open ${file.name}: ${sentence}`,
        items.length ? { summary: `Formats NetLens can open (${items.length})`, items } : undefined,
      );
    }
  },
  close() {
    set({ capture: null });
    // "Opened …" is no longer true at live data (a failure to open one stays: it was not shown).
    endNotices('capture', 'info');
  },
}));

export function useCapture(): OpenCapture | null {
  return useStore(captureStore, (s) => s.capture);
}

let input: HTMLInputElement | null = null;

/** File → Open capture… (menu, Ctrl+O, toolbar): the page's own file picker, in Electron and browsers alike. */
export function openCaptureFile(client: NetlensClient): void {
  if (!input) {
    input = document.createElement('input');
    input.type = 'file';
    input.accept = '.txt,.out,.log,.json,text/plain';
    input.style.display = 'none';
    input.setAttribute('data-testid', 'capture-input');
    input.addEventListener('change', () => {
      const file = input?.files?.[0];
      if (file) void captureStore.getState().open(client, file);
      if (input) input.value = '';
    });
    document.body.appendChild(input);
  }
  input.click();
}
