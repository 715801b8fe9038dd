// Which kind of Chromium process a command line (/proc/<pid>/cmdline) is, for the benches that sum Chromium's CPU by
// kind. Bench support only.

/** The renderer of Chromium's own WebUI (`--top-chrome-webui`: the omnibox's popup, which Chromium 156 loads ahead
 *  in a renderer of its own). An Electron window has no omnibox and no such renderer, and Playwright's
 *  --disable-background-timer-throttling keeps its timers running in full: 0.26 % of a core on average 10-120 s
 *  after the launch, 0.3-0.4 in bench:idle's first tab, counted in the Chromium figures until 12-05
 *  (docs/performance.md, _Chromium's own omnibox renderer counted apart_). */
export const BROWSER_UI_RENDERER = 'browser-ui-renderer';

/** BROWSER_UI_RENDERER, or the process's `--type` (renderer, gpu-process, utility, zygote), or `browser`. Arguments
 *  are apart by NULs, or by spaces in a process the zygote forked (it rewrites its command line as one string). */
export function chromiumKind(cmdline: string): string {
  if (/(?:^|[\0 ])--top-chrome-webui(?=[\0 ]|$)/.test(cmdline)) return BROWSER_UI_RENDERER;
  return /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? 'browser';
}
