// Copy to the clipboard: the async Clipboard API where allowed, else the selection-based fallback. What was copied
// (or that it could not be) is said in the status bar for a few seconds (useLastCopy): a copy changes nothing on
// screen, and a new user could not tell whether Ctrl+C had done anything (review of 12-06).
import { createStore, useStore } from 'zustand';
import { formatCount } from '../../shared/format.js';

/** How long the status bar says what was copied. */
export const COPY_SHOWN_MS = 3000;

export interface CopyReport {
  /** What was copied, in words: "3 rows", "the local address". */
  what: string;
  ok: boolean;
}

const copies = createStore<{ last: CopyReport | null }>(() => ({ last: null }));

/** Copies `text`, and says what it was (`what`) once it is on the clipboard, or that it could not be put there. */
export async function copyText(text: string, what = 'the text'): Promise<boolean> {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Fall through: some contexts deny clipboard-write without a permission prompt.
  }
  if (!ok) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
  }
  const last: CopyReport = { what, ok };
  copies.setState({ last });
  // News for COPY_SHOWN_MS, unless a later copy took its place.
  setTimeout(() => {
    if (copies.getState().last === last) copies.setState({ last: null });
  }, COPY_SHOWN_MS);
  return ok;
}

/** "N row(s)": what a copy of rows says it copied. */
export const rowsWord = (n: number): string => `${formatCount(n)} row${n === 1 ? '' : 's'}`;

/** The last copy while it is news (COPY_SHOWN_MS), else null. */
export function useLastCopy(): CopyReport | null {
  return useStore(copies, (s) => s.last);
}
