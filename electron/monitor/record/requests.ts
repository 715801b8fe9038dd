// The record's requests, answered in the monitor worker where the database is open: status and settings,
// the timeline, connections as they were, what changed, alerts and the known baseline.
import { dirname } from 'node:path';
import type { MethodResults, RequestParams } from '../../../shared/protocol.js';
import { noChanges } from '../../../shared/record.js';
import { saveRecordingConfig } from './config.js';
import { REQUEST_WAIT, snapshot, whenFree, type BusyWait } from './database.js';
import { changes, connectionsBetween, timeline } from './queries.js';
import type { Recorder } from './recorder.js';

export const RECORD_METHODS = [
  'recordStatus',
  'recordConfigure',
  'recordTimeline',
  'recordConnections',
  'recordChanges',
  'recordAlerts',
  'recordMarkKnown',
] as const;
export type RecordMethod = (typeof RECORD_METHODS)[number];

export function isRecordMethod(method: string): method is RecordMethod {
  return (RECORD_METHODS as readonly string[]).includes(method);
}

export async function answerRecordRequest<M extends RecordMethod>(
  recorder: Recorder | null,
  method: M,
  params: RequestParams<M>,
  wait: BusyWait = REQUEST_WAIT,
): Promise<MethodResults[M]> {
  if (!recorder) throw new Error('this NetLens does not keep a connection record');
  const file = recorder.status().file!;
  // A reader (`netlens history`) may hold the lock for a while: the request waits with a timer between tries
  // (whenFree), never by sleeping, as this thread ticks every tab's live view; past the bound it fails with
  // "the record is busy …; try again".
  const read = <T>(empty: T, query: (db: NonNullable<ReturnType<Recorder['readable']>>) => T): Promise<T> => {
    // Write what was observed first: the record is then current to this moment ("now" includes what is open
    // now, and what closed a second ago is closed). A flush that meets the lock keeps its rows for the next.
    recorder.flush();
    return whenFree(
      recorder.lockFile(),
      () => {
        const db = recorder.readable();
        // One commit of the record throughout (snapshot): another NetLens may be recording to the file.
        return db ? snapshot(db, query) : empty;
      },
      wait,
    );
  };
  const answer = async (): Promise<unknown> => {
    switch (method) {
      case 'recordStatus':
        return recorder.status();
      case 'recordConfigure': {
        const { config } = params as RequestParams<'recordConfigure'>;
        recorder.configure(config);
        await saveRecordingConfig(dirname(file), config);
        return recorder.status();
      }
      case 'recordTimeline': {
        const p = params as RequestParams<'recordTimeline'>;
        return read([], (db) => timeline(db, p.from, p.to));
      }
      case 'recordConnections': {
        const p = params as RequestParams<'recordConnections'>;
        return read({ rows: [], omitted: 0, unreadable: 0, gap: null, gaps: [], gapsOmitted: 0 }, (db) =>
          connectionsBetween(db, p.from, p.to, recorder.runningSession()),
        );
      }
      case 'recordChanges': {
        const p = params as RequestParams<'recordChanges'>;
        return read(noChanges(p.from, p.to), (db) => changes(db, p.from, p.to));
      }
      case 'recordAlerts': {
        const { limit } = params as RequestParams<'recordAlerts'>;
        return whenFree(recorder.lockFile(), () => recorder.alerts(limit), wait);
      }
      case 'recordMarkKnown': {
        const p = params as RequestParams<'recordMarkKnown'>;
        await whenFree(recorder.lockFile(), () => recorder.markKnown(p.kind, p.subject), wait);
        return { known: true };
      }
    }
  };
  return (await answer()) as MethodResults[M];
}
