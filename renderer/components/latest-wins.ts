// One request at a time for a setting the user may change again before the host answers (Record connections'
// box): a value chosen while a request is on its way waits for its answer, and only the last value so chosen is
// asked then, none when it is the value just asked. A click was ignored while the host had not answered, though the
// state the monitor streams could already say the change was made: the box went back under the user's click.

/**
 * A function that asks `send` for the values given, in turn and the latest only; `settled` is called once no
 * request is on its way and none waits. A request that fails (`send` rejects) is the caller's to report: the next
 * waiting value is asked all the same.
 */
export function latestWins<T>(send: (value: T) => Promise<unknown>, settled: () => void): (value: T) => void {
  let waiting: { value: T } | null = null;
  let running = false;
  const run = async () => {
    let asked: { value: T } | null = null;
    while (waiting !== null && (asked === null || !Object.is(waiting.value, asked.value))) {
      asked = waiting;
      try {
        await send(asked.value);
      } catch {
        // the caller's send reports its own failures
      }
    }
    waiting = null;
    running = false;
    settled();
  };
  return (value) => {
    waiting = { value };
    if (running) return;
    running = true;
    void run();
  };
}
