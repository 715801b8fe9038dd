// A process's start time as NetLens names it everywhere: ms since the epoch, from /proc/[pid]/stat field 22
// (clock ticks after boot) and /proc/stat btime. The collectors attach it to every owning process and the
// kill action compares it exactly before signalling, so both must compute it with this one function.

/** USER_HZ: the unit of /proc/[pid]/stat starttime. Fixed at 100 by the kernel ABI on every architecture. */
export const LINUX_CLK_TCK = 100;

export function linuxStartTimeFromTicks(ticks: number, btime: number): number {
  return btime * 1000 + Math.round((ticks * 1000) / LINUX_CLK_TCK);
}
