// What a tab's view holds that is not a setting but should outlive the tab's panel: the text in its filter box.
// A tab's panel is taken down when another tab is shown (nothing renders for a tab nobody sees), so its own state
// went with it: a filter typed on Connections was gone after a look at Routes (a new user's review of 12-06). Kept
// here for the page's life, not saved (a filter is for now; the toggles beside it are settings).
import { useCallback, useSyncExternalStore } from 'react';

/** The views' values by key ('connections.query', 'routes.filter'…): few, fixed by the code. */
const values = new Map<string, string>();
const listeners = new Map<string, Set<() => void>>();

/** Like useState for a string, kept while the page is open under `key`. */
export function useTabText(key: string): [string, (next: string | ((prev: string) => string)) => void] {
  const subscribe = useCallback(
    (listener: () => void) => {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    [key],
  );
  const value = useSyncExternalStore(subscribe, () => values.get(key) ?? '');
  const setValue = useCallback(
    (next: string | ((prev: string) => string)) => {
      const prev = values.get(key) ?? '';
      const v = typeof next === 'function' ? next(prev) : next;
      if (v === prev) return;
      values.set(key, v);
      for (const l of listeners.get(key) ?? []) l();
    },
    [key],
  );
  return [value, setValue];
}
