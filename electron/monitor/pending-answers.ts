// Questions the worker sends the host's thread and waits on (an agent's owners, a sock_diag dump): each gets
// an id, and is answered once, by the host or, when its time is over, with a fallback: no question waits
// forever, and a late answer to one given up on is dropped.
export class PendingAnswers<T> {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: T) => void; timer: ReturnType<typeof setTimeout> }>();

  /** Sends question `id` with `send`; resolves with its answer, or with `fallback` after `timeoutMs`. */
  ask(timeoutMs: number, fallback: T, send: (id: number) => void): Promise<T> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(id, fallback), timeoutMs);
      this.pending.set(id, { resolve, timer });
      send(id);
    });
  }

  /** Gives question `id` its answer; false when none waits for it (given up on, or answered already). */
  answer(id: number, value: T): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(value);
    return true;
  }

  /** Answers every question still waiting with `value`. */
  answerAll(value: T): void {
    for (const id of [...this.pending.keys()]) this.answer(id, value);
  }
}
