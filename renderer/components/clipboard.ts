// Copy to the clipboard: the async Clipboard API where allowed, else the selection-based fallback. What was copied
// (or that it could not be) is said in the status bar for a few seconds (useLastCopy): a copy changes nothing on
// screen, and a new user could not tell whether Ctrl+C had done anything (review of 12-06).
import { useEffect, useState } from 'react';
import { createStore, useStore } from 'zustand';

/** How long the status bar says what was copied. */
export const COPY_SHOWN_MS = 3000;

export interface CopyReport {
  /** What was copied, in words: "3 rows", "the local address". */
  what: string;
  ok: boolean;
  at: number;
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
  copies.setState({ last: { what, ok, at: Date.now() } });
  return ok;
}

/** "N row(s)": what a copy of rows says it copied. */
export const rowsWord = (n: number): string => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

/** The last copy while it is news (COPY_SHOWN_MS), else null. */
export function useLastCopy(): CopyReport | null {
  const last = useStore(copies, (s) => s.last);
  const [, expire] = useState(0);
  const fresh = last !== null && Date.now() - last.at < COPY_SHOWN_MS;
  useEffect(() => {
    if (!fresh || last === null) return;
    const timer = setTimeout(() => expire((n) => n + 1), last.at + COPY_SHOWN_MS - Date.now() + 10);
    return () => clearTimeout(timer);
  }, [fresh, last]);
  return fresh ? last : null;
}
