// Exposure: the listeners open now, grouped by who can reach them, with process, user (the process's, as the grid
// and What changed have it: columns.tsx userText), since when, and what the host firewall is likely to do with a
// connection from elsewhere.
import { useEffect, useMemo, useState } from 'react';
import { useSameWhile } from '../../components/same-while.js';
import { EXPOSURE_GROUPS, firewallPorts } from '../../../shared/exposure.js';
import { formatDateTime } from '../../../shared/format.js';
import type { FirewallResult } from '../../../shared/protocol.js';
import { useClient } from '../../api/context.js';
import { Inert } from '../../components/Inert.js';
import { useData } from '../../store/data.js';
import { processText, USER_MEANING, userText } from '../Connections/columns.js';
import { usePanelReport } from '../../store/view.js';
import { exposureStats } from './counts.js';
import { ExposureFollower } from './exposure-live.js';

const VERDICT_TEXT = { admitted: 'likely admitted', blocked: 'likely blocked', 'cannot tell': 'cannot tell' } as const;

export function Exposure() {
  const client = useClient();
  // The same list while the listeners and the interfaces' addresses say the same: a tick that changed only
  // counters (at rest, every tick) renders nothing here (exposure-live.ts).
  const [follower] = useState(() => new ExposureFollower());
  const list = useData((s) => follower.select(s.datasets.connections, s.datasets.interfaces));
  const received = useData((s) => s.datasets.connections.received);
  // The status bar counts the listeners once this machine's sockets were read (before, none is not a count).
  usePanelReport(received ? exposureStats(list) : null);
  const listening = useMemo(() => firewallPorts(list), [list]);
  // The same array while the same ports listen, so the firewall is asked again only when they change.
  const ports = useSameWhile(listening, listening.map((p) => `${p.proto}/${p.family}/${p.port}`).join(' '));
  const [firewall, setFirewall] = useState<FirewallResult | null>(null);
  // Why the last request failed: said, not left as "Reading the firewall…" for good.
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.request('firewall', { ports }).then(
      (f) => {
        if (!live) return;
        setFirewall(f);
        setFailed(null);
      },
      (e: Error) => {
        if (!live) return;
        setFirewall(null);
        setFailed(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [ports, client]);

  const unreadable =
    firewall && !firewall.readable ? (Object.values(firewall.verdicts)[0]?.reason ?? firewall.source) : null;
  return (
    <div className="history-view scroll" data-testid="exposure">
      <p className="muted">
        {firewall === null ? (
          failed === null ? (
            'Reading the firewall…'
          ) : (
            <>
              Firewall: could not be read (<Inert text={failed} />
              ); no verdicts.
            </>
          )
        ) : firewall.readable ? (
          `Firewall: read from ${firewall.source}; verdicts are for a new connection from another machine.`
        ) : (
          `Firewall: cannot tell${unreadable ? ` (${unreadable})` : ''}.`
        )}
      </p>
      {!received ? <p className="muted">Reading this machine’s sockets…</p> : null}
      {EXPOSURE_GROUPS.map((g) => {
        const rows = list.filter((e) => e.group === g.id).sort((x, y) => x.row.localPort - y.row.localPort);
        return (
          <section key={g.id} className="change-section" aria-label={g.label}>
            <h3 title={g.description}>
              {g.label} <span className="muted">({rows.length})</span>
            </h3>
            <p className="muted">{g.description}</p>
            {rows.length === 0 ? null : (
              <table className="change-table">
                <thead>
                  <tr>
                    <th scope="col">Listening on</th>
                    <th scope="col">Interface</th>
                    <th scope="col">Process</th>
                    <th scope="col" title={USER_MEANING}>
                      User
                    </th>
                    <th scope="col">Since</th>
                    <th scope="col">Firewall</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ row, iface }) => {
                    const proto = row.proto === 'tcp' ? 'tcp' : 'udp';
                    const v =
                      g.id === 'loopback' ? null : firewall?.verdicts[`${proto}/${row.family}/${row.localPort}`];
                    const address = row.localAddress.includes(':') ? `[${row.localAddress}]` : row.localAddress;
                    return (
                      <tr key={row.id} data-port={row.localPort}>
                        <td>{`${row.family === 'inet6' ? `${row.proto}6` : row.proto} ${address}:${row.localPort}`}</td>
                        <td>
                          {g.id === 'interface' ? (
                            <Inert text={iface ?? 'unknown'} />
                          ) : g.id === 'loopback' ? (
                            'lo'
                          ) : (
                            'all'
                          )}
                        </td>
                        <td>
                          <Inert text={processText(row) || '—'} />
                          {row.processes[0] ? ` (${row.processes[0].pid})` : ''}
                        </td>
                        <td>
                          <Inert text={userText(row)} />
                        </td>
                        <td>{formatDateTime(row.firstSeen)}</td>
                        <td title={v?.reason ?? ''} data-verdict={v?.verdict ?? 'n/a'}>
                          {g.id === 'loopback' ? 'not needed' : v ? VERDICT_TEXT[v.verdict] : '…'}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </div>
  );
}
