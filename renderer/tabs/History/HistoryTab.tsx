// The History tab: the connection record the monitor keeps (electron/monitor/record/). As it was (a moment
// or a range on a timeline), What changed, Exposure, Alerts, and the recording's own settings.
import { type InputHTMLAttributes, type ReactNode, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { formatBytes, formatDateTime } from '../../../shared/format.js';
import type { RecordingStatus } from '../../../shared/record.js';
import { useClient } from '../../api/context.js';
import { Dialog } from '../../components/Dialog.js';
import { latestWins } from '../../components/latest-wins.js';
import { type BarItem, OverflowBar } from '../../components/OverflowBar.js';
import { RadioButtons } from '../../components/RadioButtons.js';
import { pushNotice, useData } from '../../store/data.js';
import { setHistoryView, viewStore, type HistoryView } from '../../store/view.js';
import { Alerts } from './Alerts.js';
import { AsItWas } from './AsItWas.js';
import { Changes } from './Changes.js';
import { Exposure } from './Exposure.js';
import './history.css';

const VIEWS: readonly { id: HistoryView; label: string }[] = [
  { id: 'timeline', label: 'As it was' },
  { id: 'changes', label: 'What changed' },
  { id: 'exposure', label: 'Exposure' },
  { id: 'alerts', label: 'Alerts' },
];

const STATE_TEXT = {
  recording: 'Recording',
  off: 'Recording is off',
  paused: 'Recording is paused',
  failed: 'Recording failed',
} as const;

/** The props of the field of one of the recording's limits (days kept, size cap): typed freely, applied when the field
 *  is left, where it then holds a whole number within [min, max] other than the `current` one. */
function limitField(props: {
  label: string;
  min: number;
  max: number;
  text: string;
  onText: (text: string) => void;
  current: number;
  onApply: (n: number) => void;
}): InputHTMLAttributes<HTMLInputElement> {
  return {
    type: 'number',
    min: props.min,
    max: props.max,
    'aria-label': props.label,
    value: props.text,
    onChange: (e) => props.onText(e.target.value),
    onBlur: () => {
      const n = Number(props.text);
      if (Number.isInteger(n) && n >= props.min && n <= props.max && n !== props.current) props.onApply(n);
    },
  };
}

/** The recording's controls, as items of the History toolbar (an OverflowBar: in a narrow window they move, from
 *  the end, into its ⋯ menu, where the bar wrapped onto two or three rows: a new user's review of 12-06). The limits,
 *  in the menu, open a dialog with their fields. */
function useRecordingItems(props: { status: RecordingStatus | null; onConfigured: (s: RecordingStatus) => void }): {
  items: BarItem[];
  dialog: ReactNode;
} {
  const client = useClient();
  const s = props.status;
  const [days, setDays] = useState('');
  const [mb, setMb] = useState('');
  const [limitsOpen, setLimitsOpen] = useState(false);
  // The box shows what was asked at once (the host answers in a second or two, after the record is opened or
  // closed); a click meanwhile is asked once that answer comes (the last one; the streamed state may say the
  // change was made before the answer does), and a refusal puts the box back.
  const [askedEnabled, setAskedEnabled] = useState<boolean | null>(null);
  const applyConfig = async (next: RecordingStatus['config']) => {
    try {
      props.onConfigured(await client.request('recordConfigure', { config: next }));
    } catch (e) {
      pushNotice('error', 'record-configure', `Could not change recording: ${(e as Error).message}`);
    }
  };
  // A waiting click's request is sent with the configuration as last streamed or answered, through this render's.
  const enabledTo = useRef<(on: boolean) => Promise<void>>(async () => undefined);
  enabledTo.current = async (on) => {
    if (s) await applyConfig({ ...s.config, enabled: on });
  };
  const askEnabled = useRef<((on: boolean) => void) | null>(null);
  askEnabled.current ??= latestWins(
    (on: boolean) => enabledTo.current(on),
    () => setAskedEnabled(null),
  );
  const retentionDays = s?.config.retentionDays;
  const maxMb = s?.config.maxMb;
  useEffect(() => {
    if (retentionDays === undefined || maxMb === undefined) return;
    setDays(String(retentionDays));
    setMb(String(maxMb));
  }, [retentionDays, maxMb]);
  if (!s) {
    const none = 'This NetLens keeps no record.';
    return {
      items: [
        {
          id: 'no-record',
          node: <span className="muted">{none}</span>,
          menu: [{ id: 'no-record', label: none, disabled: true }],
        },
      ],
      dialog: null,
    };
  }
  const apply = (change: Partial<RecordingStatus['config']>) => applyConfig({ ...s.config, ...change });
  const enabled = askedEnabled ?? s.config.enabled;
  const setEnabled = (on: boolean) => {
    setAskedEnabled(on);
    askEnabled.current?.(on);
  };
  const stateText = `${STATE_TEXT[s.state]}${
    s.state === 'recording'
      ? ` · ${formatBytes(s.sizeBytes)}${s.oldest ? ` since ${formatDateTime(s.oldest)}` : ''}`
      : ''
  }${s.message && s.state !== 'recording' ? `: ${s.message}` : ''}`;
  const limits = (
    <label className="field recording-limits">
      <span>Keep</span>
      <input
        {...limitField({
          label: 'Keep days',
          min: 1,
          max: 365,
          text: days,
          onText: setDays,
          current: s.config.retentionDays,
          onApply: (n) => void apply({ retentionDays: n }),
        })}
      />
      <span>days, at most</span>
      <input
        {...limitField({
          label: 'Size cap in MB',
          min: 10,
          max: 10000,
          text: mb,
          onText: setMb,
          current: s.config.maxMb,
          onApply: (n) => void apply({ maxMb: n }),
        })}
      />
      <span>MB</span>
    </label>
  );
  return {
    items: [
      {
        id: 'record',
        node: (
          <label className="check">
            <input
              type="checkbox"
              checked={enabled}
              aria-busy={askedEnabled !== null}
              onChange={(e) => setEnabled(e.target.checked)}
            />
            Record connections
          </label>
        ),
        menu: [{ id: 'record', label: 'Record connections', checked: enabled, onSelect: () => setEnabled(!enabled) }],
      },
      {
        id: 'limits',
        node: limits,
        menu: [
          {
            id: 'limits',
            label: `Keep ${s.config.retentionDays} days, at most ${s.config.maxMb} MB…`,
            onSelect: () => setLimitsOpen(true),
          },
        ],
      },
      // Last, so that its text, which changes length (recording, off, paused and why), moves nothing else: before the
      // limits it moved them, and with the bar's spacer the box too (a new user's review of 12-07).
      {
        id: 'recording-state',
        node: (
          <span
            className={`recording-state ${s.state}`}
            data-testid="recording-state"
            title={s.message ?? s.file ?? ''}
          >
            {stateText}
          </span>
        ),
        menu: [{ id: 'recording-state', label: stateText, disabled: true }],
      },
    ],
    dialog: limitsOpen ? (
      <Dialog
        title="Keep the record"
        onClose={() => setLimitsOpen(false)}
        actions={
          <button type="button" onClick={() => setLimitsOpen(false)}>
            Done
          </button>
        }
      >
        <p className="muted">Connections older than this, or past this size, are cut from the record.</p>
        {limits}
      </Dialog>
    ) : null,
  };
}

export function HistoryTab() {
  const client = useClient();
  const view = useStore(viewStore, (s) => s.historyView);
  const streamed = useData((s) => s.status?.recording ?? null);
  const [status, setStatus] = useState<RecordingStatus | null>(streamed);
  useEffect(() => {
    client.request('recordStatus', {}).then(setStatus, () => setStatus(null));
  }, [client]);
  // The monitor's status carries the recording's state as it changes (paused, resumed).
  useEffect(() => {
    if (streamed) setStatus(streamed);
  }, [streamed]);
  const recording = useRecordingItems({ status, onConfigured: setStatus });
  return (
    <div className="tab-body">
      <OverflowBar
        label="History"
        className="tab-toolbar"
        items={[
          {
            id: 'views',
            pinned: true,
            node: (
              <RadioButtons
                label="History views"
                options={VIEWS.map((v) => ({ value: v.id, label: v.label, id: `history-${v.id}` }))}
                value={view}
                onChange={setHistoryView}
              />
            ),
            menu: [],
          },
          ...recording.items,
        ]}
      />
      {recording.dialog}
      <section className="history-body" aria-labelledby={`history-${view}`}>
        {view === 'timeline' ? (
          <AsItWas />
        ) : view === 'changes' ? (
          <Changes />
        ) : view === 'exposure' ? (
          <Exposure />
        ) : (
          <Alerts status={status} onConfigured={setStatus} />
        )}
      </section>
    </div>
  );
}
