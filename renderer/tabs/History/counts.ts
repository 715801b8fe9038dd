// What History's views other than As it was tell the status bar (reportPanel): how many things each lists, in its
// own word. None has a filter, so there is no "of N": What changed counts the items of its lists, Exposure the
// listeners it groups, Alerts the alerts it lists.
import { formatCount } from '../../../shared/format.js';
import type { Exposed } from '../../../shared/exposure.js';
import type { ChangesSummary } from '../../../shared/record.js';
import type { PanelStats } from '../../store/view.js';

/** What changed: every item of its lists (new and gone listeners, those that came and went, new remote hosts and
 *  networks, new places, processes that started or stopped), with the listeners of the range it could not list. */
export function changesStats(s: ChangesSummary): PanelStats {
  const shown =
    s.newListeners.length +
    s.goneListeners.length +
    s.briefListeners.length +
    s.newRemoteHosts.length +
    s.newNetworks.length +
    s.newPlaces.length +
    s.startedProcesses.length +
    s.stoppedProcesses.length;
  const omitted = s.briefListenersOmitted;
  return {
    shown,
    noun: 'changes',
    one: 'change',
    ...(omitted > 0
      ? { note: `${formatCount(omitted)} more ${omitted === 1 ? 'listener' : 'listeners'} of the range not listed` }
      : {}),
  };
}

/** Exposure: the listeners open now, with those whose owner this user may not see (the bar offers to see them). */
export function exposureStats(list: readonly Exposed[]): PanelStats {
  return {
    shown: list.length,
    noun: 'listeners',
    one: 'listener',
    denied: list.filter((e) => e.row.ownerStatus === 'denied').length,
  };
}

/** Alerts: the alerts listed, newest first; a list as long as `limit` may leave older ones out, and says so. */
export function alertsStats(count: number, limit: number): PanelStats {
  return {
    shown: count,
    noun: 'alerts',
    one: 'alert',
    ...(count >= limit ? { note: 'the newest: any older ones are not listed' } : {}),
  };
}
