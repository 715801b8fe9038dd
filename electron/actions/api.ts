// What the hosts see of the process and connection actions. Parameters arrive already validated against
// shared/protocol.ts; implementations still re-check what they depend on (pid ranges, start times).
import type { ActionLogEntry, Capabilities, CloseResult, KillResult, RequestParams } from '../../shared/protocol.js';

export interface Actions {
  capabilities(): Promise<Capabilities>;
  kill(params: RequestParams<'kill'>): Promise<KillResult>;
  closeConnection(params: RequestParams<'closeConnection'>): Promise<CloseResult>;
  actionLog(limit: number): Promise<ActionLogEntry[]>;
}
