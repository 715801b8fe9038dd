// A long name cut in the middle, not at its end, when its column is too narrow: names alike at their start
// ("npm exec @playw", "npm exec typesc": four rows of "npm exec …" in a new user's review of 12-03) differ at
// their end. The head takes the ellipsis and keeps its first letters, the tail shows its end; the cut cell's tooltip
// has the whole text.
import { inertText } from '../../shared/inert-text.js';
import { memo } from 'react';
import { CELL_MAX, clampText, Inert, TOOLTIP_MAX } from './Inert.js';

/** Names longer than this are cut in the middle when their column is too narrow, not at their end. */
const MIDDLE_CUT_FROM = 10;
/** How much of a long name's end stays on screen however narrow the column. */
const TAIL_CHARS = 12;

/**
 * A long (escaped) name as the head a narrow column may cut with "…" and the tail it always shows: names alike at
 * their start ("npm exec @playwright/mcp", "npm exec vite", four rows of "npm exec …" in a new user's review of
 * 12-03) differ at their end. Null for a short name (drawn whole). Cut between code points, never in a pair.
 */
export function middleCut(text: string): { head: string; tail: string } | null {
  const chars = Array.from(text);
  if (chars.length <= MIDDLE_CUT_FROM) return null;
  const at = chars.length - Math.min(TAIL_CHARS, Math.floor(chars.length / 2));
  return { head: chars.slice(0, at).join(''), tail: chars.slice(at).join('') };
}

/** An OS string drawn as Inert draws it (escaped, isolated, clamped to CELL_MAX with the whole escaped text as its
 *  title where clamped or escaped), a long one cut in the middle; `more` (our words: "+1", how many more names) after
 *  it, outside its isolation, never cut: the name gives way. */
function MiddleCutInner(props: { text: string; more?: string | undefined }) {
  const name = <CutName text={props.text} />;
  if (props.more === undefined) return name;
  return (
    <span className="mid-more-of">
      {name}
      <span className="mid-more"> {props.more}</span>
    </span>
  );
}

function CutName(props: { text: string }) {
  const safe = inertText(props.text);
  // Clamped before it is cut: a name of a megabyte (a remote host's, a capture's) is not split code point by code
  // point at each render, nor drawn whole.
  const cut = middleCut(clampText(safe, CELL_MAX));
  if (!cut) return <Inert text={props.text} />;
  return (
    <bdi
      className="mid-cut"
      title={safe.length > CELL_MAX || safe !== props.text ? clampText(safe, TOOLTIP_MAX) : undefined}
    >
      <span className="mid-head">{cut.head}</span>
      {/* Cut at its start where even the tail does not fit (styles.css): its text kept left to right inside. */}
      <span className="mid-tail">
        <bdi dir="ltr">{cut.tail}</bdi>
      </span>
    </bdi>
  );
}

/** Memoised: a grid row whose other cells a tick changed (a process's rates) draws the same name again. */
export const MiddleCut = memo(MiddleCutInner);
