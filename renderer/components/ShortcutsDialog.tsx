// Keyboard shortcuts: the header's "?" (and the ? or F1 key). The app's shortcuts come from the table the key
// handler reads (commands.ts SHORTCUTS), so the list says what the keys do; the tables' own keys follow.
import { SHORTCUTS, TABLE_KEYS } from '../commands.js';
import { Dialog } from './Dialog.js';

/** Ctrl reads ⌘ on macOS, where Cmd is the key that works (keyCommand takes either). */
const onMac = () => typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

function KeyTable(props: { caption: string; rows: readonly { keys: string; does: string }[] }) {
  const mac = onMac();
  return (
    <table className="log-table shortcuts-table">
      <caption>{props.caption}</caption>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.keys}>
            <th scope="row">
              <kbd>{mac ? r.keys.replaceAll('Ctrl+', '⌘') : r.keys}</kbd>
            </th>
            <td>{r.does}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ShortcutsDialog(props: { onAbout: () => void; onClose: () => void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={props.onClose}
      actions={
        <>
          <button type="button" onClick={props.onAbout}>
            About NetLens…
          </button>
          <button type="button" onClick={props.onClose} data-autofocus>
            Close
          </button>
        </>
      }
    >
      <div data-testid="shortcuts">
        <KeyTable caption="Anywhere (they wait while a dialog is open)" rows={SHORTCUTS} />
        <KeyTable caption="In tables, menus and dialogs" rows={TABLE_KEYS} />
      </div>
    </Dialog>
  );
}
