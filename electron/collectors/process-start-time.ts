// A process's start time as NetLens names it everywhere: ms since the epoch. The collectors attach it to every
// owning process and the kill action reads it again and compares it exactly before signalling, so on each OS
// both sides compute it here, from the same source:
//   Linux    /proc/[pid]/stat field 22 (clock ticks after boot) + /proc/stat btime
//   macOS    ps -o lstart= (local time, whole seconds)
//   Windows  Win32_Process.CreationDate through PowerShell, truncated to whole ms

/** USER_HZ: the unit of /proc/[pid]/stat starttime. Fixed at 100 by the kernel ABI on every architecture. */
export const LINUX_CLK_TCK = 100;

export function linuxStartTimeFromTicks(ticks: number, btime: number): number {
  return btime * 1000 + Math.round((ticks * 1000) / LINUX_CLK_TCK);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ps -o lstart tokens ("Sat Nov 28 00:57:39 2026", with LC_ALL=C) -> ms since the epoch. */
export function parseLstart(tokens: readonly string[]): number | null {
  const [, mon, day, time, year] = tokens;
  const month = MONTHS.indexOf(mon ?? '');
  const hms = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(time ?? '');
  if (month < 0 || !hms || !/^\d{1,2}$/.test(day ?? '') || !/^\d{4}$/.test(year ?? '')) return null;
  return new Date(Number(year), month, Number(day), Number(hms[1]), Number(hms[2]), Number(hms[3])).getTime();
}

/** PowerShell for a Win32_Process object `$p`: its creation time in whole ms, or $null. A subexpression
 *  $(...), because an `if` statement is not an expression: inside plain parentheses PowerShell would run
 *  `if` as a command and fail. */
export const WINDOWS_START_MS =
  '$(if ($null -ne $p.CreationDate) { ([DateTimeOffset]$p.CreationDate).ToUnixTimeMilliseconds() } else { $null })';
