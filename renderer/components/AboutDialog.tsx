// About NetLens: the version and host, and the credits the shipped data asks for.
import type { HostInfo } from '../../shared/protocol.js';
import { DATA_CREDITS } from '../../shared/credits.js';
import { Dialog } from './Dialog.js';

export function AboutDialog(props: { info: HostInfo | null; onClose: () => void }) {
  const { info } = props;
  return (
    <Dialog
      title="About NetLens"
      onClose={props.onClose}
      actions={
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <p>
        NetLens {info?.appVersion ?? ''}: live connections, routes, interfaces and protocol statistics.
        {/* A sentence of its own, starting with a capital (it read "… statistics. linux x64, browser host."). */}
        {info
          ? ` Running on ${info.platform} ${info.arch}, in the ${info.host === 'electron' ? 'desktop app' : 'browser host'}.`
          : ''}
      </p>
      <p>
        Places (country, network) are looked up offline in the databases below; no address leaves this machine for them.
      </p>
      <ul className="credits" data-testid="data-credits">
        {DATA_CREDITS.map((c) => (
          <li key={c.what}>
            <strong>{c.what}</strong>: {c.source}. Licence: {c.licence}.{' '}
            <a href={c.url} target="_blank" rel="noreferrer noopener">
              {c.url.replace(/^https:\/\//, '')}
            </a>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
