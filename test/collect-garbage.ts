// A full garbage collection for tests that check what a module lets go (a WeakRef to an object it was given).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Waits for the job that made the WeakRefs to end (a WeakRef holds its target until then), then collects.
 * V8 offers `gc` only to contexts made while --expose-gc is set: one is made for it and the flag turned off
 * again, so no other context finds a `gc` global.
 */
export async function collectGarbage(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}
