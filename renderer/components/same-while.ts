// A value kept while its content is the same: callers that build a new array or object each render (an inline
// `defaultSort`, a list recomputed from a table) would otherwise make memos and effects that depend on it run
// on every render.
import { useRef } from 'react';

/** `value` as it was when `key` (a string that says what the value holds) last changed. */
export function useSameWhile<T>(value: T, key: string): T {
  const ref = useRef({ key, value });
  if (ref.current.key !== key) ref.current = { key, value };
  return ref.current.value;
}
