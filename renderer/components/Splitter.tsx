// The handle between a side pane and what is beside it: drag it, or focus it and use the arrow keys (Shift for
// bigger steps), Home and End; a double click or Enter gives the pane back its default width. While a drag lasts
// the pane's width is set on its element alone (no render of the tab and its grids at each pointer move); the
// width is handed to `onResize` when the drag ends, and by each key.
import { type KeyboardEvent, type PointerEvent, useRef, useState } from 'react';

/** The least a side pane may be; the most leaves `keep` px to what is beside it. */
export const PANE_MIN = 240;

/** What the pane's width is: the user's within its bounds, else the CSS default (null). */
export function paneWidthStyle(width: number | null, keep: number): string | undefined {
  return width === null ? undefined : `clamp(${PANE_MIN}px, ${Math.round(width)}px, calc(100% - ${keep}px))`;
}

/** A width within the pane's bounds, for a container `room` px wide. */
export function boundedWidth(width: number, room: number, keep: number): number {
  return Math.round(Math.max(PANE_MIN, Math.min(width, room - keep)));
}

export function Splitter(props: {
  /** The pane's element id (aria-controls); the pane is the element right before the handle. */
  controls: string;
  label: string;
  /** Room kept for what is beside the pane. */
  keep: number;
  /** The width the pane is rendered with (null: its CSS default). */
  width: number | null;
  onResize: (width: number | null) => void;
}) {
  const { onResize, keep } = props;
  const drag = useRef<{ startX: number; startWidth: number; width: number } | null>(null);
  // Shown to assistive technology: the pane's width as last set or measured.
  const [now, setNow] = useState<{ width: number; max: number } | null>(null);

  const measure = (handle: HTMLElement) => {
    const pane = handle.previousElementSibling as HTMLElement | null;
    const room = handle.parentElement?.getBoundingClientRect().width ?? 0;
    const width = pane?.getBoundingClientRect().width ?? 0;
    return { pane, width, max: Math.max(PANE_MIN, Math.round(room - keep)), room };
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const m = measure(e.currentTarget);
    if (!m.pane) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startX: e.clientX, startWidth: m.width, width: m.width };
    setNow({ width: Math.round(m.width), max: m.max });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const m = measure(e.currentTarget);
    if (!m.pane) return;
    // The handle is right of the pane: moving right widens it.
    d.width = boundedWidth(d.startWidth + e.clientX - d.startX, m.room, keep);
    m.pane.style.width = paneWidthStyle(d.width, keep) ?? '';
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    const m = measure(e.currentTarget);
    // The element's style goes back to what React last rendered (the setting); the new setting's render follows.
    if (m.pane) m.pane.style.width = paneWidthStyle(props.width, keep) ?? '';
    setNow({ width: d.width, max: m.max });
    if (Math.round(d.width) !== Math.round(d.startWidth)) onResize(d.width);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const m = measure(e.currentTarget);
    let width: number | null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const step = (e.shiftKey ? 64 : 16) * (e.key === 'ArrowRight' ? 1 : -1);
      width = boundedWidth(m.width + step, m.room, keep);
    } else if (e.key === 'Home') width = PANE_MIN;
    else if (e.key === 'End') width = m.max;
    else if (e.key === 'Enter') width = null;
    else return;
    e.preventDefault();
    e.stopPropagation();
    setNow(width === null ? null : { width, max: m.max });
    onResize(width);
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable separator (a splitter) has no HTML element of its own; <hr> cannot take focus or children
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={props.label}
      aria-controls={props.controls}
      aria-valuemin={PANE_MIN}
      aria-valuemax={now?.max}
      aria-valuenow={now?.width}
      title={`${props.label}: drag, or focus and use the arrow keys; double-click to reset`}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onLostPointerCapture={endDrag}
      onDoubleClick={() => {
        setNow(null);
        onResize(null);
      }}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        if (now === null) {
          const m = measure(e.currentTarget);
          setNow({ width: Math.round(m.width), max: m.max });
        }
      }}
    />
  );
}
