// The status bar: rows shown and total, the last tick's duration, what the collector skipped, limited
// process information, and which host, platform and version this is.
import type { HostInfo } from '../../shared/protocol.js';
import { formatCount } from '../../shared/format.js';
import { useData } from '../store/data.js';
import type { PanelStats } from '../store/view.js';
import { useCapture } from '../store/capture.js';
import { TABS, type TabId } from '../tabs/tabs.js';
import type { Dataset } from '../../shared/types.js';

export function StatusBar({ info, activeTab, panel }: { info: HostInfo | null; activeTab: TabId; panel: PanelStats | null }) {
  const [dataset, secondary] = TABS.find((t) => t.id === activeTab)!.datasets as [Dataset, Dataset | undefined];
  const ds = useData((s) => s.datasets[dataset]);
  // A tab may show a second dataset (Interfaces shows multicast): its collector's errors count too.
  const secondaryError = useData((s) => (secondary ? s.datasets[secondary].error : null));
  const status = useData((s) => s.status);
  const capture = useCapture();
  const diag = ds.diagnostics;
  const skippedTitle = diag?.samples.map((x) => `${x.source}: ${x.reason}: ${x.line}`).join('\n') ?? '';
  const missingTitle = diag?.missing.map((m) => `${m.source}: ${m.reason}`).join('\n') ?? '';
  return (
    // Not a live region: it changes every tick, and announcing each would drown everything else out.
    <footer className="statusbar" aria-label="Status">
      {panel ? (
        <span data-status="rows">
          {formatCount(panel.shown)} of {formatCount(panel.total)} {panel.noun}
        </span>
      ) : null}
      {capture ? null : ds.tick ? (
        <span data-status="tick" title={`Last collection at ${new Date(ds.tick.at).toLocaleTimeString()}`}>
          tick {ds.tick.durationMs.toFixed(ds.tick.durationMs < 10 ? 1 : 0)} ms
          {ds.tick.lagCount > 0 ? ` · ${ds.tick.lagCount} late ticks skipped` : ''}
        </span>
      ) : null}
      {status?.paused ? <span className="badge warn" data-status="paused">Paused</span> : null}
      {diag && diag.skipped > 0 ? (
        <span className="badge warn" title={skippedTitle} data-status="skipped">
          {formatCount(diag.skipped)} unreadable lines skipped
        </span>
      ) : null}
      {diag && diag.missing.length > 0 ? (
        <span className="badge" title={missingTitle} data-status="missing">
          {diag.missing.length} sources unavailable
        </span>
      ) : null}
      {ds.error ? (
        <span className="badge error" title={ds.error.message} data-status="collector-error">
          Collector error: {ds.error.message}
        </span>
      ) : null}
      {secondaryError && secondary ? (
        <span className="badge error" title={secondaryError.message} data-status="collector-error">
          {secondary} collector error: {secondaryError.message}
        </span>
      ) : null}
      {panel?.denied ? (
        <span className="badge warn" data-status="denied">
          {formatCount(panel.denied)} sockets without an owner: run as administrator to see them
        </span>
      ) : null}
      <span className="statusbar-spacer" />
      {info ? (
        <span data-status="host">
          {info.host === 'electron' ? 'Electron' : 'Browser'} host · <span data-status="platform">{info.platform}</span> {info.arch} ·{' '}
          {info.appName} {info.appVersion}
          {info.privileged ? ' · administrator' : ''}
        </span>
      ) : (
        <span>connecting…</span>
      )}
    </footer>
  );
}
