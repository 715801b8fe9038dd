// The one way a test waits: for a condition, with a deadline, never for a fixed time. Test support only
// (no Node, browser or vitest imports, so unit tests and end-to-end tests share it).

/**
 * Calls `probe` until it returns a truthy value (which it returns) or `timeoutMs` passes (then throws, naming
 * `what` and the probe's last error). A probe that throws counts as "not yet". Unit tests poll faster than the
 * 100 ms the browser tests use, by `everyMs`.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= end) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
