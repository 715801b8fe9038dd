// Whether a scrolling box has more than it shows: such a box is made a Tab stop, so that a keyboard can scroll it
// (a box holding a button is not one by itself, and the arrows on that button scroll nothing).
import { useEffect, useLayoutEffect, useState, type RefObject } from 'react';

/** Whether `box` has more than it shows (a pixel of rounding is not worth a Tab stop). */
const overflowing = (box: HTMLElement) => box.scrollHeight - box.clientHeight > 1;

/** Whether the box `ref` holds overflows: read after each render (its content changed) and as its size changes (the
 *  window did); false while it is not there. */
export function useOverflows(ref: RefObject<HTMLElement | null>, present = true): boolean {
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    setOverflows(ref.current !== null && overflowing(ref.current));
  });
  useEffect(() => {
    const box = ref.current;
    if (!present || !box || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setOverflows(overflowing(box)));
    observer.observe(box);
    return () => observer.disconnect();
  }, [present, ref]);
  return overflows;
}
