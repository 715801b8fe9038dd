// Growth checks (doubling an input at most about doubles the time) without timed assertions: a ratio of two CPU
// times measured in the same run, each the best of interleaved repetitions, measured again while above its limit.
// Noise from elsewhere (a collector tick, a garbage collection that lands on one side, a busy core) only ever
// raises a ratio, while a quadratic cost measures near 4 every time: the lowest of a few fresh measurements is the
// honest figure, and a passing one ends the loop early.

/** CPU time (ms) of `f`: CPU rather than wall time, so that waiting for a core on a loaded machine does not count. */
function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU time (ms) of the best of `repetitions` runs of `f`. */
export function bestTime(f: () => void, repetitions: number): number {
  let best = Infinity;
  for (let i = 0; i < repetitions; i++) best = Math.min(best, cpuMs(f));
  return best;
}

/** Measurements of one ratio before it counts as a failure, and the interleaved rounds of each (3 rounds of 2 runs a
 *  side: the suite's 70-odd growth checks took 90 s with 5; a round lost to noise is measured again while the
 *  ratio is over its limit, ATTEMPTS times). */
const ATTEMPTS = 3;
const ROUNDS = 3;

/** The CPU time ratio of `large` to `small`: the best of each over ROUNDS interleaved rounds (so that a burst of
 *  load from elsewhere hits both), measured again up to ATTEMPTS times while at or above `limit`. */
export function ratioOf(small: () => void, large: () => void, limit: number): number {
  let ratio = Infinity;
  for (let attempt = 0; attempt < ATTEMPTS && ratio >= limit; attempt++) {
    let a = Infinity;
    let b = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      a = Math.min(a, bestTime(small, 2));
      b = Math.min(b, bestTime(large, 2));
    }
    ratio = Math.min(ratio, b / Math.max(a, 0.001));
  }
  return ratio;
}
