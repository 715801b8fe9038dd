// Name settings: whether host names are resolved, short or fully qualified (netstat -f), and a DNS server to
// ask instead of the system's (for split DNS). Saved with the other settings; the Node side asks only while
// "Resolve names" is on.
import { useState } from 'react';
import { parseDnsServer } from '../../../shared/names.js';
import { Dialog } from '../../components/Dialog.js';
import { updateSettings, useSettings } from '../../store/settings.js';

export function NamesDialog(props: { onClose: () => void }) {
  const resolveNames = useSettings((s) => s.resolveNames);
  const fullHostNames = useSettings((s) => s.fullHostNames);
  const saved = useSettings((s) => s.dnsServer);
  const [server, setServer] = useState(saved);
  const valid = server.trim() === '' || parseDnsServer(server) !== null;
  const apply = () => {
    if (!valid) return;
    updateSettings({ dnsServer: server.trim() });
    props.onClose();
  };
  return (
    <Dialog
      title="Name settings"
      onClose={props.onClose}
      describedBy="names-help"
      actions={
        <>
          <button type="button" className="primary" disabled={!valid} onClick={apply}>
            Apply
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </>
      }
    >
      <p id="names-help">
        Host names come from the hosts file and reverse DNS, asked in the background. Loopback and link-local addresses
        are named from the hosts file only, unless you name a DNS server below: it is asked about every address. Country
        and network never leave this machine.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={resolveNames}
          onChange={() => updateSettings({ resolveNames: !resolveNames })}
          data-autofocus
        />
        Resolve names (Ctrl+R)
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={fullHostNames}
          onChange={() => updateSettings({ fullHostNames: !fullHostNames })}
        />
        Fully qualified names (www.example.com rather than www)
      </label>
      <label className="field-block">
        <span>DNS server (ADDR or ADDR:PORT; empty for the system’s)</span>
        <input
          type="text"
          value={server}
          placeholder="system resolver"
          aria-invalid={!valid}
          spellCheck={false}
          onChange={(e) => setServer(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
          }}
        />
      </label>
      {valid ? null : (
        <p role="alert" className="error-text">
          Not a numeric address with an optional port, such as 192.0.2.53, 127.0.0.1:5353 or [::1]:5353.
        </p>
      )}
    </Dialog>
  );
}
