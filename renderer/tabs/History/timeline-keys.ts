// The activity timeline from the keyboard: it is a slider over the strip's span. The arrows move the moment a
// minute (one bar), Page Up and Page Down ten, Home and End to the span's first moment and to now; a range moves
// whole, its length kept. With Shift they move one end of a range and keep the other where the last moment chosen
// without Shift was (the anchor), as Shift extends a selection of text. A click picks a minute and Shift+click
// stretches the range to it (Timeline.tsx).

export const MINUTE = 60_000;

export interface Span {
  from: number;
  to: number;
}

/** How far each key moves the moment, in ms ("home" and "end" go to the span's ends). */
const STEPS: Record<string, number | 'home' | 'end'> = {
  ArrowLeft: -MINUTE,
  ArrowDown: -MINUTE,
  ArrowRight: MINUTE,
  ArrowUp: MINUTE,
  PageDown: -10 * MINUTE,
  PageUp: 10 * MINUTE,
  Home: 'home',
  End: 'end',
};

/** The end of a range that stays while Shift moves the other: the last moment chosen alone, while it is one of the
 *  selection's ends; else (a range typed in the From and To fields) its start. */
export function anchorOf(selection: Span, previous: number | null): number {
  return previous !== null && (previous === selection.from || previous === selection.to) ? previous : selection.from;
}

/** The selection after `key` (with Shift or not) on a timeline spanning `bounds`, or null for a key the timeline
 *  does not take. Without Shift a moment moves, or a range slides whole; with Shift the end that moves is the one
 *  that is not the anchor (a moment's only one). The result stays within the span. */
export function timelineKey(key: string, shift: boolean, selection: Span, anchor: number, bounds: Span): Span | null {
  // Its own keys only: a key named as an Object member (KeyboardEvent.key is any string a page dispatches) is not one.
  const step = Object.hasOwn(STEPS, key) ? STEPS[key] : undefined;
  if (step === undefined) return null;
  if (!shift && selection.to !== selection.from) {
    // A range slides, as long as it was, within the span.
    const length = selection.to - selection.from;
    const last = Math.max(bounds.from, bounds.to - length);
    const wanted = step === 'home' ? bounds.from : step === 'end' ? last : selection.from + step;
    const from = Math.min(last, Math.max(bounds.from, wanted));
    return { from, to: from + length };
  }
  const moving = selection.from === anchor ? selection.to : selection.from;
  const wanted = step === 'home' ? bounds.from : step === 'end' ? bounds.to : moving + step;
  const t = Math.min(bounds.to, Math.max(bounds.from, wanted));
  return shift ? { from: Math.min(anchor, t), to: Math.max(anchor, t) } : { from: t, to: t };
}
