// Work that can wait for the frame after the one that shows a change (issue 15): a tick's diff is shown by the
// Connections grid first, and what only summarizes the table (the process list's counts, the status bar's) follows
// in the next task after that frame, instead of lengthening the task the frame waits for.
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

/** Runs `fn` in a task after the next frame is rendered (a frame callback posts it), unless cancelled first. Where
 *  frames do not come (a hidden page), it waits for the next one. */
export function afterNextFrame(fn: () => void): () => void {
  let cancelled = false;
  const raf = globalThis.requestAnimationFrame;
  const post = () => {
    if (cancelled) return;
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      if (!cancelled) fn();
    };
    ch.port2.postMessage(null);
  };
  if (typeof raf !== 'function') {
    const t = setTimeout(post, 16);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }
  const id = raf(post);
  return () => {
    cancelled = true;
    globalThis.cancelAnimationFrame?.(id);
  };
}

/**
 * A component's own re-render after the next frame: `later()` asks for one (requests made before it comes make
 * one render), rendered synchronously in that task so that what the component reads then (refs to the latest
 * props) is what the page last rendered. Returns a number that changes with each such render.
 */
export function useRenderAfterFrame(): { tick: number; later: () => void } {
  const [tick, setTick] = useState(0);
  const pending = useRef<(() => void) | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      pending.current?.();
      pending.current = null;
    };
  }, []);
  const later = useCallback(() => {
    if (pending.current !== null) return;
    pending.current = afterNextFrame(() => {
      pending.current = null;
      if (mounted.current) flushSync(() => setTick((t) => t + 1));
    });
  }, []);
  return { tick, later };
}
