// The handle between a side pane and what is beside it: drag it, or focus it and use the arrow keys (Shift for
// bigger steps), Home and End; a double click or Enter gives the pane back its default width. While a drag lasts
// the pane's width is set on its element alone (no render of the tab and its grids at each pointer move); the
// width is handed to `onResize` when the drag ends, and by each key.
import { type KeyboardEvent, type PointerEvent, memo, useEffect, useRef, useState } from 'react';

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

/** The pane (the element before the handle), its width, and the most it may be in its container. */
function measure(handle: HTMLElement, keep: number) {
  const pane = handle.previousElementSibling as HTMLElement | null;
  const room = handle.parentElement?.getBoundingClientRect().width ?? 0;
  const width = pane?.getBoundingClientRect().width ?? 0;
  return { pane, width, max: Math.max(PANE_MIN, Math.round(room - keep)), room };
}

export const Splitter = memo(function Splitter(props: {
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
  // The pane and its container's width are taken as the drag starts: neither changes while it lasts, and a move then
  // writes the pane's width without reading the layout back.
  const drag = useRef<{ pane: HTMLElement; room: number; startX: number; startWidth: number; width: number } | null>(
    null,
  );
  // Shown to assistive technology: the pane's width and its most, as measured whenever either box changes size.
  const [now, setNow] = useState<{ width: number; max: number } | null>(null);
  const self = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const handle = self.current;
    const split = handle?.parentElement;
    const pane = handle?.previousElementSibling;
    if (!handle || !split || !pane) return;
    const update = () => {
      const m = measure(handle, keep);
      const width = Math.round(m.width);
      setNow((n) => (n && n.width === width && n.max === m.max ? n : { width, max: m.max }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(split);
    observer.observe(pane);
    return () => observer.disconnect();
  }, [keep]);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const m = measure(e.currentTarget, keep);
    if (!m.pane) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { pane: m.pane, room: m.room, startX: e.clientX, startWidth: m.width, width: m.width };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    // The handle is right of the pane: moving right widens it.
    d.width = boundedWidth(d.startWidth + e.clientX - d.startX, d.room, keep);
    d.pane.style.width = paneWidthStyle(d.width, keep) ?? '';
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    // The element's style goes back to what React last rendered (the setting); the new setting's render follows.
    d.pane.style.width = paneWidthStyle(props.width, keep) ?? '';
    if (Math.round(d.width) !== Math.round(d.startWidth)) onResize(d.width);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const m = measure(e.currentTarget, keep);
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
    onResize(width);
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a focusable separator (a splitter) has no HTML element of its own; <hr> cannot take focus or children
    <div
      ref={self}
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
      onDoubleClick={() => onResize(null)}
      onKeyDown={onKeyDown}
    />
  );
});
