// The steps between the ticks of a rate chart's axis (RateChart), in bytes per second.

/** Tick steps of 1, 2 and 5 times powers of 1024, so the axis reads 5 MiB/s rather than 4.77 MiB/s; below
 *  a KiB, quarters and halves of it, so the ticks meet 1 KiB/s. */
const BINARY_INCRS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  256,
  512,
  ...[1, 2, 3, 4].flatMap((k) => [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * 1024 ** k)),
];

/** Quarters and halves of a MiB, GiB and TiB, for an axis that crosses one of them. */
const QUARTERS = [1, 2, 3].flatMap((k) => [256, 512].map((m) => m * 1024 ** k));

/**
 * The steps uPlot may choose from for an axis up to `max`. One that crosses a unit (1 KiB, 1 MiB…) keeps
 * only steps that are quarters of that unit: with room for many ticks uPlot chose 100 B/s across 1 KiB, and
 * the axis read "1000 B/s, 1.07 KiB/s, 1.17 KiB/s … 1.95 KiB/s"; now "1 KiB/s, 1.25 KiB/s, 1.5 KiB/s".
 */
export function rateIncrs(max: number): number[] {
  // Units up to the TiB that QUARTERS has: a rate of a PiB/s or more (or not a number, a remote host's bogus
  // counter) keeps the plain steps rather than loop for good or leave the axis none.
  if (!(max < 1024 ** 5)) return BINARY_INCRS;
  let unit = 1;
  while (unit * 1024 <= max) unit *= 1024;
  if (unit === 1) return BINARY_INCRS;
  // Asked at each redraw of each chart (every tick): made once per unit.
  let steps = byUnit.get(unit);
  if (steps === undefined) {
    const quarter = unit / 4;
    steps = [...BINARY_INCRS, ...QUARTERS].filter((n) => n % quarter === 0).sort((a, b) => a - b);
    byUnit.set(unit, steps);
  }
  return steps;
}

/** rateIncrs' steps by the unit an axis crosses (KiB, MiB, GiB, TiB: four at most). */
const byUnit = new Map<number, number[]>();
