import { describe, expect, it } from 'vitest';
import { latestWins } from './latest-wins.js';

/** A send whose requests the test answers one by one. */
function manual() {
  const asked: boolean[] = [];
  const answers: (() => void)[] = [];
  const send = (v: boolean) =>
    new Promise<void>((resolve, reject) => {
      asked.push(v);
      answers.push(() => (v === null ? reject(new Error('refused')) : resolve()));
    });
  const answer = async () => {
    answers.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { asked, send, answer };
}

describe('latestWins', () => {
  it('asks a value chosen while a request is on its way once that one is answered', async () => {
    const m = manual();
    let settled = 0;
    const set = latestWins(m.send, () => settled++);
    set(false);
    expect(m.asked).toEqual([false]);
    set(true); // the user clicks again before the host answered: not lost
    expect(m.asked).toEqual([false]);
    await m.answer();
    expect(m.asked).toEqual([false, true]);
    expect(settled).toBe(0);
    await m.answer();
    expect(settled).toBe(1);
  });

  it('asks only the last of several values chosen meanwhile, and nothing when it is the value just asked', async () => {
    const m = manual();
    let settled = 0;
    const set = latestWins(m.send, () => settled++);
    set(false);
    set(true);
    set(false);
    await m.answer();
    expect(m.asked).toEqual([false]);
    expect(settled).toBe(1);
    set(true);
    set(false);
    set(true);
    await m.answer();
    expect(m.asked).toEqual([false, true]);
    expect(settled).toBe(2);
  });

  it('goes on after a request that fails', async () => {
    const asked: boolean[] = [];
    let settled = 0;
    const set = latestWins(
      async (v: boolean) => {
        asked.push(v);
        if (!v) throw new Error('refused');
      },
      () => settled++,
    );
    set(false);
    set(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual([false, true]);
    expect(settled).toBe(1);
  });
});
