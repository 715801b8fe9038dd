// The worker's way to the privileged agent: the agent's client lives on the host's thread (it is shared with
// the actions and outlives a restarted worker), so the Linux connections collector, which runs here, asks
// through the host. Each question waits at most timeoutMs; no answer means "unknown", never a stuck tick.
import type { InodeOwners, PrivilegedOwners } from '../collectors/linux/socket-owners.js';
import type { FromWorker } from './worker-protocol.js';
import { PendingAnswers } from './pending-answers.js';

export class WorkerOwnerRelay implements PrivilegedOwners {
  private active = false;
  private readonly questions = new PendingAnswers<InodeOwners | null>();

  constructor(
    private readonly post: (message: FromWorker) => void,
    private readonly timeoutMs = 5000,
  ) {}

  /** The host says whether an agent runs; while none does, nothing is asked. */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) this.questions.answerAll(null);
  }

  available(): boolean {
    return this.active;
  }

  owners(inodes: number[]): Promise<InodeOwners | null> {
    if (!this.active) return Promise.resolve(null);
    return this.questions.ask(this.timeoutMs, null, (id) => this.post({ type: 'owners', id, inodes }));
  }

  answer(id: number, owners: InodeOwners | null): void {
    this.questions.answer(id, owners);
  }
}
