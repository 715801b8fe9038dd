// bench:renderer's second peer: the plain virtualized list of PLAIN_LIST_HTML written as one writes it in React
// (react and react-dom, as the app uses them; no store library, no table library): the rows in a Map and an
// array held in a ref, a version bumped per diff, the ~40 visible rows rendered as memoised components keyed by
// row id. Fed by the host's WebSocket like the app (token from the fragment). Its figure against the plain list's
// says what React's own render and commit cost a diff; the app's against it, what NetLens does besides.
import { memo, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

type Row = {
  id: string;
  proto: string;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
  recvQ: number;
  sendQ: number;
  processes: { pid: number; name: string }[];
};
type Message =
  | { type: 'snapshot'; dataset: string; seq: number; rows: Row[] }
  | {
      type: 'diff';
      dataset: string;
      seq: number;
      diff: { added: Row[]; removed: string[]; changed: (Partial<Row> & { id: string })[] };
    }
  | { type: string; dataset?: string };

const H = 22;

const cols = (r: Row) => [
  r.proto,
  r.localAddress,
  r.localPort,
  r.remoteAddress,
  r.remotePort,
  r.state,
  r.recvQ,
  r.sendQ,
  r.processes[0]?.pid ?? '',
  r.processes[0]?.name ?? '',
];

const ListRow = memo(function ListRow({ row, top }: { row: Row; top: number }) {
  return (
    <div className="row" style={{ top }}>
      {cols(row).map((text, c) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed, in a fixed order
        <span key={c}>{String(text)}</span>
      ))}
    </div>
  );
});

function List({ token, protocol, tokenPrefix }: { token: string; protocol: string; tokenPrefix: string }) {
  const table = useRef({ rows: new Map<string, Row>(), order: [] as string[], seq: 0 });
  const [, setVersion] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(window.innerHeight);
  useEffect(() => {
    const ws = new WebSocket(`ws://${location.host}/ws`, [protocol, tokenPrefix + token]);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', dataset: 'connections' }));
    ws.onmessage = (e: MessageEvent<string>) => {
      const m = JSON.parse(e.data) as Message;
      const t = table.current;
      if (m.type === 'snapshot' && m.dataset === 'connections' && 'rows' in m) {
        t.rows.clear();
        for (const r of m.rows) t.rows.set(r.id, r);
        t.order = m.rows.map((r) => r.id);
        t.seq = m.seq;
      } else if (m.type === 'diff' && m.dataset === 'connections' && 'diff' in m) {
        if (m.seq !== t.seq + 1) return;
        t.seq = m.seq;
        if (m.diff.removed.length) {
          const gone = new Set(m.diff.removed);
          for (const id of gone) t.rows.delete(id);
          t.order = t.order.filter((id) => !gone.has(id));
        }
        for (const r of m.diff.added) {
          if (!t.rows.has(r.id)) t.order.push(r.id);
          t.rows.set(r.id, r);
        }
        for (const c of m.diff.changed) {
          const r = t.rows.get(c.id);
          if (r) t.rows.set(c.id, { ...r, ...c });
        }
      } else return;
      ws.send(JSON.stringify({ type: 'ack', dataset: 'connections', seq: t.seq }));
      setVersion((v) => v + 1);
    };
    const resize = () => setHeight(window.innerHeight);
    window.addEventListener('resize', resize);
    return () => {
      ws.close();
      window.removeEventListener('resize', resize);
    };
  }, [token, protocol, tokenPrefix]);
  const { rows, order } = table.current;
  const first = Math.floor(scrollTop / H);
  const visible: { row: Row; top: number }[] = [];
  for (let i = first; i < Math.min(order.length, first + Math.ceil(height / H) + 1); i++)
    visible.push({ row: rows.get(order[i]!)!, top: i * H });
  return (
    <div id="v" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div style={{ height: order.length * H }} />
      {visible.map(({ row, top }) => (
        <ListRow key={row.id} row={row} top={top} />
      ))}
    </div>
  );
}

const config = document.getElementById('config')!.dataset;
createRoot(document.getElementById('root')!).render(
  <List
    token={decodeURIComponent(location.hash.slice(1))}
    protocol={config.protocol!}
    tokenPrefix={config.tokenPrefix!}
  />,
);
