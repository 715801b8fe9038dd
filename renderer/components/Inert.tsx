// Text from the OS or another user (process names, command lines, paths, interface names) shown so that it
// cannot spoof what is around it: control and bidi characters appear as escapes (`\u202e`, `\x1b`; the same
// shared/inert-text.ts the CLI and logs use), the text is isolated with <bdi> so that even natural
// right-to-left text cannot reorder a PID or a label next to it, and long text is clamped with the whole of
// it in the tooltip.
import { memo } from 'react';
import { cutUnits, inertText } from '../../shared/inert-text.js';

/** Tooltips get the whole text, up to this much (a 100 KB command line still has a readable tooltip). */
export const TOOLTIP_MAX = 4000;
/** A grid cell shows at most this much: more than its widest (2000 px) can show, and laying out a 100 KB
 *  command line costs Chromium about 11 ms per cell (100 characters: 0.3 ms). */
export const CELL_MAX = 1000;

export function clampText(text: string, max: number): string {
  return text.length > max ? `${cutUnits(text, max)}…` : text;
}

/** The escaped text, clamped to `max` characters, as it should go into a title or an <option>. */
export function inertLabel(text: string, max = 80): string {
  return clampText(inertText(text), max);
}

/** First-strong-isolate … pop-directional-isolate: <bdi> for places that take only text (<option>, title). */
export function isolated(text: string): string {
  return `\u2068${text}\u2069`;
}

function InertInner(props: { text: string; max?: number; className?: string }) {
  const safe = inertText(props.text);
  const max = props.max ?? Infinity;
  const clamped = safe.length > max;
  return (
    <bdi className={props.className} title={clamped || safe !== props.text ? clampText(safe, TOOLTIP_MAX) : undefined}>
      {clamped ? clampText(safe, max) : safe}
    </bdi>
  );
}

/** Memoised: a grid row whose other cells a tick changed (a socket's counters, a process's rates) draws the same
 *  names again. */
export const Inert = memo(InertInner);

/** A message made of our words and OS strings ("Terminated <name> (PID 5)"): the whole of it escaped, and
 *  each occurrence of one of `names` (escaped the same way) cut out to be isolated on its own, so that neither
 *  a control character nor right-to-left text in a name can reorder or break the words and PID around it. */
export function inertParts(text: string, names: readonly string[]): { text: string; name: boolean }[] {
  const safe = inertText(text);
  const needles = [...new Set(names.map(inertText).filter((n) => n !== ''))];
  const parts: { text: string; name: boolean }[] = [];
  let at = 0;
  while (at < safe.length) {
    let best = -1;
    let found = '';
    for (const n of needles) {
      const i = safe.indexOf(n, at);
      if (i >= 0 && (best < 0 || i < best || (i === best && n.length > found.length))) {
        best = i;
        found = n;
      }
    }
    if (best < 0) break;
    if (best > at) parts.push({ text: safe.slice(at, best), name: false });
    parts.push({ text: found, name: true });
    at = best + found.length;
  }
  if (at < safe.length) parts.push({ text: safe.slice(at), name: false });
  return parts;
}

/** A result or error message shown as inert text, with the names in it isolated (see inertParts). */
export function InertMessage(props: { text: string; names: readonly string[] }) {
  return (
    <>
      {inertParts(props.text, props.names).map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string, never reordered.
        p.name ? <bdi key={i}>{p.text}</bdi> : <span key={i}>{p.text}</span>,
      )}
    </>
  );
}
