// Windows has no `netstat -g`. `netsh interface ipv4|ipv6 show joins` lists memberships, but no real
// capture of its output was available to build and test a parser against, and a parser written from
// memory would guess at column layout and localized titles. So the dataset reports itself as missing,
// with the reason, rather than showing rows that might be wrong.
import type { Collector } from '../collector.js';
import type { MulticastGroup } from '../../../shared/types.js';
import { emptyDiagnostics } from '../../../shared/types.js';

export const WIN32_MULTICAST_REASON =
  'multicast memberships are not collected on Windows yet: netstat has no -g here, and the output of `netsh interface ipv4 show joins` has no verified parser';

export function createWin32MulticastCollector(): Collector<MulticastGroup> {
  return {
    async read() {
      const d = emptyDiagnostics();
      d.missing.push({ source: 'netsh interface ipv4/ipv6 show joins', reason: WIN32_MULTICAST_REASON });
      return { rows: [], diagnostics: d };
    },
  };
}
